"""An axonal project: a folder whose .axonal/project.toml names its record store and outputs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from axonal.records.errors import ProjectNotFoundError, RecordsError

PROJECT_FOLDER = ".axonal"
CONFIG_NAME = "project.toml"
DEFAULT_STORE = "sqlite:///.axonal/records.db"
DEFAULT_OUTPUT = "output"
# Overrides the project's store, e.g. to point a sweep on a cluster at the lab's PostgreSQL.
STORE_ENVIRONMENT_VARIABLE = "AXONAL_STORE"
# What `axonal run` does when the script's git working copy has uncommitted changes.
ON_CHANGED_POLICIES = ("store-diff", "refuse", "allow")
DEFAULT_ON_CHANGED = "store-diff"
DEFAULT_ARCHIVE_MAX_BYTES = 100 * 2**20


@dataclass(frozen=True)
class Project:
    """Where a project lives, what it is called, where its records and outputs go."""

    root: Path
    name: str
    store_url: str
    output: str
    # Output files up to this size are archived with their record (0: none, only hashed).
    archive_max_bytes: int = DEFAULT_ARCHIVE_MAX_BYTES
    on_changed: str = DEFAULT_ON_CHANGED

    @property
    def archive_dir(self) -> Path:
        return (self.root / PROJECT_FOLDER / "archive").resolve()

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()

    @property
    def resolved_store_url(self) -> str:
        """The store URL with a relative SQLite path made absolute against the project folder."""
        url = os.environ.get(STORE_ENVIRONMENT_VARIABLE) or self.store_url
        return resolve_store_url(url, self.root)


def resolve_store_url(url: str, base: Path) -> str:
    """`sqlite:///relative.db` made absolute against `base`; other URLs unchanged."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
        path = url[len(prefix) :]
        if path != ":memory:":
            return prefix + str((base / path).resolve())
    return url


def find_project(start: str | Path | None = None) -> Project:
    """The project whose folder holds `start` (the current folder by default)."""
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        config = candidate / PROJECT_FOLDER / CONFIG_NAME
        if config.is_file():
            return load_project(candidate)
    raise ProjectNotFoundError(
        f"No axonal project in {folder} or the folders above it; "
        "run `axonal init` in the project's folder first."
    )


def load_project(root: Path) -> Project:
    """Read .axonal/project.toml of the project at `root`."""
    import tomllib

    config_path = root / PROJECT_FOLDER / CONFIG_NAME
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RecordsError(f"Cannot read the project file {config_path}: {error}") from None
    on_changed = str(config.get("on_changed", DEFAULT_ON_CHANGED))
    if on_changed not in ON_CHANGED_POLICIES:
        raise RecordsError(
            f"In the project file {config_path}: on_changed = {on_changed!r}; expected one of "
            + ", ".join(ON_CHANGED_POLICIES)
        )
    limit = config.get("archive_max_bytes", DEFAULT_ARCHIVE_MAX_BYTES)
    if not isinstance(limit, int) or limit < 0:
        raise RecordsError(
            f"In the project file {config_path}: archive_max_bytes = {limit!r}; expected a "
            "whole number of bytes, 0 or more"
        )
    return Project(
        root=root,
        name=str(config.get("name", root.name)),
        store_url=str(config.get("store", DEFAULT_STORE)),
        output=str(config.get("output", DEFAULT_OUTPUT)),
        archive_max_bytes=limit,
        on_changed=on_changed,
    )


def init_project(
    root: str | Path,
    name: str | None = None,
    store_url: str | None = None,
    output: str | None = None,
    on_changed: str | None = None,
    archive_max_bytes: int | None = None,
) -> Project:
    """Create (or update) the project at `root` and return it; existing settings are kept
    unless given again."""
    root = Path(root).resolve()
    existing = None
    if (root / PROJECT_FOLDER / CONFIG_NAME).is_file():
        existing = load_project(root)
    project = Project(
        root=root,
        name=name or (existing.name if existing else root.name),
        store_url=store_url or (existing.store_url if existing else DEFAULT_STORE),
        output=output or (existing.output if existing else DEFAULT_OUTPUT),
        archive_max_bytes=(
            archive_max_bytes
            if archive_max_bytes is not None
            else (existing.archive_max_bytes if existing else DEFAULT_ARCHIVE_MAX_BYTES)
        ),
        on_changed=on_changed or (existing.on_changed if existing else DEFAULT_ON_CHANGED),
    )
    if project.on_changed not in ON_CHANGED_POLICIES:
        raise RecordsError(
            f"--on-changed {project.on_changed!r} is not a policy; expected one of "
            + ", ".join(ON_CHANGED_POLICIES)
        )
    (root / PROJECT_FOLDER).mkdir(parents=True, exist_ok=True)
    # json.dumps writes a string TOML reads back (basic strings share JSON's escapes).
    text = (
        "# axonal project settings (see `axonal init --help`)\n"
        f"name = {json.dumps(project.name)}\n"
        f"store = {json.dumps(project.store_url)}\n"
        f"output = {json.dumps(project.output)}\n"
        "# uncommitted changes at `axonal run`: store-diff (kept with the record), refuse, allow\n"
        f"on_changed = {json.dumps(project.on_changed)}\n"
        "# output files up to this many bytes are archived with their record (0: none)\n"
        f"archive_max_bytes = {project.archive_max_bytes}\n"
    )
    (root / PROJECT_FOLDER / CONFIG_NAME).write_text(text, encoding="utf-8")
    # The records are not code: keep them out of the diff that every record stores.
    (root / PROJECT_FOLDER / ".gitignore").write_text("*\n", encoding="utf-8")
    project.output_dir.mkdir(parents=True, exist_ok=True)
    return project
