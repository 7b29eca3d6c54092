"""The NumPy target: kernels printed from the intermediate form and run on arrays."""

import numpy as np
import pytest

from axonal.codegen.numpy_target import ALL_ELEMENTS, compile_numpy_kernel, evaluate_expression
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef


def _array(name, key, index=None, read_only=False):
    return VariableRef(name, VariableKind.ARRAY, array=key, index=index, read_only=read_only)


def _constant(name):
    return VariableRef(name, VariableKind.CONSTANT)


def test_state_update_respects_unless_refractory_condition():
    kernel = Kernel(
        name="g.state_update",
        owner="g",
        role=KernelRole.STATE_UPDATE,
        statements=(
            Statement("_v", "=", Expression("v + dt*(1 - v)/tau"), temporary=True),
            Statement("v", "=", Expression("_v"), condition=Expression("not_refractory")),
        ),
        variables={
            "v": _array("v", "g.v"),
            "not_refractory": _array("not_refractory", "g.not_refractory"),
            "tau": _constant("tau"),
            "dt": VariableRef("dt", VariableKind.CLOCK),
        },
    )
    ns = {
        "g.N": 3,
        "g.v": np.zeros(3),
        "g.not_refractory": np.array([True, False, True]),
        "tau": 0.01,
        "dt": 0.001,
    }
    compile_numpy_kernel(kernel)(ns)
    np.testing.assert_allclose(ns["g.v"], [0.1, 0.0, 0.1])


def test_threshold_returns_indices_of_true_elements_in_the_selection():
    kernel = Kernel(
        name="g.threshold",
        owner="g",
        role=KernelRole.THRESHOLD,
        statements=(),
        condition=Expression("v > vt and not not_refractory == False"),
        variables={
            "v": _array("v", "g.v"),
            "vt": _constant("vt"),
            "not_refractory": _array("not_refractory", "g.not_refractory"),
        },
    )
    ns = {
        "g.N": 5,
        "g.v": np.array([0.0, 2.0, 3.0, 0.5, 4.0]),
        "g.not_refractory": np.array([True, True, False, True, True]),
        "vt": 1.0,
    }
    compiled = compile_numpy_kernel(kernel)
    assert list(compiled(ns)) == [1, 4]
    assert list(compiled(ns, np.array([3, 4]))) == [4]


def test_threshold_condition_without_per_element_names_broadcasts():
    kernel = Kernel(
        name="g.threshold",
        owner="g",
        role=KernelRole.THRESHOLD,
        statements=(),
        condition=Expression("t > 1"),
        variables={"t": VariableRef("t", VariableKind.CLOCK)},
    )
    assert list(compile_numpy_kernel(kernel)({"g.N": 3, "t": 2.0})) == [0, 1, 2]


def test_synaptic_writes_to_shared_targets_accumulate():
    # Three synapses, two onto neuron 1: both contributions must arrive.
    kernel = Kernel(
        name="s.pre",
        owner="s",
        role=KernelRole.SYNAPTIC_EVENT,
        statements=(
            Statement("ge_post", "+=", Expression("w")),
            Statement("w", "=", Expression("clip(w + ge_post, 0, 2.5)")),
        ),
        variables={
            "w": _array("w", "s.w"),
            "ge_post": _array("ge_post", "g.ge", index="s._post_idx"),
        },
    )
    ns = {
        "s.N": 3,
        "s.w": np.array([1.0, 2.0, 3.0]),
        "s._post_idx": np.array([1, 0, 1]),
        "g.ge": np.zeros(2),
    }
    compile_numpy_kernel(kernel)(ns, np.array([0, 1, 2]))
    np.testing.assert_allclose(ns["g.ge"], [2.0, 4.0])
    np.testing.assert_allclose(ns["s.w"], [2.5, 2.5, 2.5])


def test_writing_a_read_only_variable_is_refused():
    kernel = Kernel(
        name="g.reset",
        owner="g",
        role=KernelRole.RESET,
        statements=(Statement("i", "=", Expression("0")),),
        variables={"i": _array("i", "g.i", read_only=True)},
    )
    with pytest.raises(PermissionError, match="read-only variable 'i'"):
        compile_numpy_kernel(kernel)


def test_random_functions_draw_one_value_per_element():
    values = evaluate_expression(Expression("rand() * 2"), {}, 1000)
    assert values.shape == (1000,)
    assert 0.9 < values.mean() < 1.1
    assert len(np.unique(values)) == 1000


def test_chained_comparisons_are_element_wise():
    values = evaluate_expression(Expression("0 < x <= 2"), {"x": np.array([0, 1, 2, 3])}, 4)
    assert list(values) == [False, True, True, False]
    assert ALL_ELEMENTS == slice(None)


def test_numba_is_the_default_target_unless_a_preference_says_otherwise(monkeypatch):
    from axonal.codegen import targets

    monkeypatch.delenv(targets.TARGET_VARIABLE, raising=False)
    assert targets._default_target() == "numba"  # Numba is installed with the test extras
    monkeypatch.setenv(targets.TARGET_VARIABLE, "numpy")
    assert targets._default_target() == "numpy"
    monkeypatch.setenv(targets.TARGET_VARIABLE, "fortran")
    with pytest.raises(ValueError, match="not a target"):
        targets._default_target()
