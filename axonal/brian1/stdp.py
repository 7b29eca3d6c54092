"""Brian 1's ExponentialSTDP on a Connection, as axonal Synapses with event-driven traces."""

from __future__ import annotations

import numpy as np

from axonal.brian1.connections import Connection, WeightMatrix, _si_name
from axonal.brian1.unsupported import Brian1Unsupported
from axonal.synapses import Synapses
from axonal.units import DIMENSIONLESS, Quantity

# How each trace grows at a spike: all spikes add up, or only the nearest counts.
_TRACE_UPDATE = {
    "all": ("A_pre += Ap", "A_post += Am"),
    "nearest": ("A_pre = Ap", "A_post = Am"),
    "nearest_pre": ("A_pre = Ap", "A_post += Am"),
    "nearest_post": ("A_pre += Ap", "A_post = Am"),
}


def _raw(value) -> float:
    return float(np.asarray(value))


class ExponentialSTDP(Synapses):
    """Brian 1's ``ExponentialSTDP(C, taup, taum, Ap, Am, interactions='all', wmin=0,
    wmax=None, update='additive')``.

    A presynaptic spike adds ``Ap`` to the trace ``A_pre`` (decaying with ``taup``) and the
    trace ``A_post`` to the weight; a postsynaptic spike adds ``Am`` to ``A_post`` (decaying with
    ``taum``) and ``A_pre`` to the weight; weights stay within [wmin, wmax]. The spike is
    transmitted with the weight before the change. The Connection's synapses move into this
    object (the Connection is switched off and its ``W`` reads these weights).
    """

    def __init__(
        self,
        C: Connection,
        taup,
        taum,
        Ap,
        Am,
        interactions="all",
        wmin=0,
        wmax=None,
        update="additive",
        delay_pre=None,
        delay_post=None,
        clock=None,
        name=None,
    ):
        if not isinstance(C, Connection):
            raise TypeError("ExponentialSTDP needs a Connection made with axonal.brian1")
        if interactions not in _TRACE_UPDATE:
            raise ValueError(
                f"ExponentialSTDP: interactions must be one of {sorted(_TRACE_UPDATE)}, "
                f"not {interactions!r}"
            )
        if update != "additive":
            raise Brian1Unsupported(
                f"ExponentialSTDP(update={update!r})",
                "Write the weight update in axonal.Synapses on_pre/on_post, e.g. "
                "'w = clip(w + A_post * w, 0, wmax)' for a multiplicative depression.",
            )
        if delay_pre is not None or delay_post is not None:
            raise Brian1Unsupported(
                "ExponentialSTDP(delay_pre=..., delay_post=...)",
                "Give axonal.Synapses a delay per pathway (S.pre.delay, S.post.delay).",
            )
        dim = C.variables["w"].dimensions
        unit = "1" if dim is DIMENSIONLESS else _si_name(dim)
        pre_trace, post_trace = _TRACE_UPDATE[interactions]
        upper = "wmax" if wmax is not None else "inf"
        bounded = f"clip(w + {{trace}}, wmin, {upper})"
        namespace = {
            "taup": taup,
            "taum": taum,
            # Brian 1 stored weights without units: Ap, Am, wmin and wmax count in the
            # weight's SI unit whatever units they were given in.
            "Ap": _with(dim, _raw(Ap)),
            "Am": _with(dim, _raw(Am)),
            "wmin": _with(dim, _raw(wmin)),
            "wmax": _with(dim, _raw(wmax) if wmax is not None else np.inf),
            "inf": _with(dim, np.inf),
        }
        super().__init__(
            C.source,
            C.target,
            model=f"""w : {unit}
                dA_pre/dt = -A_pre / taup : {unit} (event-driven)
                dA_post/dt = -A_post / taum : {unit} (event-driven)""",
            on_pre=f"{C._brian1_on_pre}\n{pre_trace}\nw = {bounded.format(trace='A_post')}",
            on_post=f"{post_trace}\nw = {bounded.format(trace='A_pre')}",
            namespace=namespace,
            clock=clock,
            name=name,
        )
        if len(C):
            Synapses.connect(self, i=C.i[:], j=C.j[:])
            self.get_raw("w")[:] = C.get_raw("w")
            # (read and set, not the in-place handles: a delay all share stays stored once)
            self.set_raw("delay", np.broadcast_to(C.read_raw("delay"), (len(C),)))
        C.active = False
        object.__setattr__(C, "W", WeightMatrix(self))
        C.contained_objects.append(self)
        C._brian1_stdp = self


def _with(dim, raw: float):
    return raw if dim is DIMENSIONLESS else Quantity.with_dimensions(raw, dim)
