"""PyNN's standard cell types, each bound to its axonal model (neuron_models.py)."""

from __future__ import annotations

import numpy as np
from pyNN.standardmodels import build_translations, cells

from axonal.pynn import neuron_models as models


def _bind(base, model: models.NeuronModel, group_kind: str = "neurons"):
    """A subclass of PyNN's ``base`` whose translations and model come from ``model``."""
    namespace = {
        "__doc__": base.__doc__,
        "__module__": __name__,
        "axonal_model": model,
        "axonal_group_kind": group_kind,
        "translations": model.translations(),
        # every state variable can be recorded, not only those PyNN lists
        "recordable": ["spikes"] + [pynn for pynn, _, _ in model.state],
    }
    if hasattr(base, "receptor_types") and not isinstance(base.receptor_types, property):
        if base.receptor_types and set(base.receptor_types) - set(model.receptors):
            # e.g. HH's gap-junction section: not a receptor here (see ElectricalSynapse)
            namespace["receptor_types"] = tuple(
                r for r in base.receptor_types if r in model.receptors
            )
    return type(base.__name__, (base,), namespace)


IF_curr_exp = _bind(cells.IF_curr_exp, models.IF_CURR_EXP)
IF_curr_alpha = _bind(cells.IF_curr_alpha, models.IF_CURR_ALPHA)
IF_curr_delta = _bind(cells.IF_curr_delta, models.IF_CURR_DELTA)
IF_cond_exp = _bind(cells.IF_cond_exp, models.IF_COND_EXP)
IF_cond_alpha = _bind(cells.IF_cond_alpha, models.IF_COND_ALPHA)
IF_cond_exp_gsfa_grr = _bind(cells.IF_cond_exp_gsfa_grr, models.IF_COND_EXP_GSFA_GRR)
EIF_cond_exp_isfa_ista = _bind(cells.EIF_cond_exp_isfa_ista, models.EIF_COND_EXP_ISFA_ISTA)
EIF_cond_alpha_isfa_ista = _bind(cells.EIF_cond_alpha_isfa_ista, models.EIF_COND_ALPHA_ISFA_ISTA)
HH_cond_exp = _bind(cells.HH_cond_exp, models.HH_COND_EXP)
Izhikevich = _bind(cells.Izhikevich, models.IZHIKEVICH)
SpikeSourcePoisson = _bind(cells.SpikeSourcePoisson, models.POISSON)
SpikeSourcePoissonRefractory = _bind(cells.SpikeSourcePoissonRefractory, models.POISSON_REFRACTORY)
SpikeSourceGamma = _bind(cells.SpikeSourceGamma, models.GAMMA, group_kind="gamma")


class GIF_cond_exp(cells.GIF_cond_exp):
    __doc__ = cells.GIF_cond_exp.__doc__
    axonal_group_kind = "neurons"
    recordable = ["spikes", "v", "gsyn_exc", "gsyn_inh", "i_eta", "v_t"]

    def __init__(self, **parameters):
        super().__init__(**parameters)
        widths = {}
        for name in ("tau_eta", "tau_gamma"):
            value = self.parameter_space[name].base_value
            first = value.flat[0] if isinstance(value, np.ndarray) else value
            widths[name] = len(getattr(first, "value", first))
        self.axonal_model = models.gif_model(widths["tau_eta"], widths["tau_gamma"])
        self.translations = self.axonal_model.translations()


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = build_translations(("spike_times", "spike_times"))
    axonal_model = None
    axonal_group_kind = "array"


class SpikeSourceInhGamma(cells.SpikeSourceInhGamma):
    __doc__ = cells.SpikeSourceInhGamma.__doc__
    # a, b (s), tbins (ms), start, duration (ms) as given: inh_gamma.py reads them
    translations = build_translations(
        ("a", "a"), ("b", "b"), ("tbins", "tbins"), ("start", "start"), ("duration", "duration")
    )
    axonal_model = None
    axonal_group_kind = "inh_gamma"


GIF_cond_exp.translations = models.gif_model(3, 3).translations()

STANDARD_CELL_TYPES = [
    IF_curr_exp,
    IF_curr_alpha,
    IF_curr_delta,
    IF_cond_exp,
    IF_cond_alpha,
    IF_cond_exp_gsfa_grr,
    EIF_cond_exp_isfa_ista,
    EIF_cond_alpha_isfa_ista,
    HH_cond_exp,
    Izhikevich,
    GIF_cond_exp,
    SpikeSourcePoisson,
    SpikeSourcePoissonRefractory,
    SpikeSourceGamma,
    SpikeSourceArray,
    SpikeSourceInhGamma,
]
