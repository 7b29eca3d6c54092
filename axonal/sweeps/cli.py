"""`axonal sweep SCRIPT [PARAMFILE] name=v1,v2 other=start:stop:step --seeds N ...` and
`axonal sweep show LABEL`: the sweep subcommand of the `axonal` command."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(commands: Any) -> None:
    """Add the `sweep` subcommand to the `axonal` command's subparsers."""
    parser = commands.add_parser(
        "sweep",
        help="run a script at every point of a parameter grid on Dask, every run recorded",
        description="Run SCRIPT at every point of a grid (name=v1,v2,v3 or name=start:stop:step; "
        "the Cartesian product, or --zip), each point once per seed, on Dask: a LocalCluster "
        "of --workers processes, or the `dask scheduler` at --scheduler. Every run is "
        "recorded as `axonal run` records it, tagged with the sweep's label. "
        "`axonal sweep show LABEL` prints the sweep's table.",
    )
    parser.add_argument("script", help="the script (or `show` to print a sweep's table)")
    parser.add_argument(
        "grid",
        nargs="*",
        metavar="PARAMFILE | name=values",
        help="parameter files (given to every run) and name=v1,v2,... or name=start:stop:step",
    )
    parser.add_argument("--seeds", type=_seeds, help="N (seeds 0..N-1) or a list: 1,5,9")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a running dask scheduler")
    parser.add_argument(
        "--workers", type=int, help="LocalCluster worker processes (default: cores)"
    )
    parser.add_argument("--label", help="the sweep's label (default: sweep-DATE-TIME)")
    parser.add_argument("--zip", action="store_true", help="pair the values instead of crossing")
    parser.add_argument(
        "--resume", action="store_true", help="run only what has no finished record"
    )
    parser.add_argument(
        "--batch",
        type=_batch,
        metavar="N",
        help="runs per Dask task (default: auto, about a second of work per task)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--fresh-process",
        action="store_true",
        help="start every run in a new Python process, as `axonal run` does (slower; by default "
        "each worker keeps one interpreter, reset between runs)",
    )


def _seeds(text: str) -> Any:
    try:
        if "," in text:
            return [int(part) for part in text.split(",") if part.strip()]
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--seeds {text!r}: expected a count (4) or a list of integers (1,5,9)"
        ) from None


def _batch(text: str) -> Any:
    from axonal.sweeps.batch_size import check_batch

    try:
        return check_batch(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--batch {text!r}: expected a whole number of runs per Dask task (1 or more) or 'auto'"
        ) from None


# The packages of the `sweep` extra: without them, one line says what to install.
_SWEEP_DEPENDENCIES = ("dask", "distributed", "pandas", "pyarrow", "cloudpickle")


def command_sweep(arguments: argparse.Namespace, project: Any, store_url: str) -> int:
    """Run a sweep (or show one); returns the exit code."""
    try:
        return _command_sweep(arguments, project, store_url)
    except ModuleNotFoundError as error:
        if error.name not in _SWEEP_DEPENDENCIES:
            raise
        print(
            f"axonal: error: sweeps need {error.name}, which is not installed; "
            "install it with: pip install 'axonal[sweep]'",
            file=sys.stderr,
        )
        return 2


def _command_sweep(arguments: argparse.Namespace, project: Any, store_url: str) -> int:
    from axonal.records.parameter_sets import PARAMETER_FILE_SUFFIXES
    from axonal.sweeps.grid import parse_assignments
    from axonal.sweeps.run import SweepInterrupted, print_progress, sweep
    from axonal.sweeps.table import format_table, sweep_table

    if arguments.script == "show":
        if len(arguments.grid) != 1:
            print("axonal: error: usage: axonal sweep show LABEL", file=sys.stderr)
            return 2
        table = sweep_table(store_url, arguments.grid[0])
        if table.empty:
            print(f"axonal: error: no records of the sweep {arguments.grid[0]!r}", file=sys.stderr)
            return 2
        print(format_table(table))
        return 0
    files = [
        a for a in arguments.grid if "=" not in a and a.lower().endswith(PARAMETER_FILE_SUFFIXES)
    ]
    others = [a for a in arguments.grid if a not in files]
    grid = parse_assignments(others)
    try:
        table = sweep(
            arguments.script,
            grid,
            seeds=arguments.seeds,
            workers=arguments.workers,
            zip=arguments.zip,
            label=arguments.label,
            scheduler=arguments.scheduler,
            parameter_files=files,
            resume=arguments.resume,
            project=project,
            store_url=store_url,
            progress=None if arguments.quiet else print_progress,
            fresh_process=arguments.fresh_process,
            batch=arguments.batch,
        )
    except SweepInterrupted as interrupted:
        table = interrupted.table
        _summary(table, project)
        print(
            "axonal: sweep interrupted; finished runs are recorded (--resume runs the rest)",
            file=sys.stderr,
        )
        return 130
    _summary(table, project)
    return 0 if (table["status"] == "finished").all() else 1


def _summary(table: Any, project: Any) -> None:
    counts = table["status"].value_counts().to_dict()
    label = table.attrs.get("sweep")
    print(
        f"axonal: sweep {label}: "
        + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        + f"; table in {project.root / 'sweeps' / (str(label) + '.csv')} (and .parquet)",
        file=sys.stderr,
    )
