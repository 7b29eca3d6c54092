"""The errors of run records: each says which object, what was wrong and what was expected."""


class RecordsError(Exception):
    """Base class of every run-record error; the command line prints it and exits with 2."""


class ParameterFileError(RecordsError):
    """A parameter file or a command-line override could not be read."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"Parameter file {where}: {message}")


class ProjectNotFoundError(RecordsError):
    """No axonal project (a folder with .axonal/project.toml) here or above."""


class UnknownLabelError(RecordsError):
    """No record carries the label asked for."""

    def __init__(self, label: str, store: str):
        self.label = label
        super().__init__(
            f"No record labelled {label!r} in the store {store}; "
            "`axonal list` shows the labels that exist."
        )


class DuplicateLabelError(RecordsError):
    """A new record asked for a label that another record already has."""


class ScriptNotFoundError(RecordsError):
    """The script to run does not exist."""


class StoreError(RecordsError):
    """The record store could not be opened or written."""


class RepeatError(RecordsError):
    """A record could not be repeated (no code version, checkout failed, ...)."""
