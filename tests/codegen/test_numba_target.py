"""The Numba target's kernels: the same results as the NumPy target on the same kernels."""

import copy
import tempfile
from pathlib import Path

import numpy as np
import pytest

from axonal.codegen.numba_printer import NumbaPrintError
from axonal.codegen.numba_target import (
    NumbaTargetError,
    compile_numba_kernel,
    numba_kernel_source,
    seed_numba,
)
from axonal.codegen.numpy_target import ALL_ELEMENTS, compile_numpy_kernel
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef


@pytest.fixture(autouse=True)
def _test_kernel_cache(monkeypatch):
    # Kept between test runs (sources are named by content), apart from the user's cache.
    monkeypatch.setenv("AXONAL_CACHE_DIR", str(Path(tempfile.gettempdir()) / "axonal-test-kernels"))


def _array(name, key, index=None, read_only=False, dtype="float64"):
    return VariableRef(
        name, VariableKind.ARRAY, dtype=dtype, array=key, index=index, read_only=read_only
    )


def _constant(name):
    return VariableRef(name, VariableKind.CONSTANT)


def _clock(name):
    return VariableRef(name, VariableKind.CLOCK)


def _statements(*lines):
    """``'v = expr'`` lines; ``'_x := expr'`` is a temporary; ``'... if cond'`` a condition."""
    result = []
    for line in lines:
        line, _, condition = line.partition(" if ")
        condition = Expression(condition) if condition else None
        if ":=" in line:
            target, expr = line.split(":=")
            result.append(Statement(target.strip(), "=", Expression(expr), True, condition))
            continue
        target, op, expr = line.split(" ", 2)
        result.append(Statement(target, op, Expression(expr), condition=condition))
    return tuple(result)


def _run_both(kernel, state, selection=ALL_ELEMENTS, functions=None):
    """Run the kernel on both targets from the same state; return both states and results."""
    numpy_state, numba_state = copy.deepcopy(state), copy.deepcopy(state)
    numpy_result = compile_numpy_kernel(kernel, functions)(numpy_state, selection)
    numba_result = compile_numba_kernel(kernel, functions)(numba_state, selection)
    return numpy_state, numba_state, numpy_result, numba_result


def _assert_agree(kernel, state, selection=ALL_ELEMENTS, functions=None, exact=True):
    numpy_state, numba_state, numpy_result, numba_result = _run_both(
        kernel, state, selection, functions
    )
    for key, value in numpy_state.items():
        if exact:
            np.testing.assert_array_equal(numba_state[key], value, err_msg=key)
        else:
            np.testing.assert_allclose(numba_state[key], value, rtol=1e-12, atol=0, err_msg=key)
        assert np.asarray(numba_state[key]).dtype == np.asarray(value).dtype, key
    if numpy_result is None:
        assert numba_result is None
    else:
        np.testing.assert_array_equal(numba_result, numpy_result)
    return numba_state, numba_result


UNLESS_REFRACTORY = Kernel(
    name="g.state_update",
    owner="g",
    role=KernelRole.STATE_UPDATE,
    statements=_statements("_v := v + dt*(1 - v)/tau", "v = _v if not_refractory"),
    variables={
        "v": _array("v", "g.v"),
        "not_refractory": _array("not_refractory", "g.not_refractory", dtype="bool"),
        "tau": _constant("tau"),
        "dt": _clock("dt"),
    },
)


def test_state_update_respects_unless_refractory_condition():
    state = {
        "g.N": 3,
        "g.v": np.zeros(3),
        "g.not_refractory": np.array([True, False, True]),
        "tau": 0.01,
        "dt": 0.001,
    }
    numba_state, _ = _assert_agree(UNLESS_REFRACTORY, state)
    np.testing.assert_allclose(numba_state["g.v"], [0.1, 0.0, 0.1])
    _assert_agree(UNLESS_REFRACTORY, state, np.array([2, 1]))


