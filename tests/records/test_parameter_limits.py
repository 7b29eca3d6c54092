"""Hostile or mistyped parameters (issue 12, item 14): files that would grow without bound or
nest too deeply are refused with a clear error, and overrides that name no parameter or give
the wrong kind of value are refused before the script starts (parameter_checks.py)."""

from __future__ import annotations

import time

import pytest

from axonal.records.errors import ParameterFileError
from axonal.records.parameter_checks import MAX_FILE_BYTES, script_defaults
from axonal.records.parameter_sets import load_parameter_file, parameters
from tests.records.conftest import run_axonal
from tests.records.test_runner import label_of, records_in, store_of

# 342 bytes that expand to 9**9 (387 million) strings when walked.
BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BILLION_LAUGHS


def test_a_billion_laughs_yaml_file_is_refused_at_once(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    began = time.perf_counter()
    with pytest.raises(ParameterFileError, match="more than 100000 values once its aliases"):
        load_parameter_file(path)
    assert time.perf_counter() - began < 5  # refused, not expanded


def test_a_yaml_file_that_refers_to_itself_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n")
    with pytest.raises(ParameterFileError, match="nested more than 50 levels deep"):
        load_parameter_file(path)


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".json", '{"a": ' * 100_000 + "1" + "}" * 100_000),
        (".toml", "a = " + "[" * 100_000 + "]" * 100_000),
        (".yaml", "a: " + "[" * 3_000 + "]" * 3_000),  # past the recursion limit
        (".json", '{"a": ' * 60 + "1" + "}" * 60),  # deep enough to be refused, not to crash
    ],
)
def test_deeply_nested_files_are_a_clear_error_not_a_recursion_error(tmp_path, suffix, text):
    path = tmp_path / f"deep{suffix}"
    path.write_text(text)
    with pytest.raises(ParameterFileError, match=rf"deep{suffix}: is nested .*50 levels"):
        load_parameter_file(path)


def test_a_file_larger_than_a_parameter_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(ParameterFileError, match=f"is {MAX_FILE_BYTES + 1} bytes"):
        load_parameter_file(path)


def test_axonal_run_refuses_the_billion_laughs_before_the_script_starts(project):
    (project / "laughs.yaml").write_text(BILLION_LAUGHS)
    (project / "marker.py").write_text("from pathlib import Path\nPath('started').write_text('')\n")
    completed = run_axonal("run", "marker.py", "laughs.yaml", cwd=project, timeout=60)
    assert completed.returncode == 2 and "laughs.yaml: holds more than" in completed.stderr
    assert not (project / "started").exists() and records_in(project) == []


# simulate.py's defaults: N, rate, duration, seed, network.p; default.yaml: N, rate, network.p.
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("nosuch=1", "unknown parameter 'nosuch' in the override 'nosuch=1'"),
        ("rat=5", "did you mean 'rate'?"),
        ("rate=abc", "default.yaml has rate = 4.0, so a number was expected"),
        ("N=abc", "has N = 20, so an integer was expected"),
        ("N=1.5", "has N = 20, so an integer was expected"),
        ("network=3", "names the group 'network'; set one of its parameters instead (network.p)"),
    ],
)
def test_a_wrong_override_is_refused_in_one_line_before_the_script_starts(
    project, override, message
):
    (project / "simulate.py").write_text(
        "from pathlib import Path\nPath('started').write_text('')\n"
        + (project / "simulate.py").read_text()
    )
    completed = run_axonal("run", "simulate.py", "default.yaml", override, cwd=project)
    assert completed.returncode == 2
    assert message in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1 and "Traceback" not in completed.stderr
    assert not (project / "started").exists() and records_in(project) == []


def test_an_override_of_a_default_not_in_the_file_is_accepted(project):
    completed = run_axonal("run", "simulate.py", "default.yaml", "seed=3", "rate=5", cwd=project)
    assert completed.returncode == 0, completed.stderr
    parameters_run = store_of(project).get(label_of(completed))["parameters"]
    assert parameters_run["seed"] == 3 and parameters_run["rate"] == 5.0


def test_defaults_the_script_computes_leave_unknown_names_to_the_script(project):
    (project / "computed.py").write_text(
        "from axonal.records import parameters\nDEFAULTS = {'N': 1}\np = parameters(DEFAULTS)\n"
    )
    assert script_defaults(project / "computed.py") is None
    completed = run_axonal("run", "computed.py", "N=abc", cwd=project)
    # Not knowable before the run: the script's own parameters() call refuses it.
    assert completed.returncode == 1
    assert "has N = 1, so an integer was expected" in completed.stderr


def test_parameters_in_a_script_checks_the_kind_of_an_override():
    with pytest.raises(ParameterFileError, match="so a number was expected"):
        parameters({"tau": 0.01}, argv=["tau=abc"])
    assert parameters({"tau": 0.01, "N": 2}, argv=["tau=1", "N=none"]) == {"tau": 1.0, "N": None}


def test_stated_defaults_are_read_once_and_again_when_the_script_changes(tmp_path):
    script = tmp_path / "model.py"
    script.write_text('p = parameters({"rate": 1.0})\n')
    first = script_defaults(script)
    first["rate"] = 99.0  # the caller's copy: the one kept for the next call is untouched
    assert script_defaults(script) == {"rate": 1.0}
    script.write_text('p = parameters({"rate": 1.0, "tau": 2})\n')
    assert script_defaults(script) == {"rate": 1.0, "tau": 2}
