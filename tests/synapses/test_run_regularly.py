"""Synapses.run_regularly: code over every synapse at its own interval, with the values Brian
2.9.0 gives (tests/synapses/reference/brian2_run_regularly.json, written by
brian2_run_regularly.py from the scripts of run_regularly_scripts.py), on both targets."""

import json
from pathlib import Path

import numpy as np
import pytest

import axonal
from axonal import NeuronGroup, Synapses, ms, run, start_scope
from tests.synapses.run_regularly_scripts import SCRIPTS

REFERENCE_FILE = Path(__file__).parent / "reference" / "brian2_run_regularly.json"
REFERENCE = json.loads(REFERENCE_FILE.read_text())


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_synapses_run_regularly_gives_brian2s_values(both_targets, script):
    found = SCRIPTS[script](axonal)
    expected = REFERENCE[script]
    assert found.keys() == expected.keys()
    for key in expected:
        np.testing.assert_allclose(found[key], expected[key], rtol=1e-12, atol=1e-12, err_msg=key)


def test_synapses_run_regularly_names_the_synapses_and_the_line_of_bad_code():
    start_scope()
    group = NeuronGroup(2, "v : 1")
    synapses = Synapses(group, group, "w : 1", name="plastic")
    synapses.connect()
    synapses.run_regularly("w = w + undefined_name")
    with pytest.raises(Exception, match="plastic") as raised:
        run(1 * ms)
    assert "undefined_name" in str(raised.value)