def test_threshold_returns_indices_of_true_elements_in_the_selection():
    kernel = Kernel(
        name="g.threshold", owner="g", role=KernelRole.THRESHOLD, statements=(),
        condition=Expression("v > vt and not not_refractory == False"),
        variables={
            "v": _array("v", "g.v"), "vt": _constant("vt"),
            "not_refractory": _array("not_refractory", "g.not_refractory", dtype="bool"),
        },
    )  # fmt: skip
    state = {
        "g.N": 5,
        "g.v": np.array([0.0, 2.0, 3.0, 0.5, 4.0]),
        "g.not_refractory": np.array([True, True, False, True, True]),
        "vt": 1.0,
    }
    _, events = _assert_agree(kernel, state)
    assert list(events) == [1, 4]
    _, events = _assert_agree(kernel, state, np.array([3, 4]))
    assert list(events) == [4]


def test_threshold_condition_without_per_element_names_covers_all_elements():
    kernel = Kernel(
        name="g.threshold", owner="g", role=KernelRole.THRESHOLD, statements=(),
        condition=Expression("t > 1"), variables={"t": _clock("t")},
    )  # fmt: skip
    _, events = _assert_agree(kernel, {"g.N": 3, "t": 2.0})
    assert list(events) == [0, 1, 2]


SYNAPTIC_READ_AFTER_WRITE = Kernel(
    name="s.pre", owner="s", role=KernelRole.SYNAPTIC_EVENT,
    statements=_statements("ge_post += w", "w = clip(w + ge_post, 0, 2.5)"),
    variables={"w": _array("w", "s.w"), "ge_post": _array("ge_post", "g.ge", index="s._post_idx")},
)  # fmt: skip


def test_synaptic_writes_to_shared_targets_accumulate_and_are_read_after_all_writes():
    # Three synapses, two onto neuron 1: both contributions arrive before w reads ge_post.
    state = {
        "s.N": 3,
        "s.w": np.array([1.0, 2.0, 3.0]),
        "s._post_idx": np.array([1, 0, 1]),
        "g.ge": np.zeros(2),
    }
    numba_state, _ = _assert_agree(SYNAPTIC_READ_AFTER_WRITE, state, np.array([0, 1, 2]))
    np.testing.assert_allclose(numba_state["g.ge"], [2.0, 4.0])
    np.testing.assert_allclose(numba_state["s.w"], [2.5, 2.5, 2.5])


def test_plain_on_pre_with_repeated_targets_is_one_fused_loop():
    kernel = Kernel(
        name="s.pre", owner="s", role=KernelRole.SYNAPTIC_EVENT,
        statements=_statements("ge_post += w", "gi_post -= 0.5*w", "apre += 1"),
        variables={
            "w": _array("w", "s.w"), "apre": _array("apre", "s.apre"),
            "ge_post": _array("ge_post", "g.ge", index="s._post_idx"),
            "gi_post": _array("gi_post", "g.gi", index="s._post_idx"),
        },
    )  # fmt: skip
    rng = np.random.default_rng(1)
    n_synapses = 200
    state = {
        "s.N": n_synapses,
        "s.w": rng.random(n_synapses),
        "s.apre": np.zeros(n_synapses),
        "s._post_idx": rng.integers(0, 7, n_synapses),
        "g.ge": rng.random(7),
        "g.gi": np.zeros(7),
    }
    selection = rng.permutation(n_synapses)[:150]
    numba_state, _ = _assert_agree(kernel, state, selection)
    expected = state["g.ge"] + np.bincount(
        state["s._post_idx"][selection], state["s.w"][selection], minlength=7
    )
    np.testing.assert_allclose(numba_state["g.ge"], expected)
    assert numba_kernel_source(kernel)[0].count("for ") == 1


def test_reading_an_indexed_variable_before_it_is_written_sees_the_old_values():
    kernel = Kernel(
        name="s.pre", owner="s", role=KernelRole.SYNAPTIC_EVENT,
        statements=_statements("w = w + ge_post", "ge_post = ge_post*0.5 + w"),
        variables={"w": _array("w", "s.w"), "ge_post": _array("ge_post", "g.ge", index="s._post")},
    )  # fmt: skip
    state = {
        "s.N": 4,
        "s.w": np.array([1.0, 2.0, 3.0, 4.0]),
        "s._post": np.array([0, 0, 1, 0]),
        "g.ge": np.array([10.0, 20.0]),
    }
    numba_state, _ = _assert_agree(kernel, state)
    np.testing.assert_allclose(numba_state["s.w"], [11.0, 12.0, 23.0, 14.0])
    np.testing.assert_allclose(numba_state["g.ge"], [5.0 + 14.0, 10.0 + 23.0])


