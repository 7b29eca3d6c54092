"""Limits on parameter files, and `name=value` overrides checked before a script starts.

A parameter file is data from anywhere (a colleague, a record, a web form): it may not grow
without bound (YAML aliases expanding to billions of values), nest deeper than Python can
walk, or be larger than a parameter file is. An override must name a parameter that exists and
give it a value of the same kind (`N=abc` for an integer N is refused in one line).
"""

from __future__ import annotations

import ast
import copy
import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from axonal.records.errors import ParameterFileError

MAX_FILE_BYTES = 10 * 2**20
MAX_DEPTH = 50
# Values a parameter tree may hold once YAML aliases are expanded (each visit counts).
MAX_VALUES = 100_000


def check_file_size(path: Path, source: str) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # reading it says what is wrong
    if size > MAX_FILE_BYTES:
        raise ParameterFileError(
            source, None, f"is {size} bytes; a parameter file may be at most {MAX_FILE_BYTES}"
        )


def check_tree(data: Any, source: str) -> None:
    """Refuse a parsed tree nested deeper than MAX_DEPTH or holding more than MAX_VALUES
    values when aliases are expanded (what recording it, or the script, would walk)."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise ParameterFileError(
                source,
                None,
                f"holds more than {MAX_VALUES} values once its aliases are expanded; "
                "a parameter file this large is refused",
            )
        if depth > MAX_DEPTH:
            raise ParameterFileError(
                source, None, f"is nested more than {MAX_DEPTH} levels deep (or refers to itself)"
            )
        if isinstance(node, Mapping):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend((value, depth + 1) for value in node)


def check_yaml_depth(text: str, source: str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH from its event stream, which PyYAML reads
    without recursion, before its recursive composer spends seconds reaching Python's limit."""
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise too_deep(source)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # malformed: the loader says where, with the line


def too_deep(source: str) -> ParameterFileError:
    return ParameterFileError(
        source, None, f"is nested too deeply to read (at most {MAX_DEPTH} levels are allowed)"
    )


# -- overrides ---------------------------------------------------------------------------------


def script_defaults(script: Path) -> dict[str, Any] | None:
    """The defaults a script gives `parameters(...)`, read from its source without running it:
    a literal dict, or a parameter file named by a literal string. None when the script does
    not say them plainly (no call, several calls, or defaults computed at run time)."""
    from axonal.records.parameter_sets import load_parameter_file

    value = _stated_defaults(script)
    if isinstance(value, dict):
        return copy.deepcopy(value)
    if isinstance(value, str) and Path(value).is_file():
        return load_parameter_file(value)
    return None


# The scripts' stated defaults, by (path, size, modification time): a sweep checks every point
# of its grid against one script (parsing CUBA's source took 4.7 ms a point).
_STATED: dict[tuple[str, int, int], Any] = {}
_STATED_KEPT = 32


def _stated_defaults(script: Path) -> Any:
    """The literal `parameters(...)` gets in `script` (None when there is none to read)."""
    try:
        info = script.stat()
    except OSError:
        return None
    key = (str(script.resolve()), info.st_size, info.st_mtime_ns)
    if key not in _STATED:
        if len(_STATED) >= _STATED_KEPT:
            _STATED.clear()
        _STATED[key] = _read_stated_defaults(script)
    return _STATED[key]


def _read_stated_defaults(script: Path) -> Any:
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called_name(node.func) == "parameters"
    ]
    if len(calls) != 1:
        return None
    (call,) = calls
    argument = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "defaults":
            argument = keyword.value
    if argument is None:
        return {}
    try:
        return ast.literal_eval(argument)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _called_name(function: ast.expr) -> str | None:
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def check_override_values(
    known: Mapping[str, Any],
    overrides: Iterable[tuple[str, Any, str]],
    where: str,
    complete: bool,
) -> None:
    """Refuse an override (dotted name, value, its text) that names no parameter in `known`
    (the flattened parameters; only when `complete`, i.e. every parameter is known) or gives
    one a value of another kind."""
    for dotted, value, text in overrides:
        if dotted in known:
            expected = _expected_kind(known[dotted], value)
            if expected is not None:
                raise ParameterFileError(
                    "command line",
                    None,
                    f"the override {text!r} does not fit: {where} has {dotted} = "
                    f"{known[dotted]!r}, so {expected} was expected",
                )
            continue
        group = sorted(name for name in known if name.startswith(dotted + "."))
        if group:
            raise ParameterFileError(
                "command line",
                None,
                f"the override {text!r} names the group {dotted!r}; set one of its "
                f"parameters instead ({', '.join(group[:5])})",
            )
        if complete:
            close = difflib.get_close_matches(dotted, list(known), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ParameterFileError(
                "command line",
                None,
                f"unknown parameter {dotted!r} in the override {text!r}; {hint}"
                f"the parameters of {where} are {', '.join(sorted(known))}",
            )


def _expected_kind(old: Any, new: Any) -> str | None:
    """What `new` should have been to replace `old`, or None when it fits."""
    if old is None or new is None:
        return None
    if isinstance(old, bool):
        return None if isinstance(new, bool) else "true or false"
    if isinstance(old, int):
        return None if isinstance(new, int) and not isinstance(new, bool) else "an integer"
    if isinstance(old, float):
        fits = isinstance(new, (int, float)) and not isinstance(new, bool)
        return None if fits else "a number"
    if isinstance(old, (list, tuple)):
        return None if isinstance(new, list) else "a list, e.g. [1, 2]"
    if isinstance(old, Mapping):
        return None if isinstance(new, Mapping) else "a group of values"
    return None  # a text accepts what was typed
