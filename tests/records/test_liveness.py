"""Tests of the "lost" status of a running record whose process is gone (liveness.py)."""

import os
import socket
import subprocess
import sys

from axonal.records.liveness import shown_status


def test_a_running_record_of_a_gone_process_is_lost():
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    here = socket.gethostname()
    record = {"status": "running", "hostname": here, "pid": int(gone.stdout)}
    assert shown_status(record) == "lost"
    assert shown_status({**record, "pid": os.getpid()}) == "running"
    assert shown_status({**record, "hostname": "elsewhere"}) == "running"  # cannot know
    assert shown_status({**record, "status": "finished"}) == "finished"
