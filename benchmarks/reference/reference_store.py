"""Read and update reference_values.json: one nested entry per measured reference value."""

import fcntl
import json
import statistics
from pathlib import Path

import brian2

VALUES_PATH = Path(__file__).resolve().parent / "reference_values.json"
DATA_DIR = Path(__file__).resolve().parent / "data"
LOCK_PATH = Path("/tmp/axonal_reference_values.lock")


def spread(samples: list[float]) -> dict:
    """Mean, sample standard deviation, min, max and count of per-seed samples."""
    return {
        "mean": statistics.fmean(samples),
        "std": statistics.stdev(samples) if len(samples) > 1 else 0.0,
        "min": min(samples),
        "max": max(samples),
        "n_seeds": len(samples),
        "samples": samples,
    }


def record(section: str, name: str, entry: dict, script: str) -> None:
    """Store `entry` under reference_values.json[section][name], tagged with version and script."""
    entry = dict(entry, brian2_version=brian2.__version__, script=f"benchmarks/reference/{script}")
    entry.setdefault("n_seeds", 0)  # 0 means deterministic: no random numbers involved
    if entry["n_seeds"] == 0:
        entry.setdefault("std", 0.0)  # deterministic: any spread comes from rounding alone
    with open(LOCK_PATH, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # value scripts may run in parallel
        values = json.loads(VALUES_PATH.read_text()) if VALUES_PATH.exists() else {}
        values.setdefault(section, {})[name] = entry
        VALUES_PATH.write_text(json.dumps(values, indent=1, sort_keys=True) + "\n")


def save_data(filename: str, data) -> str:
    """Write a larger array (e.g. a spike-count vector) as JSON under data/; return its path."""
    DATA_DIR.mkdir(exist_ok=True)
    (DATA_DIR / filename).write_text(json.dumps(data) + "\n")
    return f"benchmarks/reference/data/{filename}"