CUBA_VARIABLES = {
    "v": _array("v", "g.v"), "ge": _array("ge", "g.ge"), "gi": _array("gi", "g.gi"),
    "not_refractory": _array("not_refractory", "g.not_refractory", dtype="bool"),
    "lastspike": _array("lastspike", "g.lastspike"),
    "El": _constant("El"), "taum": _constant("taum"), "taue": _constant("taue"),
    "taui": _constant("taui"), "Vt": _constant("Vt"), "Vr": _constant("Vr"),
    "refractory": _constant("refractory"), "t": _clock("t"), "dt": _clock("dt"),
}  # fmt: skip

EXACT_LIF_UPDATE = Kernel(
    name="g.state_update", owner="g", role=KernelRole.STATE_UPDATE,
    statements=_statements(
        "not_refractory = t - lastspike >= refractory - 0.5*dt",
        "_v := El + (v - El)*exp(-dt/taum) + ge*taue/(taue - taum)*(exp(-dt/taue) - exp(-dt/taum))"
        " + gi*taui/(taui - taum)*(exp(-dt/taui) - exp(-dt/taum))",
        "v = _v if not_refractory",
        "ge *= exp(-dt/taue)",
        "gi = gi*exp(-dt/taui)",
    ),
    variables=CUBA_VARIABLES,
)  # fmt: skip

CUBA_CONSTANTS = {
    "El": -0.049, "taum": 0.02, "taue": 0.005, "taui": 0.01, "Vt": -0.05, "Vr": -0.06,
    "refractory": 0.005, "dt": 0.0001,
}  # fmt: skip


def _cuba_state(n=50, seed=3):
    rng = np.random.default_rng(seed)
    return {
        "g.N": n,
        "g.v": -0.06 + rng.random(n) * 0.011,
        "g.ge": rng.random(n) * 0.003,
        "g.gi": -rng.random(n) * 0.003,
        "g.not_refractory": np.ones(n, dtype=bool),
        "g.lastspike": np.where(rng.random(n) < 0.3, 0.098, -np.inf),
        "t": 0.1,
        **CUBA_CONSTANTS,
    }


def test_exact_lif_update_is_bit_identical():
    state = _cuba_state()
    numba_state, _ = _assert_agree(EXACT_LIF_UPDATE, state)
    assert 0 < numba_state["g.not_refractory"].sum() < state["g.N"]


def test_threshold_with_refractoriness_and_reset_on_events():
    threshold = Kernel(
        name="g.threshold", owner="g", role=KernelRole.THRESHOLD, statements=(),
        condition=Expression("v > Vt and not_refractory"), variables=CUBA_VARIABLES,
    )  # fmt: skip
    reset = Kernel(
        name="g.reset", owner="g", role=KernelRole.RESET,
        statements=_statements("v = Vr", "lastspike = t", "not_refractory = False"),
        variables=CUBA_VARIABLES,
    )  # fmt: skip
    state = _cuba_state(n=400, seed=5)
    state["g.v"] = -0.052 + np.random.default_rng(0).random(400) * 0.004
    state["g.not_refractory"][::3] = False
    _, events = _assert_agree(threshold, state)
    expected = np.flatnonzero((state["g.v"] > -0.05) & state["g.not_refractory"])
    np.testing.assert_array_equal(events, expected)
    assert len(events) > 10
    numba_state, _ = _assert_agree(reset, state, events)
    assert np.all(numba_state["g.v"][events] == -0.06)
    assert np.all(numba_state["g.lastspike"][events] == 0.1)


