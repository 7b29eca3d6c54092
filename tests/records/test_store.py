"""Tests of the record store on SQLite and PostgreSQL (axonal/records/store.py)."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta

import pytest

from axonal.records.errors import DuplicateLabelError, StoreError, UnknownLabelError
from axonal.records.store import ParameterFilter, RecordQuery, RecordStore

START = datetime(2026, 1, 1, 12, 0, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url) -> RecordStore:
    store = RecordStore(store_url)
    yield store
    store.close()


def fields(label: str, minutes: int = 0, **extra) -> dict:
    return {
        "label": label,
        "project": "study",
        "status": "finished",
        "started_at": START + timedelta(minutes=minutes),
        "script": "simulate.py",
        "parameters": {},
        **extra,
    }


def add(store: RecordStore, label: str, minutes: int = 0, tags=(), **extra) -> str:
    return store.create(fields(label, minutes, **extra), {"stdout": "x" * 10}, True, tags)


def labels(records) -> list[str]:
    return [record["label"] for record in records]


def test_a_record_reads_back_whole(store):
    details = {"code": {"commit": "abc"}, "outputs": [{"path": "a", "sha256": "0" * 64}]}
    store.create(fields("r1", parameters={"N": 5, "net": {"p": 0.1}}), details, True, ["x"])
    record = store.get("r1")
    assert record["label"] == "r1" and record["status"] == "finished"
    assert record["parameters"] == {"N": 5, "net": {"p": 0.1}}
    assert record["started_at"] == START
    assert record["details"] == details
    assert record["tags"] == ["x"]


def test_update_changes_fields_and_merges_details(store):
    store.create(fields("r1", status="running"), {"a": 1}, True)
    store.update("r1", {"status": "failed", "duration": 2.5}, {"failure": "Traceback ..."})
    record = store.get("r1")
    assert (record["status"], record["duration"]) == ("failed", 2.5)
    assert record["details"] == {"a": 1, "failure": "Traceback ..."}


def test_a_default_label_gets_a_suffix_and_a_chosen_one_is_refused(store):
    assert store.create(fields("t"), {}, label_is_chosen=False) == "t"
    assert store.create(fields("t"), {}, label_is_chosen=False) == "t_2"
    with pytest.raises(DuplicateLabelError, match="'t' exists already"):
        store.create(fields("t"), {}, label_is_chosen=True)


def test_unknown_labels_are_named(store):
    for action in (
        lambda: store.get("nope"),
        lambda: store.tag(["nope"], ["x"]),
        lambda: store.comment("nope", "x"),
        lambda: store.delete(["nope"]),
        lambda: store.update("nope", {"status": "failed"}),
    ):
        with pytest.raises(UnknownLabelError, match="No record labelled 'nope'"):
            action()


def test_list_is_newest_first_and_filters(store):
    add(store, "old", 0, tags=["baseline"], parameters={"N": 10, "model": "lif"})
    add(store, "mid", 10, tags=["baseline", "good"], parameters={"N": 100, "model": "lif"})
    add(store, "new", 20, status="failed", reason="try a bigger net", parameters={"N": 1000})
    assert labels(store.list()) == ["new", "mid", "old"]
    assert labels(store.list(RecordQuery(tags=["baseline"]))) == ["mid", "old"]
    assert labels(store.list(RecordQuery(tags=["baseline", "good"]))) == ["mid"]
    assert labels(store.list(RecordQuery(status="failed"))) == ["new"]
    assert labels(store.list(RecordQuery(since=START + timedelta(minutes=5)))) == ["new", "mid"]
    assert labels(store.list(RecordQuery(until=START + timedelta(minutes=5)))) == ["old"]
    assert labels(store.list(RecordQuery(search="BIGGER"))) == ["new"]
    assert labels(store.list(RecordQuery(search="good"))) == ["mid"]  # tags are searched too
    assert labels(store.list(RecordQuery(limit=1, offset=1))) == ["mid"]
    assert store.count(RecordQuery(tags=["baseline"])) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N=100", ["mid"]),
        ("N=100.0", ["mid"]),
        ("N>50", ["new", "mid"]),
        ("N<=100", ["mid", "old"]),
        ("N!=100", ["new", "old"]),
        ("model=lif", ["mid", "old"]),
        ("net.p=0.5", ["new"]),
    ],
)
def test_parameter_filters_compare_numbers_as_numbers(store, text, expected):
    add(store, "old", 0, parameters={"N": 10, "model": "lif"})
    add(store, "mid", 10, parameters={"N": 100, "model": "lif"})
    add(store, "new", 20, parameters={"N": 1000, "net": {"p": 0.5}})
    assert labels(store.list(RecordQuery(parameters=[ParameterFilter.parse(text)]))) == expected


def test_a_malformed_parameter_filter_is_refused():
    with pytest.raises(StoreError, match="Cannot read the parameter filter 'N~3'"):
        ParameterFilter.parse("N~3")


def test_tag_comment_and_delete(store):
    add(store, "a")
    add(store, "b", 1)
    store.tag(["a", "b"], ["good"])
    store.tag(["a"], ["good"], remove=True)
    assert store.get("a")["tags"] == [] and store.get("b")["tags"] == ["good"]
    store.comment("a", "worked")
    store.comment("a", "and again", append=True)
    assert store.get("a")["outcome"] == "worked\nand again"
    with pytest.raises(UnknownLabelError):
        store.delete(["a", "nope"])
    assert store.exists("a")  # all or nothing
    assert store.delete(["a"]) == 1
    assert labels(store.list()) == ["b"] and store.all_tags() == ["good"]


def test_list_leaves_the_details_out(store):
    add(store, "a")
    (record,) = store.list(long=True)
    assert "details" not in record and record["parameters"] == {}


def _write_records(url: str, worker: int, count: int) -> None:
    store = RecordStore(url)
    for number in range(count):
        label = store.create(fields("sweep", status="running"), {"worker": worker}, False)
        store.update(label, {"status": "finished"}, {"number": number})
        store.tag([label], [f"worker{worker}"])


def test_eight_processes_writing_at_once_lose_nothing(store_url):
    setup = RecordStore(store_url)
    setup.ensure_schema()
    # No open connection may cross the fork: SQLite's locks are per process, and a child that
    # closes an inherited connection can reset the write-ahead log under the others' feet.
    setup.close()
    # fork: the workers start with SQLAlchemy imported, as a sweep's processes would have it.
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_write_records, args=(store_url, worker, 10)) for worker in range(8)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [process.exitcode for process in workers] == [0] * 8
    store = RecordStore(store_url)
    records = store.list()
    assert len(records) == 80 and len(set(labels(records))) == 80
    assert {record["status"] for record in records} == {"finished"}
    for worker in range(8):
        assert store.count(RecordQuery(tags=[f"worker{worker}"])) == 10


def test_an_unreachable_store_says_so(tmp_path):
    store = RecordStore("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="postgresql://nobody@127.0.0.1:1/none"):
        store.list()


def test_a_bad_url_says_so():
    with pytest.raises(StoreError, match="Cannot open the record store"):
        RecordStore("not a url")
