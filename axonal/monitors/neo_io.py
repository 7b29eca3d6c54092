"""Monitors to neo (Block, Segment, SpikeTrain, AnalogSignal) and neo spike trains back to a
SpikeGeneratorGroup; units cross over through the SI base exponents both libraries share."""

from __future__ import annotations

import numpy as np

from axonal.units import DIMENSIONLESS, Quantity, get_dimensions, second
from axonal.units.dimension import BASE_SYMBOLS, Dimension
from axonal.units.registry import get_unit

INSTALL_HINT = "pip install 'axonal[analysis]'"

# quantities' names of the SI base units, in axonal's order of exponents.
_QUANTITIES_BASE = ("meter", "kilogram", "second", "ampere", "kelvin", "mole", "candela")


def require_neo(what: str):
    """neo and quantities, or an ImportError saying how to install them."""
    try:
        import neo
        import quantities
    except ImportError:
        raise ImportError(f"{what} needs neo: {INSTALL_HINT}") from None
    return neo, quantities


def quantities_unit(dim: Dimension):
    """The quantities unit of ``dim``: its SI symbol (``V``, ``S``) when quantities knows it,
    else the product of base units."""
    import quantities as pq

    if dim is DIMENSIONLESS:
        return pq.dimensionless
    composed = pq.dimensionless
    for symbol, exponent in zip(BASE_SYMBOLS, dim.exponents, strict=True):
        if exponent:
            composed = composed * getattr(pq, symbol) ** exponent
    symbol = get_unit(dim).dispname.replace("^", "**")
    try:
        named = pq.Quantity(1.0, symbol)
    except (LookupError, ValueError, SyntaxError):
        return composed
    same = named.simplified.dimensionality == composed.simplified.dimensionality
    scale_one = np.isclose(float(named.simplified.magnitude), 1.0)
    return named.units if same and scale_one else composed


def from_quantities(values) -> Quantity:
    """A quantities array (or neo object) as an axonal Quantity in SI units."""
    simplified = values.simplified
    exponents = dict.fromkeys(_QUANTITIES_BASE, 0)
    for unit, exponent in simplified.dimensionality.items():
        name = unit.name
        if name not in exponents:
            raise ValueError(f"the unit {name!r} of {values!r} is not an SI base unit")
        exponents[name] = exponent
    dim = Dimension(tuple(exponents[name] for name in _QUANTITIES_BASE))
    return Quantity.with_dimensions(np.asarray(simplified.magnitude, dtype=float), dim)


def _spike_trains(monitor, neo, pq) -> list:
    """One neo SpikeTrain per element of the monitored group (seconds; recorded variables as
    array annotations in SI units, their units in the annotations)."""
    indices, times = monitor.it_
    order = np.lexsort((times, indices))
    bounds = np.searchsorted(indices[order], np.arange(monitor.source.N + 1))
    stop = max(float(monitor.clock.t_), float(times.max()) if times.size else 0.0)
    values = {name: getattr(monitor, f"{name}_") for name in monitor.record_variables}
    units = {
        f"{name}_unit": get_unit(monitor.source.variables[name].dimensions).dispname
        for name in monitor.record_variables
    }
    trains = []
    for index in range(monitor.source.N):
        chosen = order[bounds[index] : bounds[index + 1]]
        trains.append(
            neo.SpikeTrain(
                times[chosen] * pq.s,
                t_start=0 * pq.s,
                t_stop=stop * pq.s,
                name=f"{monitor.source.name}[{index}]",
                index=index,
                source=monitor.source.name,
                monitor=monitor.name,
                event=monitor.event,
                array_annotations={name: v[chosen] for name, v in values.items()},
                **units,
            )
        )
    return trains


def _analog_signals(monitor, neo) -> list:
    """One AnalogSignal per recorded variable: samples x recorded elements, with units."""
    signals = []
    times = monitor.t_
    if not len(times):
        return signals
    start = float(times[0])
    period = float(monitor.clock.dt_)
    for name in monitor.record_variables:
        dim = monitor.source.variables[name].dimensions
        signals.append(
            neo.AnalogSignal(
                getattr(monitor, f"{name}_").T * quantities_unit(dim),
                t_start=start * quantities_unit(get_dimensions(second)),
                sampling_period=period * quantities_unit(get_dimensions(second)),
                name=name,
                source=monitor.source.name,
                monitor=monitor.name,
                array_annotations={"index": np.asarray(monitor.record)},
            )
        )
    return signals


