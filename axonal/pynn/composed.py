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


class _AxonalResponse:
    """A post-synaptic response written once as templates, ``{L}`` standing for its label.

    ``axonal_equations``: its variables; ``axonal_current``: its term of the synaptic current;
    ``axonal_on_spike``: what a spike of weight ``w`` does; ``axonal_parameters`` and
    ``axonal_state``: (PyNN name, native name template, PyNN unit).
    """

    axonal_equations = ""
    axonal_current = ""
    axonal_on_spike = ""
    axonal_parameters: list[tuple[str, str, str]] = []
    axonal_state: list[tuple[str, str, str]] = []

    @classmethod
    def axonal(cls, label):
        """(equations, current, on_spike, parameters, state) for the receptor ``label``."""

        def fill(template: str) -> str:
            return template.replace("{L}", label)

        return (
            fill(cls.axonal_equations),
            fill(cls.axonal_current),
            fill(cls.axonal_on_spike),
            [(pynn, fill(native), unit) for pynn, native, unit in cls.axonal_parameters],
            [(pynn, fill(native), unit) for pynn, native, unit in cls.axonal_state],
        )


_CONDUCTANCE = "g_{L}*(e_syn_{L} - v)"
_TAU_AND_REVERSAL = [("tau_syn", "tau_syn_{L}", "ms"), ("e_syn", "e_syn_{L}", "mV")]
_GSYN = [("gsyn", "g_{L}", "uS")]


class CurrExpPostSynapticResponse(_AxonalResponse, receptors.CurrExpPostSynapticResponse):
    __doc__ = receptors.CurrExpPostSynapticResponse.__doc__
    recordable = ["isyn"]
    axonal_equations = "disyn_{L}/dt = -isyn_{L}/tau_syn_{L} : amp"
    axonal_current = "isyn_{L}"
    axonal_on_spike = "isyn_{L}_post += w"
    axonal_parameters = [("tau_syn", "tau_syn_{L}", "ms")]
    axonal_state = [("isyn", "isyn_{L}", "nA")]


class CondExpPostSynapticResponse(_AxonalResponse, receptors.CondExpPostSynapticResponse):
    __doc__ = receptors.CondExpPostSynapticResponse.__doc__
    recordable = ["gsyn"]
    axonal_equations = "dg_{L}/dt = -g_{L}/tau_syn_{L} : siemens"
    axonal_current = _CONDUCTANCE
    axonal_on_spike = "g_{L}_post += w"
    axonal_parameters = _TAU_AND_REVERSAL
    axonal_state = _GSYN


class CondAlphaPostSynapticResponse(_AxonalResponse, receptors.CondAlphaPostSynapticResponse):
    __doc__ = receptors.CondAlphaPostSynapticResponse.__doc__
    recordable = ["gsyn"]
    axonal_equations = (
        "dg_{L}/dt = (y_{L} - g_{L})/tau_syn_{L} : siemens\n"
        "dy_{L}/dt = -y_{L}/tau_syn_{L} : siemens"
    )
    axonal_current = _CONDUCTANCE
    axonal_on_spike = f"y_{{L}}_post += {models.E}*w"
    axonal_parameters = _TAU_AND_REVERSAL
    axonal_state = _GSYN


class CondBetaPostSynapticResponse(_AxonalResponse, receptors.CondBetaPostSynapticResponse):
    """g = a (exp(-t/tau_decay) - exp(-t/tau_rise)), scaled so that its peak is the weight: the
    difference of two exponentials that a spike raises by the same amount."""

    recordable = ["gsyn"]
    axonal_equations = (
        "dd_{L}/dt = -d_{L}/tau_decay_{L} : siemens\n"
        "dr_{L}/dt = -r_{L}/tau_rise_{L} : siemens\n"
        "t_peak_{L} = tau_decay_{L}*tau_rise_{L}/(tau_decay_{L} - tau_rise_{L})"
        "*log(tau_decay_{L}/tau_rise_{L}) : second\n"
        "beta_scale_{L} = 1/(exp(-t_peak_{L}/tau_decay_{L}) - exp(-t_peak_{L}/tau_rise_{L})) : 1\n"
        "g_{L} = d_{L} - r_{L} : siemens"
    )
    axonal_current = _CONDUCTANCE
    axonal_on_spike = "d_{L}_post += w*beta_scale_{L}_post\nr_{L}_post += w*beta_scale_{L}_post"
    axonal_parameters = [
        ("tau_rise", "tau_rise_{L}", "ms"),
        ("tau_decay", "tau_decay_{L}", "ms"),
        ("e_syn", "e_syn_{L}", "mV"),
    ]
    axonal_state = _GSYN


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
