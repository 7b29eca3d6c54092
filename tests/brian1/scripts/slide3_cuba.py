# Slide 3 of the founding presentation (seed 000, "Brian in action"), as written for Brian 1
# except for the import line ("from brian import *"). The slide's text flowed into one line;
# the line breaks are restored, nothing else is changed.
from axonal.brian1 import *
eqs = """
dv/dt = (ge+gi-(v+49*mV))/(20*ms) : volt
dge/dt = -ge/(5*ms) : volt
dgi/dt = -gi/(10*ms) : volt"""
P = NeuronGroup(4000,model=eqs,threshold=-50*mV,reset=-60*mV)
P.v=-60*mV
Pe = P.subgroup(3200)
Pi = P.subgroup(800)
Ce = Connection(Pe, P, 'ge')
Ci = Connection(Pi, P, 'gi')
Ce.connectRandom(Pe, P, 0.02, weight=1.62*mV)
Ci.connectRandom(Pi, P, 0.02, weight=-9*mV)
M = SpikeMonitor(P)
run(1*second)
rasterPlot(M)
show()
