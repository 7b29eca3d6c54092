"""Kernels that compute a recorded value (a subexpression, a linked, shared or index variable)
into an array of the recording monitor's own, for the fused run to read."""

from __future__ import annotations

import numpy as np


def value_kernel(monitor, name: str, variable, context, size: int):
    """A kernel of ``monitor.source`` storing the values of ``name`` in the monitor's array
    ``'<monitor>._value_of_<name>'`` of ``size`` elements (the source's storage); returns the
    kernel, its functions and the array's key. The caller turns it into a loop over the
    elements it records (``local_kernel`` or ``storage_kernel``)."""
    from axonal.model.ir import Expression, KernelRole, Statement, VariableKind, VariableRef

    key, stored = f"{monitor.name}._value_of_{name}", f"_value_of_{name}"
    context.state[key] = np.zeros(size, dtype=variable.dtype)
    extra = {stored: VariableRef(stored, VariableKind.ARRAY, dtype=variable.dtype, array=key)}
    kernel, functions = monitor.source.make_kernel(
        f"{monitor.name}_{name}",
        KernelRole.STATE_UPDATE,
        [Statement(stored, "=", Expression(name))],
        context,
        when=monitor.when,
        order=monitor.order,
        extra=extra,
    )
    return kernel, functions, key
