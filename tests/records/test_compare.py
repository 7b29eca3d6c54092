"""Tests of record comparison (axonal/records/compare.py)."""

from axonal.records.compare import (
    compare_outputs,
    compare_values,
    diff_records,
    flatten_document,
    format_diff,
    stable_model,
)

MODEL = [
    {
        "dt": 0.0001,
        "wall_time": 1.2,
        "groups": [{"name": "E", "N": 3200}, {"name": "I", "N": 800}],
        "monitors": [{"name": "spikes", "spikes": 10, "spike_digest": "aa"}],
    }
]


def test_named_list_items_are_keyed_by_name():
    flat = flatten_document(MODEL)
    assert flat["[0].groups[I].N"] == 800
    assert flat["[0].monitors[spikes].spike_digest"] == "aa"
    assert flatten_document({"a": [1, 2]}) == {"a[0]": 1, "a[1]": 2}


def test_only_differences_are_reported_and_timings_are_ignored():
    other = [dict(MODEL[0], wall_time=9.9, monitors=[{"name": "spikes", "spikes": 11,
                                                       "spike_digest": "bb"}])]  # fmt: skip
    assert compare_values(stable_model(MODEL), stable_model(other)) == [
        ("[0].monitors[spikes].spike_digest", "aa", "bb"),
        ("[0].monitors[spikes].spikes", 10, 11),
    ]
    assert compare_values(stable_model(MODEL), stable_model(MODEL)) == []


def test_outputs_compare_by_path_and_hash():
    a = [{"path": "x", "sha256": "1"}, {"path": "y", "sha256": "2"}]
    b = [{"path": "x", "sha256": "1"}, {"path": "y", "sha256": "3"}, {"path": "z", "sha256": "4"}]
    assert compare_outputs(a, b) == [("y", "2", "3"), ("z", None, "4")]


def test_a_diff_reads_section_by_section():
    a = {"label": "a", "parameters": {"N": 1}, "details": {"model": MODEL}}
    b = {"label": "b", "parameters": {"N": 2}, "details": {"model": MODEL}}
    differences = diff_records(a, b)
    assert differences["parameters"] == [("N", 1, 2)] and differences["model"] == []
    text = format_diff("a", "b", differences)
    assert "parameters: 1 difference\n    N: a=1  b=2" in text and "model: same" in text