def _rate_signal(monitor, neo, pq) -> list:
    times = monitor.t_
    if not len(times):
        return []
    return [
        neo.AnalogSignal(
            monitor.rate_[:, None] * pq.Hz,
            t_start=float(times[0]) * pq.s,
            sampling_period=float(monitor.clock.dt_) * pq.s,
            name="rate",
            source=monitor.source.name,
            monitor=monitor.name,
        )
    ]


def fill_segment(segment, monitor, neo, pq) -> None:
    """Add ``monitor``'s recordings to a neo Segment."""
    if hasattr(monitor, "it_"):
        segment.spiketrains.extend(_spike_trains(monitor, neo, pq))
    elif hasattr(monitor, "rate_"):
        segment.analogsignals.extend(_rate_signal(monitor, neo, pq))
    elif hasattr(monitor, "record_variables"):
        segment.analogsignals.extend(_analog_signals(monitor, neo))
    else:
        raise TypeError(f"to_neo: cannot export {type(monitor).__name__} {monitor!r}")


def to_neo(*monitors, name: str | None = None):
    """A neo Block with one Segment holding the recordings of ``monitors``: a SpikeTrain per
    neuron of each SpikeMonitor/EventMonitor (annotated with its index, group and monitor), an
    AnalogSignal per StateMonitor variable (samples x recorded elements, their indices as the
    array annotation ``index``), the rate of a PopulationRateMonitor in Hz."""
    neo, pq = require_neo("to_neo")
    if not monitors:
        raise TypeError("to_neo: give at least one monitor")
    block_name = name or monitors[0].name
    block = neo.Block(name=block_name, monitors=[m.name for m in monitors])
    segment = neo.Segment(name=block_name)
    for monitor in monitors:
        fill_segment(segment, monitor, neo, pq)
    block.segments.append(segment)
    segment.block = block
    block.check_relationships()
    return block


def spikes_from_neo(trains) -> tuple[np.ndarray, Quantity, int]:
    """``(indices, times, N)`` of a list of neo SpikeTrains (or a Segment or Block): a train's
    index is its ``index`` annotation when every train has one, else its position."""
    require_neo("spikes_from_neo")
    if hasattr(trains, "segments"):
        trains = [train for segment in trains.segments for train in segment.spiketrains]
    elif hasattr(trains, "spiketrains"):
        trains = list(trains.spiketrains)
    trains = list(trains)
    if not trains:
        raise ValueError("spikes_from_neo: there are no spike trains")
    annotated = [train.annotations.get("index") for train in trains]
    if all(index is not None for index in annotated):
        numbers = [int(index) for index in annotated]
        if len(set(numbers)) != len(numbers):
            raise ValueError("spikes_from_neo: two spike trains have the same 'index' annotation")
    else:
        numbers = list(range(len(trains)))
    pairs = zip(numbers, trains, strict=True)
    indices = np.concatenate([np.full(len(train), number, np.int64) for number, train in pairs])
    times = np.concatenate([np.asarray(from_quantities(train.times)) for train in trains])
    order = np.lexsort((indices, times))
    size = max(numbers) + 1
    return indices[order], Quantity.with_dimensions(times[order], get_dimensions(second)), size


def spike_generator_from_neo(trains, N: int | None = None, **kwargs):
    """A SpikeGeneratorGroup emitting the spikes of neo SpikeTrains (a list, Segment or Block);
    ``N`` defaults to one neuron per train (or the highest ``index`` annotation + 1). Other
    keyword arguments go to SpikeGeneratorGroup (``dt``, ``period``, ``name``...)."""
    from axonal.groups import SpikeGeneratorGroup

    indices, times, size = spikes_from_neo(trains)
    return SpikeGeneratorGroup(size if N is None else N, indices, times, **kwargs)
