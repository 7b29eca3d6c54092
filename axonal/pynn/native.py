"""Cell types written as axonal equations, usable like PyNN's standard ones.

    Adapting = sim.native_cell_type(
        "Adapting",
        equations='''
            dv/dt = (v_rest - v + R*(i_inj + i_syn))/tau_m : volt (unless refractory)
            da/dt = -a/tau_a : amp
            di_syn/dt = -i_syn/tau_syn : amp
        ''',
        parameters={"v_rest": (-65.0, "mV"), "R": (...), ...},   # PyNN units
        state={"v": (-65.0, "mV"), "a": (0.0, "nA"), "i_syn": (0.0, "nA")},
        threshold="v > -50*mV", reset="v = v_rest; a += 0.1*nA", refractory="2*ms",
        receptors={"excitatory": "i_syn_post += w", "inhibitory": "i_syn_post += w"},
        weight_unit="nA",
    )
    cells = sim.Population(10, Adapting(tau_m=[10.0, 20.0, ...]))

Parameters and state variables take PyNN's units (ms, mV, nA, nF, uS, nS, Hz, /ms, mV/ms, 1);
every parameter is per cell; every state variable can be initialised and recorded; the
equations can use ``i_inj`` (the current of current sources).
"""

from __future__ import annotations

from pyNN.standardmodels import StandardCellType

from axonal.pynn.neuron_models import UNITS, NeuronModel


def native_cell_type(
    name: str,
    equations: str,
    parameters: dict[str, tuple[float, str]],
    state: dict[str, tuple[float, str]],
    threshold: str | None = None,
    reset: str | None = None,
    refractory: str | bool = False,
    method: str | None = None,
    receptors: dict[str, str] | None = None,
    weight_unit: str = "nA",
) -> type:
    """A PyNN cell type class (a StandardCellType) simulating ``equations``."""
    for label, (_, unit) in {**parameters, **state}.items():
        if unit not in UNITS:
            raise ValueError(
                f"native_cell_type {name!r}: unit {unit!r} of {label!r} is not one of "
                f"{', '.join(UNITS)}"
            )
    if weight_unit not in UNITS:
        raise ValueError(f"native_cell_type {name!r}: weight_unit {weight_unit!r} is unknown")
    model = NeuronModel(
        equations=equations,
        parameters=[(p, p, unit) for p, (_, unit) in parameters.items()],
        state=[(v, v, unit) for v, (_, unit) in state.items()],
        threshold=threshold,
        reset=reset,
        refractory=refractory,
        method=method,  # None: axonal chooses (exact where the equations allow it)
        receptors=dict(receptors or {}),
        weight_unit=weight_unit,
    )
    units = {n: u for n, (_, u) in {**parameters, **state}.items()}
    return type(
        name,
        (StandardCellType,),
        {
            "__doc__": f"{name}: a cell type written as axonal equations.\n\n{equations}",
            "default_parameters": {p: value for p, (value, _) in parameters.items()},
            "default_initial_values": {v: value for v, (value, _) in state.items()},
            "recordable": ["spikes", *state],
            "units": units,
            "receptor_types": tuple(model.receptors),
            "conductance_based": weight_unit in ("uS", "nS"),
            "injectable": True,
            "translations": model.translations(),
            "axonal_model": model,
            "axonal_group_kind": "neurons",
        },
    )