def test_a_stored_value_overwritten_before_any_read_is_not_loaded():
    # Loading a value whose first use is an unconditional '=' to it would only cost compile
    # time; one read first (u, x), or kept where a condition fails (w), is loaded.
    names = "vuwxy"
    kernel = Kernel(
        name="g.reset", owner="g", role=KernelRole.RESET,
        statements=_statements(
            "v = Vr", "u = u + v", "w = Vr if u > 0", "x = x * 2", "y = 2 * v", "y = y + x",
        ),
        variables={**{n: _array(n, f"g.{n}") for n in names}, "Vr": _constant("Vr")},
    )  # fmt: skip
    source, _ = numba_kernel_source(kernel)
    assert {name for name in names if f"k_{name} = a_" in source} == {"u", "w", "x"}
    rng = np.random.default_rng(4)
    state = {f"g.{n}": rng.normal(size=20) for n in names}
    state.update({"g.N": 20, "Vr": -0.5})
    numba_state, _ = _assert_agree(kernel, state, np.arange(0, 20, 3))
    assert np.all(numba_state["g.w"][[1, 2]] == state["g.w"][[1, 2]])  # not selected
    assert np.any(numba_state["g.w"][::3] != -0.5) and np.any(numba_state["g.w"][::3] == -0.5)


def test_exponential_euler_hh_update_agrees_to_rounding():
    # Traub-Miles sodium activation gate and membrane update with exprel, as in COBAHH.
    variables = {
        "v": _array("v", "hh.v"), "m": _array("m", "hh.m"), "h": _array("h", "hh.h"),
        "VT": _constant("VT"), "ENa": _constant("ENa"), "El": _constant("El"),
        "g_na": _constant("g_na"), "gl": _constant("gl"), "Cm": _constant("Cm"),
        "dt": _clock("dt"),
    }  # fmt: skip
    kernel = Kernel(
        name="hh.state_update", owner="hh", role=KernelRole.STATE_UPDATE,
        statements=_statements(
            "_alpha_m := 0.32*(4/0.001)/exprel((13*0.001 - v + VT)/(4*0.001))",
            "_beta_m := 0.28*(5/0.001)/exprel((v - VT - 40*0.001)/(5*0.001))",
            "_m_inf := _alpha_m/(_alpha_m + _beta_m)",
            "_tau_m := 1/(_alpha_m + _beta_m)",
            "m = _m_inf + (m - _m_inf)*exp(-dt/_tau_m)",
            "_g := gl + g_na*m**3*h",
            "_v_inf := (gl*El + g_na*m**3*h*ENa)/_g",
            "v = _v_inf + (v - _v_inf)*exp(-dt*_g/Cm)",
        ),
        variables=variables,
    )  # fmt: skip
    n = 300
    v = np.linspace(-0.08, 0.03, n)
    v[7] = -0.063 + 0.013  # exprel's argument exactly 0 for alpha_m
    state = {
        "hh.N": n, "hh.v": v, "hh.m": np.linspace(0, 1, n), "hh.h": np.linspace(1, 0, n),
        "VT": -0.063, "ENa": 0.05, "El": -0.06, "g_na": 2e-5, "gl": 1e-8, "Cm": 2e-10,
        "dt": 1e-4,
    }  # fmt: skip
    numba_state, _ = _assert_agree(kernel, state, exact=False)
    assert np.all(np.isfinite(numba_state["hh.m"]))


def test_conditional_statements_on_own_and_indexed_targets():
    kernel = Kernel(
        name="s.pre", owner="s", role=KernelRole.SYNAPTIC_EVENT,
        statements=_statements(
            "ge_post += w if w > 0.5", "w -= 0.1 if w > 0.3", "count += 1 if w < 0.5",
        ),
        variables={
            "w": _array("w", "s.w"), "count": _array("count", "s.count", dtype="int64"),
            "ge_post": _array("ge_post", "g.ge", index="s._post_idx"),
        },
    )  # fmt: skip
    rng = np.random.default_rng(2)
    state = {
        "s.N": 100, "s.w": rng.random(100), "s.count": np.zeros(100, dtype=np.int64),
        "s._post_idx": rng.integers(0, 5, 100), "g.ge": np.zeros(5),
    }  # fmt: skip
    numba_state, _ = _assert_agree(kernel, state)
    assert numba_state["s.count"].dtype == np.int64
    assert 0 < numba_state["s.count"].sum() < 100


