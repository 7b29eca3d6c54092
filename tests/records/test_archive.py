"""Tests of archived outputs (archive.py): every record keeps its own outputs, `show` and the web
view read that copy, offer it, and say when the file on disk no longer matches."""

from __future__ import annotations

import io
import os
import stat
import textwrap
import threading

import numpy as np
import pytest

from axonal.records.archive import archived_path, parse_size
from axonal.records.errors import RecordsError
from axonal.records.plots import load_spikes, raster_png
from axonal.records.web import RecordsServer
from tests.records.conftest import git, run_axonal
from tests.records.test_runner import label_of, store_of
from tests.records.test_web import fetch

WRITER = textwrap.dedent(
    """
    from pathlib import Path

    import numpy as np

    from axonal.records import parameters

    p = parameters({"duration": 1.0, "size": 0})
    Path("output").mkdir(exist_ok=True)
    t = np.linspace(0, p.duration, 50)
    np.savez("output/spikes.npz", t=t, i=np.arange(50) % 5, N=5)
    Path("output/same.txt").write_text("constant")
    if p.size:
        Path("output/big.bin").write_bytes(bytes(p.size))
    """
)


@pytest.fixture
def writer_project(project):
    (project / "writer.py").write_text(WRITER)
    git(project, "add", "writer.py")
    git(project, "commit", "-q", "-m", "writer")
    return project


def run(project, *arguments):
    completed = run_axonal("run", "writer.py", *arguments, cwd=project)
    assert completed.returncode == 0, completed.stderr
    return label_of(completed)


@pytest.fixture
def served(writer_project):
    store = store_of(writer_project)
    server = RecordsServer(("127.0.0.1", 0), store, None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_overwritten_output_stays_with_the_record_that_wrote_it(writer_project, served):
    """The issue's provenance bug: two runs write output/spikes.npz; the first record's page
    must show the first run's spikes, and say that the file on disk changed."""
    first = run(writer_project)
    first_bytes = (writer_project / "output" / "spikes.npz").read_bytes()
    second = run(writer_project, "duration=0.3")
    on_disk = writer_project / "output" / "spikes.npz"
    assert on_disk.read_bytes() != first_bytes  # the second run overwrote it

    status, kind, body = fetch(served.url + f"record/{first}/output/spikes.npz")
    assert status == 200 and body == first_bytes
    assert np.load(io.BytesIO(body))["t"].max() == 1.0  # the first run's duration
    times, indices, neurons = load_spikes(io.BytesIO(first_bytes))
    first_raster = raster_png(times, indices, neurons)
    assert fetch(served.url + f"record/{first}/raster.png")[2] == first_raster
    assert fetch(served.url + f"record/{second}/raster.png")[2] != first_raster

    page = fetch(served.url + f"record/{first}")[2].decode()
    assert "id='outputs-changed'" in page and "spikes.npz" in page
    assert "CHANGED since this run" in page and f"/record/{first}/output/spikes.npz" in page
    assert "id='outputs-changed'" not in fetch(served.url + f"record/{second}")[2].decode()

    shown = run_axonal("show", first, cwd=writer_project, check=True).stdout
    assert "spikes.npz" in shown and "archived; on disk: CHANGED since this run" in shown
    assert "same.txt" in shown and "archived; on disk: same" in shown


def test_identical_outputs_are_archived_once_and_read_only(writer_project):
    first, second = run(writer_project), run(writer_project)
    store = store_of(writer_project)
    archive = writer_project / ".axonal" / "archive"
    hashes = [
        {o["path"]: o["sha256"] for o in store.get(label)["details"]["outputs"]}
        for label in (first, second)
    ]
    assert hashes[0]["same.txt"] == hashes[1]["same.txt"]
    files = [path for path in archive.rglob("*") if path.is_file()]
    # spikes.npz twice (np.savez's zip entries carry the time) or once, same.txt once.
    assert len(files) == len({h for record in hashes for h in record.values()})
    copy = archived_path(archive, hashes[0]["same.txt"])
    assert copy.read_text() == "constant"
    assert not os.stat(copy).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert not [p for p in archive.rglob(".incoming-*")]


def test_show_extract_copies_the_records_own_outputs(writer_project, tmp_path):
    first = run(writer_project)
    first_bytes = (writer_project / "output" / "spikes.npz").read_bytes()
    run(writer_project, "duration=0.5")
    completed = run_axonal("show", first, "--extract", str(tmp_path / "got"), cwd=writer_project)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "got" / "spikes.npz").read_bytes() == first_bytes
    assert (tmp_path / "got" / "same.txt").read_text() == "constant"


