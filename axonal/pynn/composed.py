"""PointNeuron: a neuron component (LIF, AdExp) with any set of named post-synaptic responses.

Each receptor ``label`` adds its own conductance or current variables (``g_label``,
``isyn_label`` ...) and parameters (``tau_syn_label`` ...) to the neuron's equations and a
term to its synaptic current; PyNN sees them as ``label.tau_syn``, ``label.gsyn``.
"""

from __future__ import annotations

from pyNN.parameters import ParameterSpace
from pyNN.standardmodels import StandardModelType, cells, receptors

from axonal.pynn import neuron_models as models


class LIF(cells.LIF):
    __doc__ = cells.LIF.__doc__
    axonal_equations = models.LEAKY
    axonal_parameters = models.LEAKY_PARAMETERS
    axonal_state = [("v", "v", "mV")]
    axonal_threshold = "v >= v_thresh"
    axonal_reset = "v = v_reset"


class AdExp(cells.AdExp):
    __doc__ = cells.AdExp.__doc__
    axonal_equations = models.ADEXP
    axonal_parameters = [
        p for p in models.ADEXP_PARAMETERS if p not in models.SYN_TAUS and p not in models.REVERSALS
    ]
    axonal_state = [("v", "v", "mV"), ("w", "w", "nA")]
    axonal_threshold = models.EIF_COND_EXP_ISFA_ISTA.threshold
    axonal_reset = "v = v_reset\nw += b"


class CurrExpPostSynapticResponse(receptors.CurrExpPostSynapticResponse):
    __doc__ = receptors.CurrExpPostSynapticResponse.__doc__
    recordable = ["isyn"]

    @staticmethod
    def axonal(label):
        equations = f"disyn_{label}/dt = -isyn_{label}/tau_syn_{label} : amp"
        return (
            equations,
            f"isyn_{label}",
            f"isyn_{label}_post += w",
            [("tau_syn", f"tau_syn_{label}", "ms")],
            [("isyn", f"isyn_{label}", "nA")],
        )


class CondExpPostSynapticResponse(receptors.CondExpPostSynapticResponse):
    __doc__ = receptors.CondExpPostSynapticResponse.__doc__
    recordable = ["gsyn"]

    @staticmethod
    def axonal(label):
        equations = f"dg_{label}/dt = -g_{label}/tau_syn_{label} : siemens"
        return (
            equations,
            f"g_{label}*(e_syn_{label} - v)",
            f"g_{label}_post += w",
            [("tau_syn", f"tau_syn_{label}", "ms"), ("e_syn", f"e_syn_{label}", "mV")],
            [("gsyn", f"g_{label}", "uS")],
        )


class CondAlphaPostSynapticResponse(receptors.CondAlphaPostSynapticResponse):
    __doc__ = receptors.CondAlphaPostSynapticResponse.__doc__
    recordable = ["gsyn"]

    @staticmethod
    def axonal(label):
        equations = (
            f"dg_{label}/dt = (y_{label} - g_{label})/tau_syn_{label} : siemens\n"
            f"dy_{label}/dt = -y_{label}/tau_syn_{label} : siemens"
        )
        return (
            equations,
            f"g_{label}*(e_syn_{label} - v)",
            f"y_{label}_post += {models.E}*w",
            [("tau_syn", f"tau_syn_{label}", "ms"), ("e_syn", f"e_syn_{label}", "mV")],
            [("gsyn", f"g_{label}", "uS")],
        )


class CondBetaPostSynapticResponse(receptors.CondBetaPostSynapticResponse):
    """g = a (exp(-t/tau_decay) - exp(-t/tau_rise)), scaled so that its peak is the weight: the
    difference of two exponentials that a spike raises by the same amount."""

    recordable = ["gsyn"]

    @staticmethod
    def axonal(label):
        rise, decay = f"tau_rise_{label}", f"tau_decay_{label}"
        peak = f"t_peak_{label}"
        equations = (
            f"dd_{label}/dt = -d_{label}/{decay} : siemens\n"
            f"dr_{label}/dt = -r_{label}/{rise} : siemens\n"
            f"{peak} = {decay}*{rise}/({decay} - {rise})*log({decay}/{rise}) : second\n"
            f"beta_scale_{label} = 1/(exp(-{peak}/{decay}) - exp(-{peak}/{rise})) : 1\n"
            f"g_{label} = d_{label} - r_{label} : siemens"
        )
        on_spike = (
            f"d_{label}_post += w*beta_scale_{label}_post\n"
            f"r_{label}_post += w*beta_scale_{label}_post"
        )
        return (
            equations,
            f"g_{label}*(e_syn_{label} - v)",
            on_spike,
            [
                ("tau_rise", rise, "ms"),
                ("tau_decay", decay, "ms"),
                ("e_syn", f"e_syn_{label}", "mV"),
            ],
            [("gsyn", f"g_{label}", "uS")],
        )


AlphaPSR = CondAlphaPostSynapticResponse
ExpPSR = CondExpPostSynapticResponse


class PointNeuron(cells.PointNeuron):
    """A neuron component with named post-synaptic responses, as one axonal NeuronGroup."""

    axonal_group_kind = "neurons"

    def __init__(self, neuron, **post_synaptic_receptors):
        super().__init__(neuron, **post_synaptic_receptors)
        parameters = list(neuron.axonal_parameters)
        state = list(neuron.axonal_state)
        equations, currents, on_spike = [neuron.axonal_equations], [], {}
        flat = {name: neuron.parameter_space[name] for name in neuron.get_parameter_names()}
        for label, psr in sorted(post_synaptic_receptors.items()):
            psr_equations, current, statement, psr_parameters, psr_state = psr.axonal(label)
            equations.append(psr_equations)
            currents.append(current)
            on_spike[label] = statement
            parameters += [(f"{label}.{p}", native, unit) for p, native, unit in psr_parameters]
            state += [(f"{label}.{v}", native, unit) for v, native, unit in psr_state]
            for p, _, _ in psr_parameters:
                flat[f"{label}.{p}"] = psr.parameter_space[p]
        equations.append(f"i_syn = {' + '.join(currents) or '0*amp'} : amp")
        weight_unit = "uS" if currents and self.conductance_based else "nA"
        self.axonal_model = models.NeuronModel(
            equations="\n".join(equations),
            parameters=parameters,
            state=state,
            threshold=neuron.axonal_threshold,
            reset=neuron.axonal_reset,
            refractory="tau_refrac",
            method="rk4",
            receptors=on_spike,
            weight_unit=weight_unit,
        )
        self.translations = self.axonal_model.translations()
        self.parameter_space = ParameterSpace(flat, self.get_schema(), shape=None)

    def get_schema(self):
        schema = {name: float for name in self.neuron.get_parameter_names()}
        for label, psr in self.post_synaptic_receptors.items():
            schema.update(
                {
                    f"{label}.{name}": float
                    for name in psr.get_parameter_names()
                    if name != "locations"
                }
            )
        return schema

    def get_parameter_names(self):
        return list(self.get_schema())

    def has_parameter(self, name):
        return name in self.get_schema()

    # one flat table of translations serves every parameter of the composition
    simple_parameters = StandardModelType.simple_parameters
    scaled_parameters = StandardModelType.scaled_parameters
    computed_parameters = StandardModelType.computed_parameters

    def computed_parameters_include(self, parameter_names):
        return StandardModelType.computed_parameters_include(self, parameter_names)

    @property
    def native_parameters(self):
        return self.translate(self.parameter_space)
