"""Name resolution: own variables, explicit or caller's namespace, units, constants, functions."""

import math
import warnings

import numpy as np
import pytest

from axonal.model import EquationError, Function
from axonal.model.errors import AmbiguousNameWarning, UnknownNameError
from axonal.model.functions import DEFAULT_FUNCTIONS
from axonal.model.namespace import NOISE_DIMENSIONS, NameKind, resolve_names
from axonal.units import DIMENSIONLESS, Dimension, check_units, ms, mV, volt

VOLT = volt.dim
SECOND = Dimension(s=1)
OWN = {"v": VOLT, "t": SECOND, "i": DIMENSIONLESS}


def resolve(names, namespace=None, caller=None, called=(), own=OWN):
    return resolve_names(names, own, namespace, caller or {}, "neurongroup", called=called)


def test_own_variables_come_first():
    result = resolve({"v", "t", "i"})
    assert {name: r.kind for name, r in result.items()} == dict.fromkeys(
        ("v", "t", "i"), NameKind.VARIABLE
    )
    assert result["v"].dimensions is VOLT and result["v"].source == "own variables"


def test_own_variables_may_be_records_with_dimensions():
    class Record:
        dimensions = VOLT

    record = Record()
    result = resolve({"v"}, own={"v": record})
    assert result["v"].value is record and result["v"].dimensions is VOLT


def test_caller_namespace_constants_with_units_and_plain_numbers():
    caller = {"tau": 10 * ms, "n": 3, "arr": np.array([1.0, 2.0]), "flag": True}
    result = resolve({"tau", "n", "arr", "flag"}, caller=caller)
    assert result["tau"].kind is NameKind.CONSTANT and result["tau"].dimensions is SECOND
    assert result["tau"].raw_value == pytest.approx(0.01)
    assert result["n"].dimensions is DIMENSIONLESS and result["n"].raw_value == 3
    assert list(result["arr"].raw_value) == [1.0, 2.0]
    assert result["flag"].source == "caller's namespace"


def test_explicit_namespace_replaces_the_callers():
    caller = {"tau": 10 * ms, "vr": -70 * mV}
    result = resolve({"tau", "mV", "pi"}, namespace={"tau": 5 * ms}, caller=caller)
    assert result["tau"].raw_value == pytest.approx(0.005)
    assert result["tau"].source == "namespace"
    with pytest.raises(UnknownNameError, match="'vr'"):
        resolve({"vr"}, namespace={"tau": 5 * ms}, caller=caller)


def test_units_constants_and_noise():
    result = resolve({"mV", "pi", "e", "inf", "xi", "xi_2"})
    assert result["mV"].kind is NameKind.UNIT and result["mV"].raw_value == pytest.approx(1e-3)
    assert result["mV"].dimensions is VOLT
    assert result["pi"].raw_value == math.pi and result["e"].raw_value == math.e
    assert result["inf"].raw_value == math.inf
    assert result["xi"].kind is NameKind.NOISE and result["xi_2"].dimensions is NOISE_DIMENSIONS
    assert NOISE_DIMENSIONS is SECOND**-0.5


def test_functions_default_and_user_defined():
    @check_units(x=volt, result=volt)
    def double(x):
        return 2 * x

    own_function = Function(None, [1], 1, name="f")
    caller = {"double": double, "f": own_function, "exp": np.exp}
    result = resolve(set(), caller=caller, called={"exp", "double", "f", "sqrt"})
    assert result["exp"].value is DEFAULT_FUNCTIONS["exp"]  # numpy's exp is not a model function
    assert result["sqrt"].kind is NameKind.FUNCTION
    assert result["f"].value is own_function
    assert isinstance(result["double"].value, Function)
    assert result["double"].value.pyfunc is double


def test_the_variable_wins_over_an_external_of_the_same_name_with_a_warning():
    with pytest.warns(AmbiguousNameWarning, match="'v' is a variable of 'neurongroup'"):
        result = resolve({"v"}, caller={"v": 3 * mV})
    assert result["v"].kind is NameKind.VARIABLE


