"""Tests of reported figures: `axonal.report()` (figures.py), `list --figures`, `list --where`
(where.py), `diff` of figures and the chart across records (chart.py)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import warnings
from datetime import datetime

import numpy as np
import pytest

from axonal.records import figures as figures_module
from axonal.records.figures import (
    FigureError,
    decode_figure,
    encode_figure,
    figures_of,
    report,
    reported_figures,
)
from axonal.records.store import RecordQuery, RecordStore
from axonal.records.where import ConditionError, check_fields, parse_condition
from axonal.units import Hz, Quantity, ms, mV, nS, um
from tests.records.conftest import chromium_binary, git, make_project, run_axonal
from tests.records.test_runner import label_of, store_of
from tests.records.test_web import fetch

# rate = 4 Hz per unit of drive, so that every figure below is known exactly.
REPORTING_SCRIPT = textwrap.dedent(
    """
    from pathlib import Path

    import numpy as np

    from axonal.records import parameters, report
    from axonal.units import Hz, ms

    p = parameters({"N": 10, "drive": 1.0, "label": "ai"})
    rate = 4.0 * p.drive
    report(rate=rate * Hz, cv=0.5 + p.drive / 10, isi=np.array([1.0, 2.0, 4.0]) * ms)
    report({"fit.slope": 2 * p.drive}, regime=p.label, count=int(10 * p.drive))
    Path("output").mkdir(exist_ok=True)
    t = np.arange(20) / 20
    np.savez("output/spikes.npz", t=t, i=np.arange(20) % p.N, N=p.N)
    np.savez("output/trace.npz", t=t, v=np.vstack([np.sin(t * p.drive), np.cos(t)]))
    """
)


# -- report() and the stored form ----------------------------------------------------------


def test_figures_keep_their_units_and_come_back_as_quantities():
    rate = encode_figure("rate", 12.5 * Hz)
    assert rate["value"] == 12.5 and rate["unit"] == "Hz" and rate["text"] == "12.5 Hz"
    assert rate["dimensions"] == [0, 0, -1, 0, 0, 0, 0]
    back = decode_figure(json.loads(json.dumps(rate)))
    assert isinstance(back, Quantity) and float(back / Hz) == 12.5
    density = decode_figure(encode_figure("g", 0.5 * nS / um**2))
    assert float(density / (nS / um**2)) == pytest.approx(0.5)
    trace = decode_figure(encode_figure("v", np.array([-70.0, -65.0]) * mV))
    assert np.allclose(np.asarray(trace / mV), [-70.0, -65.0])
    assert decode_figure(encode_figure("n", np.int64(7))) == 7
    assert encode_figure("ratio", (2 * ms) / ms)["dimensions"] is None  # dimensionless
    assert encode_figure("regime", "AI")["text"] == "AI"
    assert decode_figure(encode_figure("hist", [1, 2, 3])).tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    "value, message",
    [
        ({"a": 1}, "expected a number, a quantity"),
        (np.zeros(10_001), "at most 10000"),
        ("x" * 1001, "at most 1000 are kept"),
        (np.array(["a", "b"]), "expected a number"),
    ],
)
def test_what_cannot_be_a_figure_is_refused_by_name(value, message):
    with pytest.raises(FigureError, match=message) as error:
        encode_figure("weird", value)
    assert "'weird'" in str(error.value)


def test_a_figure_name_must_be_a_name():
    with pytest.raises(FigureError, match="named 'a b'"):
        report({"a b": 1})


def test_outside_axonal_run_figures_stay_in_the_process_and_a_warning_says_so_once(monkeypatch):
    monkeypatch.setattr(figures_module, "_reported", {})
    monkeypatch.setattr(figures_module, "_warned_outside_run", [])
    with pytest.warns(RuntimeWarning, match="not running under `axonal run`"):
        report(rate=3 * Hz)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report(cv=0.7, rate=4 * Hz)  # no second warning; the later rate replaces the first
    kept = reported_figures()
    assert float(kept["rate"] / Hz) == 4.0 and kept["cv"] == 0.7


# -- under `axonal run` ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reported_project(tmp_path_factory):
    """A project with three runs of a script that reports figures: drive 1, 2 and 3."""
    project = make_project(tmp_path_factory.mktemp("figures") / "study")
    (project / "report.py").write_text(REPORTING_SCRIPT)
    git(project, "add", "report.py")
    git(project, "commit", "-q", "-m", "reporting script")
    labels = []
    for drive in (1, 2, 3):
        completed = run_axonal(
            "run", "report.py", f"drive={drive}", "--label", f"d{drive}", "--tag", "sweep",
            cwd=project,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        labels.append(label_of(completed))
    return project, labels


def test_reported_figures_are_stored_with_the_record(reported_project):
    project, labels = reported_project
    record = store_of(project).get(labels[1])  # drive = 2
    figures = figures_of(record)
    assert float(figures["rate"] / Hz) == 8.0
    assert figures["cv"] == pytest.approx(0.7) and figures["count"] == 20
    assert figures["fit.slope"] == 4.0 and figures["regime"] == "ai"
    assert np.allclose(np.asarray(figures["isi"] / ms), [1.0, 2.0, 4.0])
    shown = run_axonal("show", labels[1], cwd=project, check=True).stdout
    assert "rate = 8 Hz" in shown and "fit.slope = 4" in shown


def test_list_shows_chosen_figures_and_parameters_as_columns(reported_project):
    project, _ = reported_project
    listing = run_axonal("list", "--figures", "rate,cv,drive,nothing", cwd=project, check=True)
    lines = listing.stdout.splitlines()
    assert re.match(r"label\s+status\s+rate\s+cv\s+drive\s+nothing", lines[0])
    rows = [line.split() for line in lines[1:]]
    assert [row[:6] for row in rows] == [
        ["d3", "finished", "12", "Hz", "0.8", "3"],
        ["d2", "finished", "8", "Hz", "0.7", "2"],
        ["d1", "finished", "4", "Hz", "0.6", "1"],
    ]
    assert all(row[6] == "-" for row in rows)  # no figure or parameter of that name


@pytest.mark.parametrize(
    "condition, expected",
    [
        ("rate > 5*Hz", ["d3", "d2"]),
        ("rate >= 8000*mHz", ["d3", "d2"]),
        ("5*Hz < rate < 10*Hz", ["d2"]),
        ("rate < 0.005*kHz or drive == 3", ["d3", "d1"]),
        ("not (cv > 0.65)", ["d1"]),
        ("regime == 'ai' and count >= 20", ["d3", "d2"]),
        ("fit.slope == 2", ["d1"]),
        ("drive > 1.5 and rate < 10*Hz", ["d2"]),
    ],
)
def test_list_where_filters_on_figures_and_parameters_with_units(
    reported_project, condition, expected
):
    project, _ = reported_project
    listing = run_axonal("list", "--where", condition, cwd=project, check=True)
    assert [line.split()[0] for line in listing.stdout.splitlines()] == expected


@pytest.mark.parametrize(
    "condition, message",
    [
        ("rate > 5*mV", "the figure 'rate' is recorded in Hz, but it is compared with 5 * mV"),
        ("rte > 5*Hz", "no record has a figure or parameter named 'rte'. Did you mean 'rate'?"),
        ("drive > 2*ms", "'drive' is a parameter, a plain number"),
        ("__import__('os').system('true')", "is not a comparison"),
        ("rate > open('x')", "is not a value"),
        ("rate > 5*Hz +", "Cannot read the condition"),
        ("rate > banana", "'banana' is not a unit"),
        ("regime > 'a'", "texts are compared with == or != only"),
        ("rate > 5*Hz + 2*mV", "Cannot read the condition"),
    ],
)
def test_a_bad_condition_is_one_clear_error_and_runs_nothing(reported_project, condition, message):
    project, _ = reported_project
    completed = run_axonal("list", "--where", condition, cwd=project)
    assert completed.returncode == 2 and completed.stdout == ""
    assert message in completed.stderr and len(completed.stderr.splitlines()) == 1


def test_conditions_are_parsed_without_evaluating_code():
    condition = parse_condition("2*Hz <= rate and neuron.tau < 0.02")
    (first, second) = condition.comparisons()
    assert (first.name, first.operator, first.value, first.dimensions) == (
        "rate", ">=", 2.0, "0,0,-1,0,0,0,0"
    )  # fmt: skip
    assert (second.name, second.operator, second.value) == ("neuron.tau", "<", 0.02)
    with pytest.raises(ConditionError, match="no record has"):
        check_fields(condition, {"figures": {}, "parameters": {"neuron.tau": set()}})


def test_diff_shows_parameters_and_figures_as_values(reported_project):
    project, _ = reported_project
    text = run_axonal("diff", "d1", "d3", cwd=project, check=True).stdout
    assert "drive: a=1.0  b=3.0" in text
    assert "rate: a=4 Hz  b=12 Hz" in text and "cv: a=0.6  b=0.8" in text
    assert "fit.slope: a=2  b=6" in text and "regime" not in text  # the same in both


def test_an_old_store_gains_the_figures_table_on_first_use(tmp_path):
    """A store made before figures existed (no record_figures table) keeps working."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = RecordStore(url)
    store.ensure_schema()
    store.engine.dispose()
    with sqlite3.connect(tmp_path / "old.db") as connection:
        connection.execute("DROP TABLE record_figures")
    store = RecordStore(url)
    fields = {"label": "old", "project": "p", "status": "running",
              "started_at": datetime(2026, 1, 1)}  # fmt: skip
    store.create(fields, {}, True)
    assert store.list(RecordQuery(where=parse_condition("rate > 1*Hz"))) == []
    store.update(
        "old", {"status": "finished"}, {"figures": {"rate": encode_figure("rate", 2 * Hz)}}
    )
    assert [r["label"] for r in store.list(RecordQuery(where=parse_condition("rate > 1*Hz")))] == [
        "old"
    ]


