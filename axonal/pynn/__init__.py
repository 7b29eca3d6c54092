"""The PyNN backend: ``import axonal.pynn as sim`` runs PyNN models on axonal.

PyNN's common layer (populations, connectors, parameters, recording to Neo) is used as it is;
this package supplies what a backend must: the simulator state, Population and Projection as
axonal NeuronGroups and Synapses, the standard cell, synapse and current-source types as
axonal equations, and recording through axonal monitors.
"""

from pyNN import errors, random, space  # noqa: F401
from pyNN.connectors import *  # noqa: F403
from pyNN.network import Network  # noqa: F401
from pyNN.random import GSLRNG, NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.space import Space  # noqa: F401
from pyNN.standardmodels import StandardCellType

from axonal.pynn import morphology  # noqa: F401
from axonal.pynn.cells import *  # noqa: F403
from axonal.pynn.composed import (  # noqa: F401
    LIF,
    AdExp,
    AlphaPSR,
    CondAlphaPostSynapticResponse,
    CondBetaPostSynapticResponse,
    CondExpPostSynapticResponse,
    CurrExpPostSynapticResponse,
    ExpPSR,
    PointNeuron,
)
from axonal.pynn.control import (  # noqa: F401
    DEFAULT_RNG_SEED,
    end,
    get_current_time,
    get_max_delay,
    get_min_delay,
    get_time_step,
    initialize,
    num_processes,
    rank,
    reset,
    run,
    run_for,
    run_until,
    setup,
)
from axonal.pynn.electrodes import ACSource, DCSource, NoisyCurrentSource, StepCurrentSource  # noqa: F401,E501
from axonal.pynn.ion_channels import KdrChannel, NaChannel, PassiveLeak, PassiveLeakHH  # noqa: F401
from axonal.pynn.multicompartment import MultiCompartmentNeuron  # noqa: F401
from axonal.pynn.native import native_cell_type  # noqa: F401
from axonal.pynn.populations import Assembly, Population, PopulationView  # noqa: F401
from axonal.pynn.procedural_api import (  # noqa: F401
    connect,
    create,
    record,
    record_gsyn,
    record_v,
    set,
)
from axonal.pynn.projections import Projection  # noqa: F401
from axonal.pynn.synapses import (  # noqa: F401
    AdditivePotentiationMultiplicativeDepression,
    AdditiveWeightDependence,
    ElectricalSynapse,
    GutigWeightDependence,
    MultiplicativeWeightDependence,
    SimpleStochasticSynapse,
    SpikePairRule,
    StaticSynapse,
    STDPMechanism,
    TsodyksMarkramSynapse,
    Vogels2011Rule,
)


def list_standard_models():
    """The names of the standard cell types this backend simulates."""
    return [
        obj.__name__
        for obj in globals().values()
        if isinstance(obj, type) and issubclass(obj, StandardCellType)
    ]


def _register_pynn_name() -> None:
    """``import pyNN.axonal`` gives this module (see axonal/pynn/alias.py)."""
    import sys

    import pyNN

    sys.modules.setdefault("pyNN.axonal", sys.modules[__name__])
    if not hasattr(pyNN, "axonal"):
        pyNN.axonal = sys.modules[__name__]


_register_pynn_name()
