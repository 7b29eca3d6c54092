"""How a PyNN cell type becomes an axonal NeuronGroup: equations, parameters, receptors, units.

Every parameter is a per-neuron variable of the group (threshold, reset value, refractory period
and adaptation parameters included), so heterogeneous values are honoured everywhere. Values
inside the group are raw SI numbers; each parameter knows the factor from PyNN's units
(ms, mV, nA, nF, uS, Hz) to SI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from pyNN.standardmodels import build_translations

from axonal.groups import NeuronGroup
from axonal.pynn.gap_junctions import GAP_CURRENT

# PyNN unit -> (factor to SI, axonal unit name)
UNITS = {
    "ms": (1e-3, "second"),
    "mV": (1e-3, "volt"),
    "nA": (1e-9, "amp"),
    "nF": (1e-9, "farad"),
    "uS": (1e-6, "siemens"),
    "nS": (1e-9, "siemens"),
    "Hz": (1.0, "hertz"),
    "/ms": (1e3, "hertz"),
    "mV/ms": (1.0, "volt/second"),
    "1": (1.0, "1"),
}

E = "2.718281828459045"  # an alpha function of peak w needs a jump of e*w


@dataclass
class NeuronModel:
    """The axonal form of one cell type.

    ``parameters``: (PyNN name, native name, PyNN unit) for every parameter;
    ``state``: (PyNN name, native name, PyNN unit) for every recordable/initialisable variable;
    ``receptors``: receptor type -> statement run in the target for a spike of weight ``w``
    (SI); ``weight_unit``: the PyNN unit of weights onto this cell type.
    """

    equations: str
    parameters: list[tuple[str, str, str]]
    state: list[tuple[str, str, str]]
    threshold: str | None = None
    reset: str | None = None
    refractory: str | bool = False
    method: str | None = "exact"
    receptors: dict[str, str] = field(default_factory=dict)
    weight_unit: str = "nA"
    hidden: list[tuple[str, str]] = field(default_factory=list)  # native variables PyNN never sees
    # array parameters (one value per element, e.g. GIF's tau_eta): native name -> width; the
    # group holds one variable per element, native_0, native_1, ...
    arrays: dict[str, int] = field(default_factory=dict)
    step_start: str = ""  # code run on every cell at the start of each step

    def translations(self) -> dict:
        return build_translations(
            *[(pynn, native, UNITS[unit][0]) for pynn, native, unit in self.parameters]
        )

    def state_translation(self, variable: str) -> tuple[str, float]:
        """(native name, factor from PyNN units to SI) of a state variable."""
        for pynn, native, unit in self.state:
            if pynn == variable:
                return native, UNITS[unit][0]
        raise KeyError(variable)

    @property
    def weight_scale(self) -> float:
        return UNITS[self.weight_unit][0]

    def reciprocals(self) -> list[str]:
        """Native parameters the equations divide by. The group also holds ``inv_<name>`` =
        1/value (the Population writes both) and the equations multiply by it: a division
        by a per-cell value, in every step and for every cell, costs several times a product
        (measured: the COBA benchmark's loop 0.50 -> 0.33 s CPU per simulated second)."""
        return [
            native
            for _, native, _ in self.parameters
            if native not in self.arrays
            and f"d{native}/dt" not in self.equations
            and re.search(rf"/\s*{native}\b", self.equations)
        ]

    def full_equations(self) -> str:
        equations = self.equations.strip()
        units = {native: UNITS[unit][1] for _, native, unit in self.parameters}
        inverses = []
        for native in self.reciprocals():
            equations = re.sub(rf"/\s*{native}\b", f"*inv_{native}", equations)
            inverses.append(f"inv_{native} : 1/({units[native]})")
        extra = ""
        if re.search(r"\bi_inj\b", equations):
            # the current of current sources and of gap junctions, summed separately
            equations = re.sub(r"\bi_inj\b", "i_external", equations)
            extra = f"i_external = i_inj + {GAP_CURRENT} : amp\n{GAP_CURRENT} : amp\n"
        declared = [
            f"{native} : {UNITS[unit][1]}"
            for _, native, unit in self.parameters
            if f"d{native}/dt" not in self.equations and native not in self.arrays
        ]
        declared += [
            f"{native}_{k} : {UNITS[unit][1]}"
            for _, native, unit in self.parameters
            if native in self.arrays
            for k in range(self.arrays[native])
        ]
        declared += [f"{native} : {unit}" for native, unit in self.hidden]
        declared += inverses
        return equations + "\n" + "\n".join(declared) + "\ni_inj : amp\n" + extra

    def build(self, size: int, name: str) -> NeuronGroup:
        group = NeuronGroup(
            size,
            self.full_equations(),
            threshold=self.threshold,
            reset=self.reset,
            refractory=self.refractory,
            method=self.method,
            namespace={},
            name=name,
        )
        if self.step_start:
            group.run_regularly(self.step_start, when="start", name=f"{name}_step_start")
        return group


# -- the equations ------------------------------------------------------------------------
LEAKY = """
dv/dt = (v_rest - v)/tau_m + (i_syn + i_offset + i_inj)/c_m : volt (unless refractory)
"""
CURR_EXP = """
i_syn = i_exc + i_inh : amp
di_exc/dt = -i_exc/tau_syn_E : amp
di_inh/dt = -i_inh/tau_syn_I : amp
"""
CURR_ALPHA = """
i_syn = i_exc + i_inh : amp
di_exc/dt = (y_exc - i_exc)/tau_syn_E : amp
dy_exc/dt = -y_exc/tau_syn_E : amp
di_inh/dt = (y_inh - i_inh)/tau_syn_I : amp
dy_inh/dt = -y_inh/tau_syn_I : amp
"""
COND_EXP = """
i_syn = g_exc*(e_rev_E - v) + g_inh*(e_rev_I - v) : amp
dg_exc/dt = -g_exc/tau_syn_E : siemens
dg_inh/dt = -g_inh/tau_syn_I : siemens
"""
COND_ALPHA = """
i_syn = g_exc*(e_rev_E - v) + g_inh*(e_rev_I - v) : amp
dg_exc/dt = (y_exc - g_exc)/tau_syn_E : siemens
dy_exc/dt = -y_exc/tau_syn_E : siemens
dg_inh/dt = (y_inh - g_inh)/tau_syn_I : siemens
dy_inh/dt = -y_inh/tau_syn_I : siemens
"""

LEAKY_PARAMETERS = [
    ("v_rest", "v_rest", "mV"),
    ("cm", "c_m", "nF"),
    ("tau_m", "tau_m", "ms"),
    ("tau_refrac", "tau_refrac", "ms"),
    ("i_offset", "i_offset", "nA"),
    ("v_reset", "v_reset", "mV"),
    ("v_thresh", "v_thresh", "mV"),
]
SYN_TAUS = [("tau_syn_E", "tau_syn_E", "ms"), ("tau_syn_I", "tau_syn_I", "ms")]
REVERSALS = [("e_rev_E", "e_rev_E", "mV"), ("e_rev_I", "e_rev_I", "mV")]
CURR_STATE = [("v", "v", "mV"), ("isyn_exc", "i_exc", "nA"), ("isyn_inh", "i_inh", "nA")]
COND_STATE = [("v", "v", "mV"), ("gsyn_exc", "g_exc", "uS"), ("gsyn_inh", "g_inh", "uS")]
EXP_RECEPTORS = {"excitatory": "{exc}_post += w", "inhibitory": "{inh}_post += w"}


def _receptors(exc: str, inh: str, alpha: bool) -> dict[str, str]:
    jump = f"{E}*w" if alpha else "w"
    return {"excitatory": f"{exc}_post += {jump}", "inhibitory": f"{inh}_post += {jump}"}


def _leaky(synapses: str, extra_parameters, state, receptors, weight_unit, method, hidden=()):
    return NeuronModel(
        equations=LEAKY + synapses,
        parameters=LEAKY_PARAMETERS + extra_parameters,
        state=state,
        threshold="v >= v_thresh",
        reset="v = v_reset",
        refractory="tau_refrac",
        method=method,
        receptors=receptors,
        weight_unit=weight_unit,
        hidden=list(hidden),
    )


IF_CURR_EXP = _leaky(
    CURR_EXP, SYN_TAUS, CURR_STATE, _receptors("i_exc", "i_inh", False), "nA", "exact"
)
IF_CURR_ALPHA = _leaky(
    CURR_ALPHA, SYN_TAUS, CURR_STATE, _receptors("y_exc", "y_inh", True), "nA", "exact"
)
IF_CURR_DELTA = _leaky(
    "i_syn = 0*amp : amp",
    [],
    [("v", "v", "mV")],
    {"excitatory": "v_post += w", "inhibitory": "v_post += w"},
    "mV",
    "exact",
)
IF_COND_EXP = _leaky(
    COND_EXP, SYN_TAUS + REVERSALS, COND_STATE, _receptors("g_exc", "g_inh", False), "uS", "rk4"
)
IF_COND_ALPHA = _leaky(
    COND_ALPHA, SYN_TAUS + REVERSALS, COND_STATE, _receptors("y_exc", "y_inh", True), "uS", "rk4"
)

IF_COND_EXP_GSFA_GRR = NeuronModel(
    equations="""
dv/dt = (v_rest - v)/tau_m + (i_syn + g_r*(e_rev_rr - v) + g_s*(e_rev_sfa - v)
         + i_offset + i_inj)/c_m : volt (unless refractory)
dg_s/dt = -g_s/tau_sfa : siemens
dg_r/dt = -g_r/tau_rr : siemens
"""
    + COND_EXP,
    parameters=LEAKY_PARAMETERS
    + SYN_TAUS
    + REVERSALS
    + [
        ("tau_sfa", "tau_sfa", "ms"),
        ("e_rev_sfa", "e_rev_sfa", "mV"),
        ("q_sfa", "q_sfa", "nS"),
        ("tau_rr", "tau_rr", "ms"),
        ("e_rev_rr", "e_rev_rr", "mV"),
        ("q_rr", "q_rr", "nS"),
    ],
    state=COND_STATE + [("g_r", "g_r", "nS"), ("g_s", "g_s", "nS")],
    threshold="v >= v_thresh",
    reset="v = v_reset\ng_s += q_sfa\ng_r += q_rr",
    refractory="tau_refrac",
    method="rk4",
    receptors=_receptors("g_exc", "g_inh", False),
    weight_unit="uS",
)

# Adaptive exponential integrate-and-fire (Brette & Gerstner 2005). As in NEST, the exponential
# is capped at v_spike (an integration stage past the peak cannot overflow), and delta_T = 0
# makes the cell a leaky integrate-and-fire neuron with threshold v_thresh.
ADEXP = """
dv/dt = (g_leak*(v_rest - v) + i_exp + i_syn + i_offset + i_inj - w)/c_m : volt (unless refractory)
dw/dt = (a*(v - v_rest) - w)/tau_w : amp
g_leak = c_m/tau_m : siemens
exp_on = 1.0*(delta_T > 0*mV) : 1
delta_T_safe = clip(delta_T, 1e-6*mV, inf*mV) : volt
i_exp = exp_on*g_leak*delta_T_safe*exp(clip((v - v_thresh)/delta_T_safe, -inf,
        exp_on*(v_spike - v_thresh)/delta_T_safe)) : amp
"""
ADEXP_PARAMETERS = (
    [
        ("cm", "c_m", "nF"),
        ("tau_refrac", "tau_refrac", "ms"),
        ("v_spike", "v_spike", "mV"),
        ("v_reset", "v_reset", "mV"),
        ("v_rest", "v_rest", "mV"),
        ("tau_m", "tau_m", "ms"),
        ("i_offset", "i_offset", "nA"),
        ("a", "a", "nS"),
        ("b", "b", "nA"),
        ("delta_T", "delta_T", "mV"),
        ("tau_w", "tau_w", "ms"),
        ("v_thresh", "v_thresh", "mV"),
    ]
    + SYN_TAUS
    + REVERSALS
)


def _adexp(synapses: str, alpha: bool) -> NeuronModel:
    exc, inh = ("y_exc", "y_inh") if alpha else ("g_exc", "g_inh")
    return NeuronModel(
        equations=ADEXP + synapses,
        parameters=ADEXP_PARAMETERS,
        state=COND_STATE + [("w", "w", "nA")],
        threshold="(delta_T > 0*mV and v >= v_spike) or (delta_T <= 0*mV and v >= v_thresh)",
        reset="v = v_reset\nw += b",
        refractory="tau_refrac",
        method="rk4",
        receptors=_receptors(exc, inh, alpha),
        weight_unit="uS",
    )


EIF_COND_EXP_ISFA_ISTA = _adexp(COND_EXP, alpha=False)
EIF_COND_ALPHA_ISFA_ISTA = _adexp(COND_ALPHA, alpha=True)

# Traub & Miles (1991) as NEST's hh_cond_exp_traub: rates in 1/ms of u = v - v_offset in mV,
# x/(exp(x) - 1) written as 1/exprel(x) so that it stays finite where x = 0.
HH = (
    """
dv/dt = (g_leak*(e_rev_leak - v) + gbar_Na*m**3*h*(e_rev_Na - v) + gbar_K*n**4*(e_rev_K - v)
         + i_syn + i_offset + i_inj)/c_m : volt
u_hh = (v - v_offset)/mV : 1
alpha_m = 1.28/exprel((13 - u_hh)/4)/ms : hertz
beta_m = 1.4/exprel((u_hh - 40)/5)/ms : hertz
alpha_h = 0.128*exp((17 - u_hh)/18)/ms : hertz
beta_h = 4/(1 + exp((40 - u_hh)/5))/ms : hertz
alpha_n = 0.16/exprel((15 - u_hh)/5)/ms : hertz
beta_n = 0.5*exp((10 - u_hh)/40)/ms : hertz
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
"""
    + COND_EXP
)
HH_COND_EXP = NeuronModel(
    equations=HH,
    parameters=[
        ("gbar_Na", "gbar_Na", "uS"),
        ("gbar_K", "gbar_K", "uS"),
        ("g_leak", "g_leak", "uS"),
        ("cm", "c_m", "nF"),
        ("v_offset", "v_offset", "mV"),
        ("e_rev_Na", "e_rev_Na", "mV"),
        ("e_rev_K", "e_rev_K", "mV"),
        ("e_rev_leak", "e_rev_leak", "mV"),
        ("i_offset", "i_offset", "nA"),
    ]
    + SYN_TAUS
    + REVERSALS,
    state=COND_STATE + [("m", "m", "1"), ("h", "h", "1"), ("n", "n", "1")],
    # A spike is the crossing of v_offset + 30 mV; the cell cannot spike again before v has
    # fallen back below it.
    threshold="v > v_offset + 30*mV",
    refractory="v > v_offset + 30*mV",
    method="exponential_euler",
    receptors=_receptors("g_exc", "g_inh", False),
    weight_unit="uS",
)

# Izhikevich (2003) as NEST's izhikevich: forward Euler, currents act through 1 pF, synaptic
# weights are jumps of v in mV.
IZHIKEVICH = NeuronModel(
    equations="""
dv/dt = (0.04*(v/mV)**2 + 5*(v/mV) + 140)*mV/ms - u + (i_offset + i_inj)/pfarad : volt
du/dt = a*(b*v - u) : volt/second
""",
    parameters=[
        ("a", "a", "/ms"),
        ("b", "b", "/ms"),
        ("c", "c", "mV"),
        ("d", "d", "mV/ms"),
        ("i_offset", "i_offset", "nA"),
    ],
    state=[("v", "v", "mV"), ("u", "u", "mV/ms")],
    threshold="v >= 30*mV",
    reset="v = c\nu += d",
    method="euler",
    receptors={"excitatory": "v_post += w", "inhibitory": "v_post += w"},
    weight_unit="mV",
)


# Generalized integrate-and-fire (Mensi et al. 2012, Pozzorini et al. 2015) as NEST's
# gif_cond_exp: a spike-triggered current eta and a moving threshold gamma, each a sum of
# exponentially decaying elements, and stochastic firing with hazard lambda0*exp((v - v_t)/delta_v)
# (chance 1 - exp(-hazard*dt) in a step). As in NEST, a step uses the sums of eta and gamma at
# its start (GIF_STEP_START, run before the state update), and the elements then decay exactly.
def gif_model(k_eta: int, k_gamma: int) -> NeuronModel:
    """GIF_cond_exp with ``k_eta`` current and ``k_gamma`` threshold elements."""
    etas = [f"eta_{k}" for k in range(k_eta)]
    gammas = [f"gamma_{k}" for k in range(k_gamma)]
    equations = (
        """
dv/dt = (c_m/tau_m*(v_rest - v) + i_syn + i_offset + i_inj - i_eta)/c_m : volt (unless refractory)
i_eta : amp
v_t : volt
"""
        + "".join(f"{eta} : amp\n" for eta in etas)
        + "".join(f"{gamma} : volt\n" for gamma in gammas)
        + COND_EXP
    )
    reset = "\n".join(
        [f"{eta} += a_eta_{k}" for k, eta in enumerate(etas)]
        + [f"{gamma} += a_gamma_{k}" for k, gamma in enumerate(gammas)]
        + ["v = v_reset"]
    )
    return NeuronModel(
        equations=equations,
        parameters=LEAKY_PARAMETERS[:6]
        + SYN_TAUS
        + REVERSALS
        + [
            ("delta_v", "delta_v", "mV"),
            ("v_t_star", "v_t_star", "mV"),
            ("lambda0", "lambda0", "Hz"),
            ("tau_eta", "tau_eta", "ms"),
            ("tau_gamma", "tau_gamma", "ms"),
            ("a_eta", "a_eta", "nA"),
            ("a_gamma", "a_gamma", "mV"),
        ],
        state=COND_STATE + [("i_eta", "i_eta", "nA"), ("v_t", "v_t", "mV")],
        threshold="rand() < 1 - exp(-lambda0*exp((v - v_t)/delta_v)*dt)",
        reset=reset,
        refractory="tau_refrac",
        method="rk4",
        receptors=_receptors("g_exc", "g_inh", False),
        weight_unit="uS",
        arrays={"tau_eta": k_eta, "a_eta": k_eta, "tau_gamma": k_gamma, "a_gamma": k_gamma},
        step_start=gif_step_start(k_eta, k_gamma),
    )


def gif_step_start(k_eta: int, k_gamma: int) -> str:
    """The code a GIF group runs at the start of each step (see gif_model)."""
    sums = [
        "i_eta = " + (" + ".join(f"eta_{k}" for k in range(k_eta)) or "0*amp"),
        "v_t = v_t_star" + "".join(f" + gamma_{k}" for k in range(k_gamma)),
    ]
    decays = [f"eta_{k} = eta_{k}*exp(-dt/tau_eta_{k})" for k in range(k_eta)] + [
        f"gamma_{k} = gamma_{k}*exp(-dt/tau_gamma_{k})" for k in range(k_gamma)
    ]
    return "\n".join(sums + decays)


# Spike sources. ``t_dur`` rather than a stop time, so that PyNN's start/duration map 1:1.
POISSON = NeuronModel(
    equations="",
    parameters=[("rate", "rate", "Hz"), ("start", "t_on", "ms"), ("duration", "t_dur", "ms")],
    state=[],
    threshold="(t >= t_on) and (t < t_on + t_dur) and (rand() < rate*dt)",
)
# With a dead time d, a hazard of rate/(1 - rate*d) outside it gives the mean rate asked for.
POISSON_REFRACTORY = NeuronModel(
    equations="",
    parameters=[
        ("rate", "rate", "Hz"),
        ("tau_refrac", "tau_refrac", "ms"),
        ("start", "t_on", "ms"),
        ("duration", "t_dur", "ms"),
    ],
    state=[],
    threshold=(
        "(t >= t_on) and (t < t_on + t_dur) and "
        "(rand() < rate*dt/(1 - clip(rate*tau_refrac, 0, 0.999)))"
    ),
    refractory="tau_refrac",
)
# A gamma process of whole shape alpha: every alpha-th event of a Poisson process of rate beta.
GAMMA = NeuronModel(
    equations="",
    parameters=[
        ("alpha", "alpha", "1"),
        ("beta", "beta", "Hz"),
        ("start", "t_on", "ms"),
        ("duration", "t_dur", "ms"),
    ],
    state=[],
    hidden=[("events", "1")],
    threshold="events >= alpha",
    reset="events = 0",
)
GAMMA_EVENTS = "events += 1.0*((t >= t_on) and (t < t_on + t_dur) and (rand() < beta*dt))"


def native_values(model: NeuronModel, parameter_space) -> dict[str, np.ndarray]:
    """The evaluated native parameter arrays of ``parameter_space`` (already translated)."""
    return {name: np.asarray(value) for name, value in parameter_space.items()}