# -- the web view: a record's page and the chart across records, in headless Chromium ----------


@pytest.fixture(scope="module")
def served_figures(reported_project):
    project, labels = reported_project
    process = subprocess.Popen(
        [sys.executable, "-m", "axonal.cli", "web", "--port", "0"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = re.search(r"http://\S+", process.stdout.readline()).group(0)
    yield project, labels, url
    process.terminate()
    process.wait(30)


def test_the_chart_page_plots_a_figure_against_a_parameter_over_http(served_figures):
    _, _, url = served_figures
    status, _, html = fetch(url + "chart?y=rate&x=drive&tag=sweep")
    text = html.decode()
    assert status == 200 and "<th>drive</th><th>rate (Hz)</th>" in text
    cells = re.findall(
        r"<tr><td><a href='/record/(\w+)'>\w+</a></td><td>([^<]*)</td><td>([^<]*)<", text
    )
    assert cells == [("d1", "1", "4"), ("d2", "2", "8"), ("d3", "3", "12")]
    status, kind, png = fetch(url + "chart.png?y=rate&x=drive&where=drive+%3E+1")
    assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG")
    status, _, html = fetch(url + "chart?y=rate&x=drive&where=rate+%3E+5*mV")
    assert status == 400 and b"is recorded in Hz" in html


@pytest.fixture(scope="module")
def chromium():
    binary = chromium_binary()
    if binary is None:
        pytest.skip("headless Chromium is not installed")
    from tests.records.webdriver import Browser

    with Browser(binary) as browser:
        yield browser


def screenshot(browser, name: str) -> None:
    """With $AXONAL_SCREENSHOTS set, keep a screenshot of the whole page there."""
    folder = os.environ.get("AXONAL_SCREENSHOTS")
    if folder:
        browser.full_page()
        browser.screenshot(os.path.join(folder, name))


@pytest.mark.browser
def test_in_chromium_a_records_page_and_the_chart_across_records(served_figures, chromium):
    _, _, url = served_figures
    browser = chromium
    browser.get(url + "record/d2")
    browser.wait_for_title("Record d2")
    figures = browser.find("#figures").text
    for expected in ("rate 8 Hz", "cv 0.7", "isi [1. 2. 4.] ms", "fit.slope 4", "regime ai"):
        assert expected in figures
    assert "drive 2" in browser.find("#parameters").text
    outputs = browser.find("#outputs").text
    assert "spikes.npz" in outputs and "trace.npz" in outputs and "archived" in outputs
    images = browser.script(
        "return [...document.images].map(i => [i.id || i.className, i.complete, i.naturalWidth])"
    )
    # The spike raster and rate above, and the traces of trace.npz among the outputs.
    assert images == [["raster", True, 800], ["rate", True, 800], ["output-plot", True, 800]]
    downloads = browser.script(
        "return [...document.querySelectorAll('a.download')].map(a => a.getAttribute('href'))"
    )
    assert downloads == ["/record/d2/output/spikes.npz", "/record/d2/output/trace.npz"]
    screenshot(browser, "issue-14-record-page.png")

    browser.find("a[href='/chart']").click()
    browser.wait_for_title("Chart across records")
    browser.script("document.getElementById('y').value = 'rate'")
    browser.script("document.getElementById('x').value = 'drive'")
    browser.find("#plot").click()
    browser.wait_for_title("rate against drive")
    chart = browser.script("const i = document.getElementById('chart'); "
                           "return [i.complete, i.naturalWidth, i.naturalHeight]")  # fmt: skip
    assert chart == [True, 800, 400]
    assert browser.find("#count").text == "3 records have both."
    rows = [row.text for row in browser.find_all("#points tbody tr")]
    assert rows == ["d1 1 4", "d2 2 8", "d3 3 12"]
    screenshot(browser, "issue-14-chart.png")
    browser.find("#points a[href='/record/d3']").click()
    browser.wait_for_title("Record d3")


def test_repeat_compares_the_reported_figures(tmp_path):
    project = make_project(tmp_path / "study")
    script = (
        "import os\nfrom axonal.records import report\n"
        "report(rate=5.0 if os.environ.get('AXONAL_TEST_OTHER_RATE') else 4.0, fixed=1)\n"
    )
    (project / "rated.py").write_text(script)
    git(project, "add", "rated.py")
    git(project, "commit", "-q", "-m", "rated")
    original = label_of(run_axonal("run", "rated.py", cwd=project))
    assert "MATCH" in run_axonal("repeat", original, cwd=project).stdout
    changed = run_axonal("repeat", original, cwd=project, env={"AXONAL_TEST_OTHER_RATE": "1"})
    assert changed.returncode == 1
    assert "  figure rate: original 4, repeat 5" in changed.stdout and "fixed" not in changed.stdout


def test_the_list_page_filters_on_a_condition_and_shows_figure_columns(served_figures):
    _, _, url = served_figures
    status, _, html = fetch(url + "?where=rate+%3E+5*Hz&figures=rate,drive")
    text = html.decode()
    assert status == 200 and "<th>rate</th><th>drive</th>" in text
    rows = re.findall(
        r"<a href='/record/(d\d)'>d\d</a></td><td>.*?</td><td>([^<]*)</td><td>([^<]*)<", text
    )
    assert rows == [("d3", "12 Hz", "3"), ("d2", "8 Hz", "2")]
    status, _, html = fetch(url + "?where=rte+%3E+5*Hz")
    assert status == 400 and b"Did you mean &#x27;rate&#x27;?" in html


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_conditions_and_chart_numbers_on_both_stores(backend, tmp_path, request):
    """The SQL of --where, the figure columns and the chart's points, on SQLite and PostgreSQL."""
    from axonal.records.figure_queries import add_figure_columns, record_numbers

    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'records.db'}"
    store = RecordStore(url)
    for number, drive in enumerate((1.0, 2.0, 3.0)):
        label = f"r{number}"
        fields = {"label": label, "project": "p", "status": "running",
                  "started_at": datetime(2026, 1, 1, 0, number),
                  "parameters": {"drive": drive}}  # fmt: skip
        store.create(fields, {}, True)
        figures = {"rate": encode_figure("rate", 4 * drive * Hz), "regime": encode_figure("r", "x")}
        store.update(label, {"status": "finished"}, {"figures": figures})
    found = store.list(RecordQuery(where=parse_condition("rate > 5*Hz and regime == 'x'")))
    assert [record["label"] for record in found] == ["r2", "r1"]
    assert add_figure_columns(store, found, "rate,drive") == ["rate", "drive"]
    assert [record["figures"] for record in found] == [
        {"rate": "12 Hz", "drive": "3"}, {"rate": "8 Hz", "drive": "2"}
    ]  # fmt: skip
    points = record_numbers(
        store, ["drive", "rate"], RecordQuery(where=parse_condition("drive < 3"))
    )
    assert [(p["label"], p["drive"], p["rate"]) for p in points] == [
        ("r0", (1.0, ""), (4.0, "0,0,-1,0,0,0,0")), ("r1", (2.0, ""), (8.0, "0,0,-1,0,0,0,0"))
    ]  # fmt: skip
    assert store.delete(["r0"]) == 1
    assert [r["label"] for r in store.list(RecordQuery(where=parse_condition("rate < 5*Hz")))] == []
    store.close()
