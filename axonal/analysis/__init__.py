"""Spike-train statistics on monitors and spike times with units (some through elephant)."""

from axonal.analysis.correlation import (
    correlation_coefficients,
    correlogram,
    spike_time_tiling_coefficient,
    van_rossum_distance,
)
from axonal.analysis.rates import firing_rates, population_rate
from axonal.analysis.synchrony import gamma_factor, synchrony_chi
from axonal.analysis.trains import AnalysisError, SpikeTrains, spike_trains
from axonal.analysis.variability import fano_factor, isi, isi_cv, isi_histogram, spike_counts

__all__ = [
    "AnalysisError",
    "SpikeTrains",
    "correlation_coefficients",
    "correlogram",
    "fano_factor",
    "firing_rates",
    "gamma_factor",
    "isi",
    "isi_cv",
    "isi_histogram",
    "population_rate",
    "spike_counts",
    "spike_time_tiling_coefficient",
    "spike_trains",
    "synchrony_chi",
    "van_rossum_distance",
]
