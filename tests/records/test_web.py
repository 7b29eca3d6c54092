"""Tests of the records' web view (web.py, pages.py, plots.py): over HTTP, and end to end in
headless Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from axonal.records.files import sha256_file
from axonal.records.plots import load_spikes
from axonal.records.store import RecordStore
from axonal.records.web import RecordsServer
from tests.records.conftest import chromium_binary, make_project, run_axonal
from tests.records.test_runner import label_of

START = datetime(2026, 3, 1, 9, 0, 0)


def make_record(store, output_dir: Path, label: str, n: int, minutes: int, tags=()) -> None:
    times = np.linspace(0.001, 0.999, 5 * n)
    indices = np.arange(5 * n) % n
    spikes = output_dir / f"spikes_{label}.npz"
    np.savez(spikes, t=times, i=indices)
    details = {
        "output_dir": str(output_dir),
        "outputs": [{"path": spikes.name, "size": spikes.stat().st_size,
                     "sha256": sha256_file(spikes)}],
        "code": {"commit": "c0ffee", "diff": None},
        "platform": {"cores": 2},
        "packages": {"numpy": np.__version__},
        "model": [{"target": "numpy", "dt": 1e-4,
                   "groups": [{"name": "neurons", "N": n, "equations": "dv/dt = -v/tau : 1"}],
                   "monitors": [{"name": "spikes", "spikes": 5 * n, "spike_digest": str(n)}]}],
        "stdout": f"{5 * n} spikes <b>",
    }  # fmt: skip
    fields = {"label": label, "project": "study", "status": "finished", "script": "sim.py",
              "started_at": START + timedelta(minutes=minutes), "duration": 1.5,
              "parameters": {"N": n, "model": {"tau": 0.01}}, "reason": f"size {n}"}  # fmt: skip
    store.create(fields, details, True, tags)


@pytest.fixture
def server(tmp_path):
    store = RecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    output_dir = tmp_path / "output"
    output_dir.mkdir()
    make_record(store, output_dir, "small", 10, 0, ["sweep"])
    make_record(store, output_dir, "large", 40, 5, ["sweep", "good"])
    server = RecordsServer(("127.0.0.1", 0), store, None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def fetch(
    url: str, data: dict | None = None, headers: dict | None = None
) -> tuple[int, str, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def row_labels(html: bytes) -> list[str]:
    return re.findall(r"<a href='/record/[^']+'>([^<]+)</a>", html.decode())


def test_the_list_page_searches_and_filters(server):
    status, kind, html = fetch(server.url)
    assert status == 200 and kind.startswith("text/html")
    assert row_labels(html) == ["large", "small"] and b"2 records match" in html
    assert row_labels(fetch(server.url + "?q=size+10")[2]) == ["small"]
    assert row_labels(fetch(server.url + "?tag=good")[2]) == ["large"]
    assert row_labels(fetch(server.url + "?param=N%3E20")[2]) == ["large"]
    assert row_labels(fetch(server.url + "?status=failed")[2]) == []
    assert row_labels(fetch(server.url + "?since=2026-03-02")[2]) == []


def test_the_detail_page_shows_every_part_and_the_plots(server):
    status, _, html = fetch(server.url + "record/large")
    text = html.decode()
    assert status == 200
    for expected in (
        "size 40",
        "c0ffee",
        "model.tau",
        "neurons",
        "dv/dt = -v/tau : 1",
        "spikes_large.npz",
        "200 spikes &lt;b&gt;",
        "id='raster'",
        "id='rate'",
    ):
        assert expected in text  # fmt: skip
    for plot in ("raster.png", "rate.png"):
        status, kind, png = fetch(server.url + f"record/large/{plot}")
        assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG")


def test_spikes_are_read_back_from_the_saved_file(tmp_path):
    np.savez(tmp_path / "s.npz", spike_times=[0.1, 0.2], spike_indices=[3, 4])
    times, indices, neurons = load_spikes(tmp_path / "s.npz")
    assert times.tolist() == [0.1, 0.2] and indices.tolist() == [3, 4] and neurons is None
    np.savez(tmp_path / "n.npz", t=[0.1], i=[0], N=10)
    assert load_spikes(tmp_path / "n.npz")[2] == 10
    np.savez(tmp_path / "other.npz", v=[1.0])
    assert load_spikes(tmp_path / "other.npz") is None


def test_the_diff_page_shows_what_differs(server):
    status, _, html = fetch(server.url + "diff?pick=small&pick=large")
    text = html.decode()
    assert status == 200
    assert "<table id='parameters'>" in text and "<td>N</td><td>10</td><td>40</td>" in text
    assert "<p class='same' id='code'>same</p>" in text
    assert "monitors[spikes].spike_digest" in text
    assert fetch(server.url + "diff?pick=small")[0] == 400


def form_token(server, label: str) -> str:
    """The hidden token the record's page puts in its forms."""
    html = fetch(server.url + f"record/{label}")[2].decode()
    tokens = set(re.findall(r"name='form_token' value='([^']+)'", html))
    assert len(tokens) == 1 and html.count("name='form_token'") == 3  # tag, comment, repeat
    return tokens.pop()


