"""Plain functions made from source text with their data bound, for the compiled target.

The compiled target recognises a user function by its code, and caches compiled kernels on
disk under that. Two TimedArrays (or binomial samplers) share their code but not their data,
so the data's digest is written into the generated function as its docstring: a function over
other data is other code.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Callable, Mapping

import numpy as np


def data_digest(data: Mapping[str, object]) -> str:
    """A SHA-256 over the names, types, shapes and bytes of ``data``."""
    digest = hashlib.sha256()
    for name in sorted(data):
        value = np.ascontiguousarray(data[name])
        digest.update(f"{name}:{value.dtype.str}:{value.shape};".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def function_with_data(
    name: str, arguments: str, body: str, data: Mapping[str, object]
) -> Callable:
    """``def name(arguments): body`` with the names of ``data`` as its globals."""
    source = (
        f"def {name}({arguments}):\n"
        f'    """{name} over data {data_digest(data)}"""\n'
        f"{textwrap.indent(textwrap.dedent(body).strip(), '    ')}\n"
    )
    scope: dict[str, object] = dict(data)
    exec(compile(source, f"<axonal generated {name}>", "exec"), scope)  # our own source text
    function = scope[name]
    function.source = source
    return function


__all__: list[str] = []
