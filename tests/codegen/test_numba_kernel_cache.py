"""The kernel cache: a second process loads the compiled kernel instead of compiling it."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from axonal.codegen import kernel_cache
from axonal.codegen.numba_target import compile_numba_kernel, numba_kernel_source
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef

KERNEL = Kernel(
    name="g.state_update", owner="g", role=KernelRole.STATE_UPDATE,
    statements=(Statement("v", "=", Expression("v + dt*(v0 - v)/tau")),),
    variables={
        "v": VariableRef("v", VariableKind.ARRAY, array="g.v"),
        "v0": VariableRef("v0", VariableKind.CONSTANT),
        "tau": VariableRef("tau", VariableKind.CONSTANT),
        "dt": VariableRef("dt", VariableKind.CLOCK),
    },
)  # fmt: skip

CHILD = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    sys.path.insert(0, {tests!r})
    from test_numba_kernel_cache import KERNEL
    from axonal.codegen import kernel_cache
    from axonal.codegen.numba_target import compile_numba_kernel

    compiled = compile_numba_kernel(KERNEL)
    state = {{"g.N": 3, "g.v": np.zeros(3), "v0": 1.0, "tau": {tau}, "dt": 0.1}}
    started = time.perf_counter()
    compiled(state)
    seconds = time.perf_counter() - started
    stats = compiled.function.stats
    print(json.dumps({{
        "seconds": seconds, "v": state["g.v"].tolist(),
        "hits": sum(stats.cache_hits.values()), "misses": sum(stats.cache_misses.values()),
        "module": str(kernel_cache.module_path(compiled.source, "kernel")),
    }}))
    """
)


def _child(cache, tau):
    code = CHILD.format(tests=os.path.dirname(__file__), tau=tau)
    environment = {**os.environ, kernel_cache.CACHE_DIR_VARIABLE: str(cache)}
    output = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


@pytest.mark.slow
def test_second_process_loads_the_compiled_kernel_from_the_cache(tmp_path):
    first = _child(tmp_path, tau=1.0)
    second = _child(tmp_path, tau=0.5)  # another constant value: same source, same cache entry
    assert (first["misses"], first["hits"]) == (1, 0)
    assert (second["misses"], second["hits"]) == (0, 1)
    assert first["module"] == second["module"]
    assert os.path.exists(first["module"])
    index_files = list((tmp_path / "__pycache__").glob("*.nbi"))
    assert len(index_files) == 1
    np.testing.assert_allclose(first["v"], [0.1] * 3)
    np.testing.assert_allclose(second["v"], [0.2] * 3)
    print(f"first call: {first['seconds']:.3f} s compiling, {second['seconds']:.3f} s cached")


def test_cache_folder_follows_the_environment_and_names_files_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv(kernel_cache.CACHE_DIR_VARIABLE, str(tmp_path))
    source = numba_kernel_source(KERNEL)[0]
    path = kernel_cache.module_path(source, "kernel")
    assert path.parent == tmp_path
    compile_numba_kernel(KERNEL)
    assert path.read_text() == source
    assert kernel_cache.module_path(source + "# changed\n", "kernel") != path


def test_default_cache_folder_is_the_platform_user_cache(monkeypatch):
    monkeypatch.delenv(kernel_cache.CACHE_DIR_VARIABLE, raising=False)
    platformdirs = pytest.importorskip("platformdirs")
    expected = platformdirs.user_cache_dir("axonal")
    assert str(kernel_cache.cache_directory()).startswith(expected)


def test_unwritable_cache_folder_is_reported_with_the_variable_to_set(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(kernel_cache.CACHE_DIR_VARIABLE, str(blocked / "kernels"))
    with pytest.raises(kernel_cache.KernelCacheError, match="set AXONAL_CACHE_DIR"):
        kernel_cache.load_module("x = 1\n", tag="test")