def test_tags_and_outcomes_can_be_set_from_the_page(server):
    token = form_token(server, "small")
    own_page = {"Origin": server.url.rstrip("/")}
    assert fetch(server.url + "record/small/tag", {"tag": "figure6", "form_token": token})[0] == 200
    assert (
        fetch(
            server.url + "record/small/comment", {"text": "looks right", "form_token": token},
            own_page,
        )[0]
        == 200  # redirected to the record
    )  # fmt: skip
    record = server.store.get("small")
    assert "figure6" in record["tags"] and record["outcome"] == "looks right"


def test_posts_from_other_pages_change_nothing(server):
    """Another site's page could post to this loopback server: without the token, or from
    another origin, a post is refused and the record is unchanged."""
    token = form_token(server, "small")
    status, _, html = fetch(server.url + "record/small/tag", {"tag": "forged"})
    assert status == 403 and b"nothing was changed" in html
    assert (
        fetch(server.url + "record/small/tag", {"tag": "forged", "form_token": "guess"})[0] == 403
    )
    elsewhere = {"Origin": "http://evil.example"}
    assert fetch(server.url + "record/small/repeat", {"form_token": token}, elsewhere)[0] == 403
    assert fetch(server.url + "record/small/tag", {"tag": "forged", "form_token": token},
                 elsewhere)[0] == 403  # fmt: skip
    assert "forged" not in server.store.get("small")["tags"]


def test_unknown_records_are_a_404_that_names_them(server):
    status, _, html = fetch(server.url + "record/nope")
    assert status == 404 and b"No record labelled &#x27;nope&#x27;" in html
    token = form_token(server, "small")
    assert fetch(server.url + "record/nope/tag", {"tag": "x", "form_token": token})[0] == 404


def test_a_record_is_served_as_json(server):
    status, kind, body = fetch(server.url + "record/small.json")
    assert status == 200 and kind == "application/json" and b'"label": "small"' in body


# -- end to end: `axonal web` in headless Chromium -------------------------------------------


@pytest.fixture(scope="module")
def web_project(tmp_path_factory):
    """A project with three real runs, served by `axonal web` in its own process."""
    project = make_project(tmp_path_factory.mktemp("web") / "study")
    labels = [
        label_of(run_axonal("run", "simulate.py", f"N={n}", "--label", f"n{n}", cwd=project))
        for n in (10, 20, 30)
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "axonal.cli", "web", "--port", "0"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = re.search(r"http://\S+", process.stdout.readline()).group(0)
    yield project, labels, url
    process.terminate()
    process.wait(30)


@pytest.fixture(scope="module")
def browser():
    chromium = chromium_binary()
    if chromium is None:
        pytest.skip("headless Chromium is not installed")
    from tests.records.webdriver import Browser

    with Browser(chromium) as browser:
        yield browser


@pytest.mark.browser
def test_in_chromium_find_inspect_and_compare_runs(web_project, browser):
    _, labels, url = web_project
    browser.get(url)
    assert browser.title == "Run records"
    shown = [cell.text for cell in browser.find_all("#records tbody tr td:nth-child(2)")]
    assert shown == labels[::-1]
    browser.find("input[name=param]").type("N>15")
    browser.find("#filter").click()
    # The filtered page has the same title: wait for its address and for it to be loaded.
    browser.wait_until(
        lambda: (
            "param=N%3E15" in browser.url
            and browser.script("return document.readyState") == "complete"
        ),
        "the filtered list",
    )
    assert [cell.text for cell in browser.find_all("#records td:nth-child(2)")] == ["n30", "n20"]

    browser.find("input[value=n20]").click()
    browser.find("input[value=n30]").click()
    browser.find("#compare").click()
    browser.wait_for_title("n20 compared with n30")
    assert "N 20 30" in browser.find("#parameters").text
    assert browser.find("#code").text == "same"

    browser.find("a[href='/record/n20']").click()
    browser.wait_for_title("Record n20")
    sizes = browser.script(
        "return [...document.images].map(i => [i.id, i.complete, i.naturalWidth])"
    )
    assert sizes == [["raster", True, 800], ["rate", True, 800]]
    assert "spikes_20.npz" in browser.find("#outputs").text

    browser.find("input[name=tag]").type("figure6")
    browser.find("#add-tag").click()
    browser.wait_until(lambda: "figure6" in browser.find("#overview").text, "the new tag")
    browser.get(url + "?tag=figure6")
    assert [cell.text for cell in browser.find_all("#records td:nth-child(2)")] == ["n20"]


@pytest.mark.browser
@pytest.mark.slow
def test_in_chromium_repeat_a_run(web_project, browser):
    _, _, url = web_project
    browser.get(url + "record/n10")
    browser.find("#repeat").click()
    browser.wait_for_title("Repeat of n10", timeout=120)
    assert "MATCH" in browser.find("#message").text
