"""A tiny evaluator that runs a StateUpdate's statements on NumPy arrays, for the tests."""

from collections.abc import Callable, Iterator, Mapping

import numpy as np
import pytest

from axonal.integrate import StateUpdate


def _exprel(x):
    x = np.asarray(x, dtype=float)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 1.0, np.expm1(x) / safe)


FUNCTIONS = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "sin": np.sin,
    "cos": np.cos, "tan": np.tan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan, "abs": np.abs,
    "floor": np.floor, "ceil": np.ceil, "sign": np.sign, "clip": np.clip, "exprel": _exprel,
}  # fmt: skip


def simulate(
    update: StateUpdate,
    initial: Mapping[str, float | np.ndarray],
    parameters: Mapping[str, float] | None = None,
    *,
    dt: float,
    steps: int,
    size: int = 1,
    normals: Iterator[np.ndarray] | Callable[[], np.ndarray] | None = None,
    t0: float = 0.0,
) -> dict[str, np.ndarray]:
    """Run ``steps`` steps from ``initial`` and return the final state (arrays of ``size``).

    ``normals`` supplies what ``randn()`` returns, one array of ``size`` per call: an iterator
    (a fixed sequence of Wiener increments) or a function; by default a seeded generator.
    """
    state = {name: np.full(size, value, dtype=float) for name, value in initial.items()}
    compiled = [
        (s.target, compile(s.expr.code, f"<{s.target}>", "eval"), s.temporary)
        for s in update.statements
    ]
    if normals is None:
        rng = np.random.default_rng(2024)
        draw = lambda: rng.standard_normal(size)  # noqa: E731
    elif callable(normals):
        draw = normals
    else:
        draw = lambda: next(normals)  # noqa: E731
    namespace = dict(FUNCTIONS, randn=draw, rand=lambda: np.random.default_rng(0).random(size))
    namespace.update(parameters or {})
    namespace["dt"] = dt
    for step in range(steps):
        namespace.update(state)
        namespace["t"] = t0 + step * dt
        for target, code, temporary in compiled:
            # Assignments take effect at once: a later statement sees the new value, which is
            # exactly what the order of the final assignments must allow for.
            namespace[target] = eval(code, namespace)  # noqa: S307 -- test evaluator
            if not temporary:
                state[target] = np.broadcast_to(namespace[target], (size,)).astype(float)
    return state


@pytest.fixture(scope="session")
def run():
    return simulate


def fitted_order(dts, errors) -> float:
    """The slope of log(error) against log(dt): the observed order of convergence."""
    return float(np.polyfit(np.log(dts), np.log(errors), 1)[0])


@pytest.fixture(scope="session")
def order():
    return fitted_order