def test_files_above_the_limit_are_only_hashed_and_say_so(writer_project, served, tmp_path):
    completed = run_axonal("init", "--archive-limit", "1kB", cwd=writer_project, check=True)
    assert "files up to 1024 bytes" in completed.stdout
    label = run(writer_project, "size=2048")
    outputs = {o["path"]: o for o in store_of(writer_project).get(label)["details"]["outputs"]}
    assert outputs["big.bin"]["archived"] is False and outputs["same.txt"]["archived"] is True
    assert outputs["big.bin"]["size"] == 2048
    # While the file on disk is unchanged it is the record's copy; once it changes, nothing is.
    assert fetch(served.url + f"record/{label}/output/big.bin")[0] == 200
    (writer_project / "output" / "big.bin").write_bytes(b"\x01" * 2048)
    status, _, body = fetch(served.url + f"record/{label}/output/big.bin")
    assert status == 404 and b"did not archive 'big.bin'" in body
    shown = run_axonal("show", label, cwd=writer_project, check=True).stdout
    assert "big.bin  2048 B" in shown and "not archived; on disk: CHANGED" in shown
    extract = run_axonal("show", label, "--extract", str(tmp_path / "x"), cwd=writer_project)
    assert extract.returncode == 1 and "big.bin was not archived" in extract.stderr


def test_a_limit_of_zero_archives_nothing(writer_project):
    run_axonal("init", "--archive-limit", "0", cwd=writer_project, check=True)
    label = run(writer_project)
    outputs = store_of(writer_project).get(label)["details"]["outputs"]
    assert {o["path"] for o in outputs} == {"spikes.npz", "same.txt"}
    assert not any(o["archived"] for o in outputs)
    assert not (writer_project / ".axonal" / "archive").exists()


def test_sizes_are_read_with_binary_prefixes():
    assert parse_size("100MB") == 100 * 2**20 and parse_size("2 GiB") == 2 * 2**30
    assert parse_size("500k") == 500 * 1024 and parse_size("0") == 0
    assert parse_size("1.5kB") == 1536
    with pytest.raises(RecordsError, match="Cannot read the archive size limit 'lots'"):
        parse_size("lots")
    with pytest.raises(RecordsError, match="not a SHA-256"):
        archived_path(archive_dir=None, sha256="../../etc/passwd")  # type: ignore[arg-type]


def test_a_record_naming_a_file_outside_its_output_folder_gets_nothing_from_disk(tmp_path):
    """A crafted record in a shared store cannot make the web view serve another file."""
    from axonal.records.archive import output_state, readable_copy

    secret = tmp_path / "secret.txt"
    secret.write_text("key")
    output_dir = tmp_path / "output"
    output_dir.mkdir()
    info = secret.stat()
    from axonal.records.files import sha256_file

    output = {"path": "../secret.txt", "size": info.st_size, "sha256": sha256_file(secret),
              "mtime_ns": info.st_mtime_ns, "archived": False}  # fmt: skip
    record = {"label": "x", "details": {"output_dir": str(output_dir), "outputs": [output]}}
    assert output_state(record, output)["disk"] == "missing"
    assert readable_copy(record, output) is None
