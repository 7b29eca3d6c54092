"""A sweep's grid: parameter values from `name=v1,v2` or `name=start:stop:step`, expanded into
points (Cartesian product, or zipped), each point run once per seed."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from axonal.records.errors import RecordsError
from axonal.records.parameter_sets import infer_value


class GridError(RecordsError):
    """A grid that cannot be expanded (bad range, zip of unequal lengths, no values)."""


@dataclass(frozen=True)
class Run:
    """One run of a sweep: its index, the parameter values of its point and its seed."""

    index: int
    parameters: dict[str, Any]
    seed: int | None

    @property
    def key(self) -> str:
        """What identifies the run across re-runs of the same sweep (for --resume)."""
        return json.dumps({"parameters": self.parameters, "seed": self.seed}, sort_keys=True)

    def overrides(self) -> list[str]:
        """The run's parameters as `name=value` arguments, as `axonal run` takes them."""
        texts = [f"{name}={_as_text(value)}" for name, value in self.parameters.items()]
        return texts if self.seed is None else [*texts, f"seed={self.seed}"]


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def parse_values(name: str, text: str) -> list[Any]:
    """`1,2,3` -> [1, 2, 3]; `0:1:0.25` -> [0, 0.25, 0.5, 0.75] (stop excluded, as range)."""
    if ":" in text and "," not in text and not text.strip().startswith(("[", "{", '"', "'")):
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise GridError(
                f"The range for {name!r} is {text!r}; expected start:stop or start:stop:step."
            )
        numbers = [infer_value(part) for part in parts]
        if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
            raise GridError(
                f"The range for {name!r} is {text!r}; start, stop and step must be numbers."
            )
        return value_range(name, *numbers)
    values = [infer_value(part) for part in _split_commas(text)]
    if not values:
        raise GridError(f"No values given for {name!r}.")
    return values


def _split_commas(text: str) -> list[str]:
    """Split on commas outside brackets and quotes (`x=[1,2],[3,4]` is two lists)."""
    parts, depth, quote, current = [], 0, None, ""
    for character in text:
        if quote:
            quote = None if character == quote else quote
        elif character in "\"'":
            quote = character
        elif character in "[{":
            depth += 1
        elif character in "]}":
            depth -= 1
        elif character == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += character
    parts.append(current)
    return [part for part in parts if part.strip()]


def value_range(name: str, start: float, stop: float, step: float = 1) -> list[Any]:
    """The values start, start+step, ... below stop (above, for a negative step)."""
    if step == 0:
        raise GridError(f"The range for {name!r} has step 0.")
    count = math.ceil((stop - start) / step - 1e-9)
    if count <= 0:
        raise GridError(
            f"The range for {name!r} ({start}:{stop}:{step}) is empty; "
            "the stop is excluded and the step must lead from start towards stop."
        )
    if all(isinstance(v, int) for v in (start, stop, step)):
        return [start + i * step for i in range(count)]
    # Rounded so that 0.1*3 reads 0.3 in labels, tables and records.
    return [round(start + i * step, 12) for i in range(count)]


def parse_assignments(texts: Iterable[str]) -> dict[str, list[Any]]:
    """`["rate=1,2", "w=0:1:0.5"]` -> {"rate": [1, 2], "w": [0, 0.5]}."""
    grid: dict[str, list[Any]] = {}
    for text in texts:
        name, equals, values = text.partition("=")
        if not equals or not name.strip():
            raise GridError(f"Cannot read the sweep parameter {text!r}; expected name=v1,v2,...")
        grid[name.strip()] = parse_values(name.strip(), values)
    return grid


def expand(
    grid: Mapping[str, Any], seeds: int | Sequence[int] | None = None, zip_values: bool = False
) -> list[Run]:
    """Every run of the sweep: the points of `grid` (product, or zipped), each with each seed.

    `grid` maps names to a list of values (a single value, or a `"1:5:2"` text, is accepted);
    `seeds` is a count (seeds 0..n-1), a list of seeds, or None (no seed passed to the runs)."""
    names = list(grid)
    if seeds is not None and "seed" in names:
        raise GridError("The grid has a parameter 'seed' and seeds are given too; give one.")
    columns = [_values_of(name, grid[name]) for name in names]
    if zip_values:
        lengths = {name: len(column) for name, column in zip(names, columns, strict=True)}
        if len(set(lengths.values())) > 1:
            raise GridError(f"--zip needs as many values for each parameter; got {lengths}.")
        points = list(zip(*columns, strict=True))
    else:
        points = list(itertools.product(*columns))
    seed_list: list[int | None]
    if seeds is None:
        seed_list = [None]
    elif isinstance(seeds, int):
        if seeds < 1:
            raise GridError(f"seeds must be at least 1; got {seeds}.")
        seed_list = list(range(seeds))
    else:
        seed_list = list(seeds)
    runs = []
    for point in points:
        for seed in seed_list:
            runs.append(Run(len(runs), dict(zip(names, point, strict=True)), seed))
    return runs


def _values_of(name: str, values: Any) -> list[Any]:
    if isinstance(values, str):
        return parse_values(name, values)
    if isinstance(values, range):
        return list(values)
    if isinstance(values, Iterable) and not isinstance(values, (bytes, Mapping)):
        listed = [
            v.item() if hasattr(v, "item") and getattr(v, "ndim", 1) == 0 else v for v in values
        ]
        if not listed:
            raise GridError(f"No values given for {name!r}.")
        return listed
    return [values]
