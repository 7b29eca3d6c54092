"""Stop signals during a run are held until the step in progress completes (a step boundary).

A run's state is committed at every step boundary: a step either completes or leaves no trace.
Ctrl-C (SIGINT), SIGTERM and SIGHUP that arrive during ``run()`` are therefore not acted on
where they land (half-way through a step of a stepped run, or not at all until a compiled
loop returns) but noted; the loop stops at the next step boundary, ``run()`` commits the steps
that ran (``t``, monitors, events, queued spikes), and only then is the signal's own handler
called, so Ctrl-C raises KeyboardInterrupt as usual and ``run()`` afterwards continues as if
the run had not been interrupted.

Only signals whose handler is Python code are held (Python's Ctrl-C handler, or the handlers
``axonal run`` installs); a signal left to the operating system (SIGTERM's default) still ends
the process at once. Signals are held only in the main thread, where Python delivers them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class HeldSignals:
    """While active (``with``), the stop signals with Python handlers are noted, not handled.

    ``pending`` says whether one arrived; ``deliver()`` (after the run committed its state)
    calls the handlers the signals had, in the order the signals came.
    """

    def __init__(self) -> None:
        self.received: list[tuple[int, object]] = []
        self._previous: dict[int, Callable] = {}

    @property
    def pending(self) -> bool:
        return bool(self.received)

    def __enter__(self) -> HeldSignals:
        if threading.current_thread() is not threading.main_thread():
            return self  # only the main thread receives signals in Python
        for number in STOP_SIGNALS:
            handler = signal.getsignal(number)
            if callable(handler):
                self._previous[number] = handler
                signal.signal(number, self._hold)
        return self

    def _hold(self, number: int, frame) -> None:
        self.received.append((number, frame))

    def __exit__(self, *exc_info) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def deliver(self) -> None:
        """Call the held signals' own handlers (Ctrl-C: raises KeyboardInterrupt)."""
        received, self.received = self.received, []
        for number, frame in received:
            handler = self._previous.get(number)
            if callable(handler):
                handler(number, frame)
