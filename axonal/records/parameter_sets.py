"""Parameters of a run: YAML, JSON and TOML files, `name=value` overrides, and `parameters()`."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from axonal.records.errors import ParameterFileError
from axonal.records.parameter_checks import (
    check_file_size,
    check_override_values,
    check_tree,
    check_yaml_depth,
    script_defaults,
    too_deep,
)

PARAMETER_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".toml")

# Set by the recorder while `axonal run` executes a script: it receives the final parameters.
_parameter_listeners: list[Callable[[dict[str, Any]], None]] = []


class ParameterSet(dict):
    """A dict of parameters whose entries can also be read as attributes (`p.network.N`)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, value in self.items():
            if isinstance(value, Mapping) and not isinstance(value, ParameterSet):
                dict.__setitem__(self, name, ParameterSet(value))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"No parameter {name!r}; the parameters are {sorted(self)}"
            ) from None

    def flat(self, prefix: str = "") -> dict[str, Any]:
        """The parameters as one level of dotted names: {'network.N': 100, ...}."""
        return flatten(self, prefix)


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as one dict of dotted names."""
    flat: dict[str, Any] = {}
    for name, value in tree.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML, JSON or TOML parameter file into a dict; errors name the file and line."""
    path = Path(path)
    source = str(path)
    if path.suffix.lower() not in PARAMETER_FILE_SUFFIXES:
        raise ParameterFileError(
            source,
            None,
            f"unknown format {path.suffix!r}; expected one of "
            + ", ".join(PARAMETER_FILE_SUFFIXES),
        )
    check_file_size(path, source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterFileError(source, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ParameterFileError(source, None, f"cannot be read ({error})") from None
    return parse_parameter_text(text, path.suffix.lower(), source)


def parse_parameter_text(text: str, suffix: str, source: str) -> dict[str, Any]:
    """Parse parameter text of the format named by a file suffix (.yaml, .json or .toml);
    a tree too deep or too large (YAML aliases) is refused."""
    try:
        data = _parse(text, suffix, source)
    except RecursionError:
        raise too_deep(source) from None
    check_tree(data, source)
    return data


def _parse(text: str, suffix: str, source: str) -> dict[str, Any]:
    if suffix in (".yaml", ".yml"):
        data = _parse_yaml(text, source)
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParameterFileError(source, error.lineno, f"invalid JSON: {error.msg}") from None
    else:
        data = _parse_toml(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterFileError(
            source, 1, f"expected a mapping of names to values, found a {type(data).__name__}"
        )
    return data


def _parse_yaml(text: str, source: str) -> Any:
    import yaml  # imported here: a script that only uses JSON or TOML does not pay for it

    check_yaml_depth(text, source)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or str(error)
        raise ParameterFileError(source, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ParameterFileError(source, None, f"invalid YAML: {error}") from None


def _parse_toml(text: str, source: str) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ParameterFileError(source, line, f"invalid TOML: {problem}") from None


_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", re.IGNORECASE)


def infer_value(text: str) -> Any:
    """The value a command-line string stands for: int, float, bool, None, list/dict, or str."""
    stripped = text.strip()
    lowered = stripped.lower()
    if _INTEGER.fullmatch(stripped):
        return int(stripped)
    if _FLOAT.fullmatch(stripped):
        return float(stripped)
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if stripped[:1] in "[{" or (stripped[:1] == '"' and stripped[-1:] == '"'):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            pass
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == "'":
        return stripped[1:-1]
    return text


def parse_override(text: str) -> tuple[str, Any]:
    """Split `name=value` (dotted names reach into nested dicts) into the name and its value."""
    name, equals, value = text.partition("=")
    name = name.strip()
    if not equals or not re.fullmatch(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*", name):
        raise ParameterFileError(
            "command line",
            None,
            f"cannot read the override {text!r}; expected name=value, e.g. N=100 or network.dt=0.1",
        )
    return name, infer_value(value)


def apply_overrides(
    tree: Mapping[str, Any], overrides: Iterable[tuple[str, Any]]
) -> dict[str, Any]:
    """A copy of `tree` with each (dotted name, value) set; an int given for a float stays float."""
    result = _deep_copy(tree)
    for dotted, value in overrides:
        *parents, leaf = dotted.split(".")
        node = result
        for depth, parent in enumerate(parents):
            child = node.setdefault(parent, {})
            if not isinstance(child, dict):
                reached = ".".join(parents[: depth + 1])
                raise ParameterFileError(
                    "command line",
                    None,
                    f"cannot set {dotted!r}: {reached!r} is the value {child!r}, not a group",
                )
            node = child
        old = node.get(leaf)
        if isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        node[leaf] = value
    return result


def _deep_copy(tree: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: _deep_copy(value) if isinstance(value, Mapping) else value
        for name, value in tree.items()
    }


def deep_merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `update` laid over it, nested dicts merged name by name."""
    merged = _deep_copy(base)
    for name, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(name), dict):
            merged[name] = deep_merge(merged[name], value)
        else:
            merged[name] = _deep_copy(value) if isinstance(value, Mapping) else value
    return merged


def split_command_line(arguments: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Sort script arguments into parameter files, `name=value` overrides and the rest."""
    files, overrides, others = [], [], []
    for argument in arguments:
        if argument.lower().endswith(PARAMETER_FILE_SUFFIXES) and "=" not in argument:
            files.append(argument)
        elif "=" in argument and not argument.startswith("-"):
            overrides.append(argument)
        else:
            others.append(argument)
    return files, overrides, others


def read_command_line(arguments: Iterable[str]) -> dict[str, Any]:
    """The parameters named by script arguments: files in order, then the overrides."""
    files, overrides, _ = split_command_line(arguments)
    tree: dict[str, Any] = {}
    for file in files:
        tree = deep_merge(tree, load_parameter_file(file))
    return apply_overrides(tree, [parse_override(text) for text in overrides])


def check_overrides(script: Path, arguments: Iterable[str]) -> None:
    """Before `script` runs: each `name=value` override names a parameter of its defaults (when
    the script states them plainly) or of its parameter files, with a value of the same kind."""
    files, overrides, _ = split_command_line(arguments)
    if not overrides:
        return
    defaults = script_defaults(script)
    tree: dict[str, Any] = dict(defaults or {})
    for file in files:
        tree = deep_merge(tree, load_parameter_file(file))
    if not tree:
        return  # nothing to check against: the script reads them as they come
    parsed = [(*parse_override(text), text) for text in overrides]
    where = f"{script.name}" + (" and " + ", ".join(files) if files else "")
    check_override_values(flatten(tree), parsed, where, complete=bool(defaults))


def parameters(
    defaults: Mapping[str, Any] | str | Path | None = None,
    argv: Iterable[str] | None = None,
) -> ParameterSet:
    """The run's parameters: `defaults` (a dict or a file), then files and `name=value` overrides
    from the command line (`sys.argv[1:]` unless `argv` is given). Under `axonal run` they are
    also written into the run's record.

    Example:

    >>> p = parameters({'N': 100, 'neuron': {'tau': 0.02}}, argv=['neuron.tau=0.01'])
    >>> p.N, p.neuron.tau
    (100, 0.01)
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if isinstance(defaults, (str, Path)):
        base = load_parameter_file(defaults)
    else:
        base = _deep_copy(defaults or {})
    files, overrides, _ = split_command_line(arguments)
    tree = base
    for file in files:
        tree = deep_merge(tree, load_parameter_file(file))
    parsed_overrides = [parse_override(text) for text in overrides]
    check_override_values(
        flatten(tree),
        [(*override, text) for override, text in zip(parsed_overrides, overrides, strict=True)],
        "the defaults and parameter files",
        complete=bool(base),
    )
    result = ParameterSet(apply_overrides(tree, parsed_overrides))
    for listener in _parameter_listeners:
        listener(_deep_copy(result))
    return result
