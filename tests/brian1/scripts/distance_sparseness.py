# The connect_random feature announced in seed 004 (Brian blog, "Brian tutorial at
# Telluride"): sparseness as a function of i and j, here from Poisson sources to a ring of
# conductance-based neurons. The connect_random line is the blog's, unchanged.
from axonal.brian1 import *

eqs = '''
dv/dt = (-(v + 70*mV) + ge*(0*mV - v)/nS*0.1)/(10*ms) : volt
dge/dt = -ge/(5*ms) : siemens
'''
group1 = PoissonGroup(200, rates=20*Hz)
group2 = NeuronGroup(200, model=eqs, threshold=-54*mV, reset=-70*mV, refractory=2*ms)
group2.v = -70*mV
myconnection = Connection(group1, group2, 'ge')
myconnection.connect_random(group1,group2,0.1,weight=1*nS,sparseness=exp(-abs(i-j)*.1))
spikes = SpikeMonitor(group2)
run(500*ms)
