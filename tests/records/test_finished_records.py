"""Tests of records written whole, several in one transaction (axonal/records/finished_records.py):
the same record as `create` then `update` give, found by the same queries."""

from __future__ import annotations

from datetime import datetime

import pytest

from axonal.records.finished_records import FinishedRecord, add_finished
from axonal.records.store import ParameterFilter, RecordQuery, RecordStore
from axonal.records.where import parse_condition

START = datetime(2026, 1, 1, 12, 0, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'records.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    store = RecordStore(url)
    yield store
    store.close()


def _facts(label: str, rate: float, n: int):
    opening = {
        "label": label,
        "project": "study",
        "status": "running",
        "started_at": START,
        "script": "simulate.py",
        "seed": "1",
        "parameters": {"N": n},
    }
    closing = {"status": "finished", "duration": 1.5, "parameters": {"N": n, "tau": 0.01}}
    figures = {"rate": {"value": rate, "dimensions": None, "unit": None, "text": str(rate)}}
    return opening, {"code": {"commit": "abc"}}, closing, {"figures": figures, "stdout": "ok"}


def _without_identity(record):
    return {key: value for key, value in record.items() if key not in ("id", "label")}


def test_a_batch_gives_the_records_create_and_update_give(store):
    opening, details, closing, closing_details = _facts("reference", 7.0, 10)
    store.create(opening, details, True, ["sweep:a"])
    store.update("reference", closing, closing_details)
    batch = []
    for index, (rate, n) in enumerate([(7.0, 10), (3.0, 20)]):
        opening, details, closing, closing_details = _facts(f"run-{index}", rate, n)
        batch.append(
            FinishedRecord({**opening, **closing}, {**details, **closing_details}, ["sweep:b"])
        )
    assert add_finished(store, batch) == ["run-0", "run-1"]
    assert _without_identity(store.get("run-0")) == {
        **_without_identity(store.get("reference")),
        "tags": ["sweep:b"],
    }
    assert [r["label"] for r in store.list(RecordQuery(tags=["sweep:b"]))] == ["run-1", "run-0"]
    by_parameter = store.list(RecordQuery(parameters=[ParameterFilter.parse("tau=0.01")]))
    assert sorted(r["label"] for r in by_parameter) == ["reference", "run-0", "run-1"]
    by_figure = store.list(RecordQuery(where=parse_condition("rate > 5 and N >= 10")))
    assert sorted(r["label"] for r in by_figure) == ["reference", "run-0"]


def test_taken_labels_get_the_next_suffix_and_running_records_are_refused(store):
    opening, details, closing, closing_details = _facts("run", 1.0, 1)
    whole = FinishedRecord({**opening, **closing}, {**details, **closing_details})
    assert add_finished(store, [whole]) == ["run"]
    assert add_finished(store, [whole, whole]) == ["run_2", "run_3"]
    store.create({**opening, "label": "run_7"}, details, True)
    assert add_finished(store, [whole]) == ["run_8"]
    with pytest.raises(ValueError, match="'run' is still running"):
        add_finished(store, [FinishedRecord(opening, details)])
    assert store.count(RecordQuery()) == 5