def test_integer_and_boolean_functions_and_dtypes():
    kernel = Kernel(
        name="g.update", owner="g", role=KernelRole.STATE_UPDATE,
        statements=_statements(
            "k = int(x*3) + k", "flag = x > 0.5 or not flag", "y = floor(x*10)/10 + sign(x - 0.5)",
            "z = abs(x - 0.5) + ceil(x) + sqrt(x) + log10(1 + x) + arctan(x) + tanh(x)",
            "q = i % 3 + i // 4 + 2**i / (1 + i)",
        ),
        variables={
            "x": _array("x", "g.x"), "y": _array("y", "g.y"), "z": _array("z", "g.z"),
            "q": _array("q", "g.q"),
            "k": _array("k", "g.k", dtype="int64"), "flag": _array("flag", "g.flag", dtype="bool"),
            "i": VariableRef("i", VariableKind.INDEX, dtype="int64", array="g.i"),
        },
    )  # fmt: skip
    n = 20
    state = {
        "g.N": n, "g.x": np.linspace(0, 1, n), "g.y": np.zeros(n), "g.z": np.zeros(n),
        "g.q": np.zeros(n), "g.k": np.arange(n), "g.flag": np.arange(n) % 2 == 0,
        "g.i": np.arange(n),
    }  # fmt: skip
    _assert_agree(kernel, state, exact=False)


def test_shared_variable_written_once_per_call_as_in_numpy():
    kernel = Kernel(
        name="g.regularly", owner="g", role=KernelRole.RUN_REGULARLY,
        statements=_statements("calls += 1", "v = v + calls"),
        variables={
            "calls": VariableRef("calls", VariableKind.SHARED, array="g.calls"),
            "v": _array("v", "g.v"),
        },
    )  # fmt: skip
    state = {"g.N": 4, "g.calls": np.array([2.0]), "g.v": np.zeros(4)}
    numba_state, _ = _assert_agree(kernel, state)
    assert numba_state["g.calls"][0] == 3.0
    np.testing.assert_array_equal(numba_state["g.v"], [3.0] * 4)


def test_shared_variable_given_a_per_element_value_is_refused():
    kernel = Kernel(
        name="g.regularly", owner="g", role=KernelRole.RUN_REGULARLY,
        statements=_statements("total = v"),
        variables={
            "total": VariableRef("total", VariableKind.SHARED, array="g.total"),
            "v": _array("v", "g.v"),
        },
    )  # fmt: skip
    with pytest.raises(NumbaTargetError, match=r"shared variable 'total' in 'total = v'.*\(v\)"):
        compile_numba_kernel(kernel)


def test_user_function_is_compiled_into_the_kernel():
    def squash(x, gain):
        return x / (1.0 + gain * abs(x))

    kernel = Kernel(
        name="g.update", owner="g", role=KernelRole.STATE_UPDATE,
        statements=_statements("v = squash(v, g)"),
        variables={"v": _array("v", "g.v"), "g": _constant("g")},
    )  # fmt: skip
    state = {"g.N": 5, "g.v": np.linspace(-2, 2, 5), "g": 0.5}
    _assert_agree(kernel, state, functions={"squash": squash})


def test_changing_a_constant_changes_neither_source_nor_compiled_function():
    source = numba_kernel_source(EXACT_LIF_UPDATE)[0]
    assert "0.02" not in source and "taum" not in source.split("def kernel")[1].split(")")[0]
    compiled = compile_numba_kernel(EXACT_LIF_UPDATE)
    state = _cuba_state()
    compiled(state)
    signatures = len(compiled.function.signatures)
    changed = {**_cuba_state(), "taum": 0.03}
    compiled(changed)
    assert compile_numba_kernel(EXACT_LIF_UPDATE).source == source
    assert len(compiled.function.signatures) == signatures
    assert not np.array_equal(changed["g.v"], state["g.v"])


