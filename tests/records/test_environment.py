"""Tests of the recorded environment (axonal/records/environment.py)."""

import os
import sys
import types

import numpy
import yaml

from axonal.records.environment import imported_packages, platform_facts


def test_only_imported_third_party_packages_are_listed():
    modules = {
        "numpy": numpy,
        "numpy.linalg": numpy.linalg,
        "yaml": yaml,
        "json": sys.modules["json"],
        "_private": types.ModuleType("_private"),
    }
    assert imported_packages(modules) == {"numpy": numpy.__version__, "yaml": yaml.__version__}


def test_a_module_without_distribution_falls_back_to_its_version_attribute():
    module = types.ModuleType("homegrown_model")
    module.__version__ = "0.3"
    assert imported_packages({"homegrown_model": module}) == {"homegrown_model": "0.3"}
    assert imported_packages({"unversioned": types.ModuleType("unversioned")}) == {}


def test_platform_facts_describe_this_machine():
    facts = platform_facts()
    assert facts["cores"] == os.cpu_count()
    assert facts["python_executable"] == sys.executable
    assert facts["memory_bytes"] is None or facts["memory_bytes"] > 2**20
    assert facts["cpu"]
