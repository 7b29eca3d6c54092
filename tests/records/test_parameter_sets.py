"""Tests of parameter files, overrides and `parameters()` (axonal/records/parameter_sets.py)."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axonal.records.errors import ParameterFileError
from axonal.records.parameter_sets import (
    ParameterSet,
    apply_overrides,
    flatten,
    infer_value,
    load_parameter_file,
    parameters,
    parse_override,
    split_command_line,
)

NESTED = {"N": 100, "tau": 0.01, "name": "lif", "network": {"p": 0.1, "delays": [1, 2]}}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("p.yaml", "N: 100\ntau: 0.01\nname: lif\nnetwork:\n  p: 0.1\n  delays: [1, 2]\n"),
        ("p.json", json.dumps(NESTED)),
        ("p.toml", 'N = 100\ntau = 0.01\nname = "lif"\n[network]\np = 0.1\ndelays = [1, 2]\n'),
    ],
)
def test_each_format_reads_the_same_parameters(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert load_parameter_file(path) == NESTED


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [
        ("bad.yaml", "N: 100\ntau: [0.01\nname: lif\n", 3, "invalid YAML"),
        ("bad.json", '{"N": 100,\n "tau": }\n', 2, "invalid JSON"),
        ("bad.toml", "N = 100\n\ntau = = 3\n", 3, "invalid TOML"),
    ],
)
def test_a_malformed_file_is_named_with_its_line(tmp_path, name, text, line, words):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ParameterFileError) as raised:
        load_parameter_file(path)
    assert raised.value.line == line
    message = str(raised.value)
    assert str(path) in message and f"line {line}" in message and words in message


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(ParameterFileError, match="expected a mapping"):
        load_parameter_file(path)


def test_missing_and_unknown_files_are_refused(tmp_path):
    with pytest.raises(ParameterFileError, match="no such file"):
        load_parameter_file(tmp_path / "absent.yaml")
    (tmp_path / "p.ini").write_text("N=1")
    with pytest.raises(ParameterFileError, match="unknown format '.ini'"):
        load_parameter_file(tmp_path / "p.ini")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100", 100),
        ("-3", -3),
        ("0.5", 0.5),
        ("1e-3", 0.001),
        ("true", True),
        ("False", False),
        ("none", None),
        ("[1, 2]", [1, 2]),
        ('{"a": 1}', {"a": 1}),
        ("'100'", "100"),
        ("lif", "lif"),
        ("10 ms", "10 ms"),
    ],
)
def test_override_values_are_inferred(text, value):
    assert infer_value(text) == value
    assert type(infer_value(text)) is type(value)


@given(st.integers())
def test_integers_survive_the_command_line(number):
    assert infer_value(str(number)) == number


@given(st.floats(allow_nan=False))
def test_floats_survive_the_command_line(number):
    assert infer_value(repr(number)) == number


def test_nan_is_a_float():
    assert math.isnan(infer_value("nan"))


def test_dotted_overrides_reach_nested_values_and_keep_floats_float():
    overridden = apply_overrides(
        NESTED, [parse_override("network.p=1"), parse_override("extra.deep.x=2")]
    )
    assert overridden["network"]["p"] == 1.0 and isinstance(overridden["network"]["p"], float)
    assert overridden["extra"] == {"deep": {"x": 2}}
    assert NESTED["network"]["p"] == 0.1  # the original is untouched


def test_an_override_cannot_reach_into_a_value():
    with pytest.raises(ParameterFileError, match="'N' is the value 100, not a group"):
        apply_overrides(NESTED, [parse_override("N.x=1")])


@pytest.mark.parametrize("text", ["N", "=3", "1N=3", "a..b=1"])
def test_a_malformed_override_is_refused(text):
    with pytest.raises(ParameterFileError, match="expected name=value"):
        parse_override(text)


def test_command_line_is_sorted_into_files_overrides_and_the_rest():
    files, overrides, others = split_command_line(["a.yaml", "N=3", "--fast", "b.TOML", "x"])
    assert (files, overrides, others) == (["a.yaml", "b.TOML"], ["N=3"], ["--fast", "x"])


def test_parameters_merge_defaults_files_and_overrides(tmp_path):
    (tmp_path / "p.yaml").write_text("rate: 7.5\nnetwork:\n  p: 0.3\n")
    result = parameters(NESTED, argv=[str(tmp_path / "p.yaml"), "N=5", "network.delays=[3]"])
    assert result == {
        "N": 5,
        "tau": 0.01,
        "name": "lif",
        "rate": 7.5,
        "network": {"p": 0.3, "delays": [3]},
    }
    assert isinstance(result, ParameterSet)
    assert result.network.p == 0.3


def test_parameters_refuse_an_override_of_an_unknown_name():
    with pytest.raises(ParameterFileError, match="unknown parameter 'taum'"):
        parameters(NESTED, argv=["taum=3"])


def test_parameters_read_defaults_from_a_file(tmp_path):
    (tmp_path / "d.json").write_text('{"N": 1}')
    assert parameters(tmp_path / "d.json", argv=["N=2"]) == {"N": 2}


def test_attribute_access_names_what_exists():
    with pytest.raises(AttributeError, match=r"No parameter 'x'; the parameters are \['N'"):
        _ = ParameterSet({"N": 1, "tau": 2}).x


def test_flatten_gives_dotted_names():
    assert flatten(NESTED) == {
        "N": 100,
        "tau": 0.01,
        "name": "lif",
        "network.p": 0.1,
        "network.delays": [1, 2],
    }
