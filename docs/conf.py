"""Sphinx configuration of axonal's documentation (MyST Markdown pages, executed when built).

Build: python -m sphinx -W -b html docs docs/_build/html   (tests/test_docs.py does the same)
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the axonal next to these docs, not another install
sys.path.insert(0, str(HERE / "_ext"))

# Executed pages run on the NumPy target, which gives the same
# results as the compiled one (the test suite checks it) without compiling each of the pages'
# many small models from an empty cache; the "Targets" page switches to Numba itself, and the
# gallery runs the examples on the default (compiled) target, as a user would.
# Figures of executed cells are shown inline (the gallery sets Agg for its scripts itself).
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
os.environ.setdefault("AXONAL_TARGET", "numpy")
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(HERE.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
)

import axonal  # noqa: E402

project = "axonal"
author = "the axonal developers"
copyright = "the axonal developers"
release = axonal.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "gallery",
    "api_reference",
]
exclude_patterns = ["_build", "jupyter_execute", ".jupyter_cache", "**.ipynb_checkpoints"]
source_suffix = {".md": "myst-nb", ".rst": "restructuredtext"}

myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

# Every code cell runs at build time; an error in one fails the build (no stale examples).
# AXONAL_DOCS_EXECUTION=cache reuses unchanged pages' outputs while writing the docs locally.
nb_execution_mode = os.environ.get("AXONAL_DOCS_EXECUTION", "force")
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_merge_streams = True
nb_execution_show_tb = True

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
autodoc_class_signature = "mixed"
# Quantity overrides some ndarray methods; NumPy's long docstrings are not ours to repeat.
autodoc_inherit_docstrings = False
add_module_names = False

# Methods every simulated object has for the run machinery (ARCHITECTURE.md, "The run core"):
# public to the other rooms, not part of a model script's API.
RUN_PROTOCOL = {
    "before_run",
    "after_run",
    "operations",
    "scheduled_items",
    "at_step_boundary",
    "build_kernels",
    "make_kernel",
    "build_kernel",
    "add_references",
    "name_entry",
    "local_kernel",
    "state_arrays",
    "restore_arrays",
    "summary",
    "export_columns",
    "write_guard",
    "check_statements",
    "resolve",
    "evaluate",
    "storage_indices",
    "get_raw",
    "get_values",
    "set_values",
    "validate_values",
    "add_variable",
    "add_equation_variable",
    "link_variable",
    "dimensions_of",
    "emission_arrays",
    "emit",
    "numpy_function",
    "numba_function",
    "is_locally_constant",
    "add_implementation",
    "result_dimensions",
    "check_flags",
    "method_used",
    "event_driven",
    "events_source",
    "default_when",
}


def skip_run_protocol(app, what, name, obj, skip, options):
    return True if name in RUN_PROTOCOL else None


def setup(app):
    app.connect("autodoc-skip-member", skip_run_protocol)


html_theme = "furo"
html_title = f"axonal {release}"
html_static_path = []
