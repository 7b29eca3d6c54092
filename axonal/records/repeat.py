"""`axonal repeat`: run a record again at its code version and parameters, in a fresh checkout,
and say whether the outputs and the spikes came out the same."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axonal.records.compare import compare_outputs, compare_values, stable_model
from axonal.records.errors import RepeatError
from axonal.records.parameter_sets import split_command_line
from axonal.records.project import STORE_ENVIRONMENT_VARIABLE, Project
from axonal.records.repeat_trust import checked_code, describe, made_elsewhere, script_in_checkout
from axonal.records.store import RecordStore


@dataclass
class RepeatResult:
    """The new record, and what (if anything) differs from the original."""

    original: str
    repeat: str | None
    status: str
    output_differences: list[tuple[str, Any, Any]] = field(default_factory=list)
    model_differences: list[tuple[str, Any, Any]] = field(default_factory=list)
    figure_differences: list[tuple[str, Any, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return (
            self.status == "finished"
            and not self.output_differences
            and not self.model_differences
            and not self.figure_differences
        )

    def report(self) -> str:
        lines = [f"Repeat of {self.original}: new record {self.repeat} ({self.status})."]
        lines += [f"Note: {note}" for note in self.notes]
        if self.matches:
            lines.append("MATCH: the output files and the model summaries (spikes) are identical.")
            return "\n".join(lines)
        lines.append("DIFFERENT:")
        for path, before, after in self.output_differences:
            lines.append(
                f"  output {path}: original {before or '(absent)'}, repeat {after or '(absent)'}"
            )
        for name, before, after in self.figure_differences:
            lines.append(f"  figure {name}: original {before}, repeat {after}")
        for path, before, after in self.model_differences:
            lines.append(f"  model {path}: original {before!r}, repeat {after!r}")
        if self.status != "finished":
            lines.append(f"  the repeat ended with status {self.status}")
        return "\n".join(lines)


def _git(*arguments: str, folder: Path | None = None) -> None:
    command = ["git", *(["-C", str(folder)] if folder else []), *arguments]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RepeatError(f"`{' '.join(command)}` failed: {completed.stderr.strip()}")


def checkout(code: dict[str, Any], destination: Path) -> list[str]:
    """Clone the recorded repository into `destination` at the recorded commit and apply the
    recorded diff; returns notes about what could not be restored."""
    notes = []
    source = code.get("repository")
    if not source or not Path(source).exists():
        source = code.get("remote")
    if not source:
        raise RepeatError("The repository the record was run from no longer exists.")
    _git("clone", "--quiet", "--no-checkout", "--shared", "--", str(source), str(destination))
    _git("checkout", "--quiet", "--detach", code["commit"], folder=destination)
    if code.get("diff"):
        patch = destination.parent / "working-copy.diff"
        patch.write_text(code["diff"], encoding="utf-8")
        _git("apply", "--whitespace=nowarn", str(patch), folder=destination)
        notes.append("the recorded uncommitted changes were applied to the checkout")
    if code.get("untracked"):
        notes.append(
            "files that were not under version control are missing from the checkout: "
            + ", ".join(code["untracked"][:10])
        )
    return notes


def repeat_record(
    project: Project,
    store: RecordStore,
    label: str,
    keep: bool = False,
    confirm: Callable[[str], bool] | None = None,
) -> RepeatResult:
    """Re-run record `label` in a temporary checkout and compare it with the original.

    The record is checked first (repeat_trust.py); one made by another user or host runs only
    when `confirm(description of what will run)` agrees."""
    original = store.get(label)
    details = original["details"]
    code = details.get("code") or {}
    if not code.get("commit"):
        raise RepeatError(
            f"Record {label} cannot be repeated: its script was not in a git repository with a "
            "commit, so its code version is unknown."
        )
    checked_code(code, label)
    if made_elsewhere(original) and not (confirm is not None and confirm(describe(original))):
        raise RepeatError(
            f"Record {label} was made by {original.get('user')}@{original.get('hostname')}; "
            "repeating it runs its code as you. Run `axonal repeat` in a terminal to see what "
            "would run and confirm, or add --yes."
        )
    workspace = Path(tempfile.mkdtemp(prefix="axonal-repeat-"))
    try:
        checkout_dir = workspace / "checkout"
        notes = checkout(code, checkout_dir)
        repository = Path(code["repository"])
        script = script_in_checkout(checkout_dir, code, label)
        # A project folder above the repository (project/ holding study/.git) ran the script
        # from there: the workspace stands for that folder, so that the script's relative paths
        # reach the output folder as they did (else the repeat's outputs go unseen).
        working_directory = _mapped(
            Path(details["working_directory"]), repository, checkout_dir
        ) or _mapped(Path(details["working_directory"]), repository.parent, workspace)
        working_directory = working_directory or script.parent
        working_directory.mkdir(parents=True, exist_ok=True)
        output_dir = _mapped(Path(details["output_dir"]), repository, checkout_dir) or _mapped(
            Path(details["output_dir"]), repository.parent, workspace
        )
        output_dir = output_dir or workspace / "output"
        parameter_file = workspace / "parameters.json"
        parameter_file.write_text(json.dumps(original.get("parameters") or {}), encoding="utf-8")
        _, _, other_arguments = split_command_line(details.get("arguments") or [])
        command = [
            sys.executable, "-m", "axonal.cli",
            "--project", str(project.root),
            "run", "--repeat-of", label, "--output-dir", str(output_dir),
            "--", str(script), str(parameter_file), *other_arguments,
        ]  # fmt: skip
        # The store goes by the environment, not the command line, where others could read a
        # password in it.
        environment = {**os.environ, STORE_ENVIRONMENT_VARIABLE: store.url}
        completed = subprocess.run(
            command, cwd=working_directory, capture_output=True, text=True, env=environment
        )
        repeat_label = _label_from(completed.stderr)
        if repeat_label is None:
            raise RepeatError(
                f"The repeat of {label} did not start: {completed.stderr.strip()[-2000:]}"
            )
        repeated = store.get(repeat_label)
        return RepeatResult(
            original=label,
            repeat=repeat_label,
            status=repeated["status"],
            output_differences=compare_outputs(
                details.get("outputs"), repeated["details"].get("outputs")
            ),
            model_differences=compare_values(
                stable_model(details.get("model")), stable_model(repeated["details"].get("model"))
            ),
            figure_differences=compare_values(
                {n: f.get("text") for n, f in (details.get("figures") or {}).items()},
                {n: f.get("text") for n, f in (repeated["details"].get("figures") or {}).items()},
            ),
            notes=notes,
        )
    finally:
        if keep:
            print(f"The checkout is kept in {workspace}", file=sys.stderr)
        else:
            shutil.rmtree(workspace, ignore_errors=True)


RECORD_ANNOUNCEMENT = "axonal: record "


def _label_from(stderr: str) -> str | None:
    for line in stderr.splitlines():
        if line.startswith(RECORD_ANNOUNCEMENT):
            return line[len(RECORD_ANNOUNCEMENT) :].split()[0]
    return None


def _mapped(path: Path, repository: Path, checkout_dir: Path) -> Path | None:
    """`path` inside the original repository, moved to the same place in the checkout."""
    try:
        return checkout_dir / path.resolve().relative_to(repository.resolve())
    except ValueError:
        return None
