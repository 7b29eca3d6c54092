"""Process-level measurements for the reference benchmark scripts: age, memory, JSON output."""

import json
import os
import resource
import sys


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children (e.g. a standalone binary)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024.0  # ru_maxrss is in kB on Linux


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children (compiler, binary)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load_average() -> float:
    """One-minute load average: how contended the (shared, 2-core) machine was."""
    return os.getloadavg()[0]


def seconds_since_start() -> float:
    """Wall-clock age of this process (from /proc, 10 ms resolution), interpreter start included."""
    with open("/proc/self/stat") as stat:
        # Field 22 counts clock ticks from boot to process start; the name field may hold spaces.
        start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as uptime:
        uptime_s = float(uptime.read().split()[0])
    return uptime_s - start_ticks / os.sysconf("SC_CLK_TCK")


def emit(result: dict) -> None:
    """Print one benchmark result as a single JSON line on stdout."""
    result = dict(result)
    result.setdefault("total_s", seconds_since_start())
    result.setdefault("peak_rss_mb", peak_rss_mb())
    result.setdefault("cpu_s", cpu_seconds())
    result.setdefault("load_avg_1min", load_average())
    for key, value in result.items():
        if isinstance(value, float):
            result[key] = round(value, 6)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
