"""Smoke tests: the benchmark scripts run at tiny sizes and print the JSON the runner reads."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
FIELDS = {
    "simulator", "mode", "model", "N", "p", "seed", "synapses", "simulated_s", "build_s",
    "compile_s", "run_s", "run_cpu_s", "spikes", "mean_rate_hz", "total_s", "peak_rss_mb",
    "cpu_s", "load_avg_1min", "bytes_per_synapse",
}  # fmt: skip

# (model, extra arguments, whether the model must spike in 50 ms)
CASES = [
    ("cuba", ["--n", "400"], True),
    ("coba", ["--n", "400"], True),
    pytest.param("cobahh", ["--n", "200"], True, marks=pytest.mark.slow),
    ("overhead", ["--steps", "500"], False),
    ("brunel_hakim", ["--n", "200"], True),
    ("stdp", ["--n", "200"], True),
]


def run_bench(model: str, *arguments: str, cache: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "axonal_bench.py"), model, "--target", "numpy",
         "--duration", "0.05", *arguments],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "AXONAL_CACHE_DIR": str(cache)},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout
    return json.loads(lines[0])


@pytest.mark.parametrize(("model", "arguments", "spiking"), CASES)
def test_bench_prints_one_json_result(model, arguments, spiking, tmp_path):
    result = run_bench(model, *arguments, cache=tmp_path)
    assert FIELDS <= result.keys()
    assert result["model"] == model and result["mode"] == "numpy"
    assert result["build_s"] >= 0 and result["run_s"] > 0 and result["compile_s"] >= 0
    assert result["total_s"] >= result["run_s"]
    if spiking:
        assert result["spikes"] > 0
        # two int32 indices (a delay shared by all synapses is stored once)
        assert result["synapses"] > 0 and result["bytes_per_synapse"] >= 8
    expected_rate = result["spikes"] / (result["N"] * result["simulated_s"])
    if model != "stdp":  # stdp records its one output neuron
        assert result["mean_rate_hz"] == pytest.approx(expected_rate, rel=1e-4)


def test_overhead_reports_seconds_per_step(tmp_path):
    result = run_bench("overhead", "--steps", "500", cache=tmp_path)
    assert result["N"] == 1 and result["simulated_s"] == pytest.approx(0.05)
    assert result["per_step_us"] == pytest.approx(result["run_s"] / 500 * 1e6, rel=1e-3)


def test_cuba_probability_follows_scaling_rule(tmp_path):
    result = run_bench("cuba_scaling", "--n", "800", cache=tmp_path)
    assert result["p"] == pytest.approx(0.1)
    # 800 neurons x 800 sources x 0.1: binomial mean 64 000, sd about 240
    assert 62_000 < result["synapses"] < 66_000


@pytest.mark.slow  # two processes with an empty kernel cache
def test_compare_without_reference_env_prints_axonal_rows(tmp_path):
    output = tmp_path / "raw.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "compare.py"), "--models", "cuba", "--sizes", "100",
         "--targets", "numpy", "--repeats", "1", "--duration", "0.01",
         "--python", str(tmp_path / "missing" / "python"), "--output", str(output)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "reference environment not found" in completed.stderr
    assert "| cuba | 100 | numpy |" in completed.stdout
    raw = json.loads(output.read_text())
    assert {entry["label"] for entry in raw} == {"axonal-numpy", "axonal-numpy-cold"}
    reprinted = subprocess.run(
        [sys.executable, str(BENCHMARKS / "compare.py"), "--table-from", str(output)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert reprinted.returncode == 0, reprinted.stderr
    assert "| cuba | 100 | numpy |" in reprinted.stdout


def test_live_view_benchmark_reports_overheads_and_frames(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "live_view.py"), "--target", "numpy", "--n", "200",
         "--duration", "0.05", "--repeats", "1", "--fps", "50"],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "AXONAL_CACHE_DIR": str(tmp_path), "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["benchmark"] == "live_view" and result["N"] == 200
    assert result["plain_s"] > 0 and "live_overhead" in result and "reports_cpu_overhead" in result
    # the figure is drawn whole before the run; every frame of the run draws new data only
    assert result["live_setup_cpu_ms"] > 0 and result["live_frames"] >= 1
    assert result["live_whole_frames"] == 0
    assert result["live_frames"] == result["live_new_only_frames"]


@pytest.mark.slow
def test_tiered_start_benchmark_gives_every_mode_the_same_spikes():
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "tiered_start.py"), "--cases", "adex:0.05",
         "--modes", "numpy", "tiered-cold", "compiled-cached"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    results = [json.loads(line) for line in completed.stdout.strip().splitlines()]
    assert [r["mode"] for r in results] == ["numpy", "tiered-cold", "compiled-cached"]
    assert len({r["spikes"] for r in results}) == 1 and results[0]["spikes"] > 0
    assert all(r["total_s"] > 0 and r["cpu_s"] > 0 for r in results)
    assert results[1]["background_cpu_s"] >= 0  # (a child compiles only with an idle core)