def test_no_warning_for_unrelated_objects_of_the_same_name():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve({"v", "mV", "pi"}, caller={"v": "a string", "mV": mV, "pi": math.pi})


def test_a_namespace_value_hiding_a_builtin_name_warns_and_wins():
    with pytest.warns(AmbiguousNameWarning, match="'e' is defined in the namespace"):
        result = resolve({"e"}, caller={"e": 0.5})
    assert result["e"].raw_value == 0.5


def test_unknown_name_names_owner_line_and_suggests_close_matches():
    with pytest.raises(UnknownNameError) as info:
        resolve_names(
            {"tua", "v"},
            OWN,
            None,
            {"tau": 10 * ms},
            "neurongroup",
            line="dv/dt = -v/tua : volt",
        )
    message = str(info.value)
    assert message.startswith("In 'neurongroup', line 'dv/dt = -v/tua : volt': Unknown name 'tua'")
    assert "did you mean 'tau'" in message
    assert info.value.name == "tua"


def test_several_unknown_names_are_listed_together():
    with pytest.raises(UnknownNameError, match=r"Unknown names 'aaa', 'bbb'"):
        resolve({"aaa", "bbb"})


@pytest.mark.parametrize(
    ("names", "called", "caller", "message"),
    [
        (set(), {"v"}, {}, "'v' is a variable of 'neurongroup', not a function"),
        (set(), {"tau"}, {"tau": 10 * ms}, "'tau' is a constant in the namespace"),
        (set(), {"mV"}, {}, "'mV' is a constant, not a function"),
        ({"exp"}, set(), {}, "'exp' is a function; call it"),
        (set(), {"g"}, {"g": lambda x: x}, "does not declare its units"),
        ({"h"}, set(), {"h": Function(None, [1], 1, name="h")}, "'h' is a function"),
    ],
)
def test_misuse_of_names_is_an_error(names, called, caller, message):
    with pytest.raises(EquationError, match=message):
        resolve(names, caller=caller, called=called)


def test_modules_and_strings_in_the_namespace_are_not_constants():
    with pytest.raises(UnknownNameError, match="'np'"):
        resolve({"np"}, caller={"np": np})


def test_hiding_a_common_unit_warns_but_a_rare_prefixed_one_does_not():
    with pytest.warns(AmbiguousNameWarning, match="'mV'"):
        resolve({"mV"}, caller={"mV": 3.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = resolve({"El"}, caller={"El": -60 * mV})  # El is also an exalitre
    assert result["El"].dimensions is VOLT


def test_no_warning_when_the_script_holds_n_or_dt_itself():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = resolve({"i", "t"}, caller={"i": 3, "t": 5 * ms})
    assert result["i"].kind is result["t"].kind is NameKind.VARIABLE


def test_a_script_namespace_after_the_star_import_resolves_without_warnings():
    script = {}
    exec("from axonal import *\ntau = 10*ms", script)  # noqa: S102 - a model script's globals
    called = {"exp", "sqrt", "clip", "abs", "rand", "randn", "int", "floor", "sign", "log"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = resolve({"v", "mV", "pi", "e", "inf", "tau"}, caller=script, called=called)
    assert all(result[name].value is DEFAULT_FUNCTIONS[name] for name in called)
    assert result["mV"].kind is NameKind.UNIT and result["tau"].kind is NameKind.CONSTANT
    assert result["pi"].raw_value == math.pi


def test_the_star_import_keeps_axonals_own_version():
    # NumPy's __all__ lists __version__: laid into axonal's namespace it replaced ours.
    import importlib.metadata

    import axonal

    axonal.__getattr__("__all__")
    assert axonal.__version__ == importlib.metadata.version("axonal")
    assert not [name for name in axonal.__all__ if name.startswith("_")]
