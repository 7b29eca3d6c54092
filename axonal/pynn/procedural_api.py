"""PyNN's procedural API (create, connect, set, record) on axonal's Population and Projection."""

from pyNN import common
from pyNN.connectors import FixedProbabilityConnector

from axonal.pynn import simulator
from axonal.pynn.populations import Population
from axonal.pynn.projections import Projection
from axonal.pynn.synapses import StaticSynapse

create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)
set = common.set
record = common.build_record(simulator)


def record_v(source, filename):
    return record(["v"], source, filename)


def record_gsyn(source, filename):
    return record(["gsyn_exc", "gsyn_inh"], source, filename)