def test_random_functions_draw_one_value_per_element_and_are_seedable():
    kernel = Kernel(
        name="g.noise", owner="g", role=KernelRole.STATE_UPDATE,
        statements=_statements("u = rand()", "z = randn()*sigma"),
        variables={"u": _array("u", "g.u"), "z": _array("z", "g.z"), "sigma": _constant("sigma")},
    )  # fmt: skip
    compiled = compile_numba_kernel(kernel)
    n = 20000
    state = {"g.N": n, "g.u": np.zeros(n), "g.z": np.zeros(n), "sigma": 2.0}
    seed_numba(7)
    compiled(state)
    first = state["g.u"].copy()
    assert len(np.unique(first)) == n
    assert abs(first.mean() - 0.5) < 0.02 and abs(state["g.z"].std() - 2.0) < 0.05
    seed_numba(7)
    compiled(state)
    np.testing.assert_array_equal(state["g.u"], first)


def test_writing_a_read_only_variable_is_refused():
    kernel = Kernel(
        name="g.reset", owner="g", role=KernelRole.RESET,
        statements=_statements("i = 0"),
        variables={"i": _array("i", "g.i", read_only=True)},
    )  # fmt: skip
    with pytest.raises(PermissionError, match="read-only variable 'i'"):
        compile_numba_kernel(kernel)


def test_unknown_names_and_functions_are_named_in_the_error():
    undefined = Kernel(
        name="g.update", owner="g", role=KernelRole.STATE_UPDATE,
        statements=_statements("v = v + tau"), variables={"v": _array("v", "g.v")},
    )  # fmt: skip
    with pytest.raises(NumbaTargetError, match=r"'g.update' uses 'tau' in 'v = v \+ tau'"):
        compile_numba_kernel(undefined)
    unknown_function = Kernel(
        name="g.update", owner="g", role=KernelRole.STATE_UPDATE,
        statements=_statements("v = erf(v)"), variables={"v": _array("v", "g.v")},
    )  # fmt: skip
    with pytest.raises(NumbaPrintError, match="function 'erf' is unknown"):
        compile_numba_kernel(unknown_function)


def test_exact_integrator_output_computes_its_constant_temporaries_once_per_call():
    from axonal.integrate.method_choice import state_update

    update = state_update(
        {
            "v": Expression("(ge + gi - (v - El)) / taum"),
            "ge": Expression("-ge / taue"),
            "gi": Expression("-gi / taui"),
        },
        "exact",
    )
    kernel = Kernel(
        name="g.state_update", owner="g", role=KernelRole.STATE_UPDATE,
        statements=update.statements, variables=CUBA_VARIABLES,
    )  # fmt: skip
    source = numba_kernel_source(kernel)[0]
    assert "np.exp" not in source  # every exp(-dt/tau) is an invariant parameter
    assert source.count("for _k") == 1
    numba_state, _ = _assert_agree(kernel, _cuba_state())
    assert np.all(numba_state["g.v"] != _cuba_state()["g.v"])


def test_selections_of_any_integer_type_or_empty_share_one_compiled_signature():
    compiled = compile_numba_kernel(UNLESS_REFRACTORY)
    state = {
        "g.N": 3, "g.v": np.zeros(3), "g.not_refractory": np.ones(3, dtype=bool),
        "tau": 0.01, "dt": 0.001,
    }  # fmt: skip
    compiled(state, np.array([0, 2], dtype=np.int32))
    compiled(state, np.array([]))  # an empty list of events comes out as float64
    compiled(state, [1])
    compiled(state, np.array([True, False, False]))
    np.testing.assert_allclose(state["g.v"], [0.19, 0.1, 0.1])
    assert len(compiled.function.signatures) == 1
    with pytest.raises(NumbaTargetError, match="selection of float64 values"):
        compiled(state, np.array([0.5]))


def test_invariants_are_recomputed_exactly_when_an_input_changes():
    compiled = compile_numba_kernel(EXACT_LIF_UPDATE)
    state = _cuba_state()
    first = compiled.invariants(state)
    assert compiled.invariants(state) is first  # unchanged constants: kept
    state["taum"] = 0.021
    changed = compiled.invariants(state)
    assert changed is not first and changed != first
    state["taum"] = 0.02
    assert compiled.invariants(state) == first
