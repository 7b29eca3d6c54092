"""Tests of file hashing, folder snapshots and the open() watcher (axonal/records/files.py)."""

import hashlib
import os

from axonal.records.files import (
    FileWatcher,
    changed_files,
    describe_files,
    files_under,
    sha256_file,
    snapshot,
)


def test_sha256_matches_hashlib(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(os.urandom(3 << 20))
    assert sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_snapshots_show_created_and_modified_files(tmp_path):
    (tmp_path / "old.txt").write_text("1")
    (tmp_path / "same.txt").write_text("1")
    before = snapshot(tmp_path)
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "new.txt").write_text("2")
    (tmp_path / "old.txt").write_text("changed")
    assert changed_files(before, snapshot(tmp_path)) == [os.path.join("deep", "new.txt"), "old.txt"]
    assert snapshot(tmp_path / "absent") == {}


def test_described_files_carry_size_and_hash(tmp_path):
    (tmp_path / "a.txt").write_text("abc")
    assert describe_files(tmp_path, ["a.txt", "vanished.txt"]) == [
        {"path": "a.txt", "size": 3, "sha256": hashlib.sha256(b"abc").hexdigest()}
    ]


def test_the_watcher_sees_what_this_process_reads_and_writes(tmp_path):
    (tmp_path / "input.csv").write_text("1,2")
    with FileWatcher() as watcher:
        (tmp_path / "input.csv").read_text()
        (tmp_path / "result.txt").write_text("3")
        fd = os.open(tmp_path / "low.bin", os.O_WRONLY | os.O_CREAT)
        os.close(fd)
    (tmp_path / "after.txt").write_text("not seen")
    assert str(tmp_path / "input.csv") in watcher.read
    assert {str(tmp_path / "result.txt"), str(tmp_path / "low.bin")} <= watcher.written
    assert str(tmp_path / "after.txt") not in watcher.written
    assert files_under(watcher.written, tmp_path) == ["low.bin", "result.txt"]
