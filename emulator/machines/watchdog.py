"""Periodic interruption of a long Unicorn run without Unicorn's per-call timeout.

``emu_start(..., timeout=...)`` starts and joins a timer thread on every call (~0.7 ms here),
which would dominate a dispatcher that re-enters the emulator thousands of times a second.
One daemon thread per machine instead calls ``emu_stop`` every ``period`` seconds while a run
is active; the machine resumes where the run stopped, folding counters and checking budgets.
"""

from __future__ import annotations

import threading


class Watchdog:
    def __init__(self, uc, period: float = 0.25) -> None:
        self.uc = uc
        self.period = period
        self.active = False
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name="hwemu-watchdog")
            self._thread.start()
        self.active = True
        return self

    def __exit__(self, *exc) -> None:
        self.active = False

    def _loop(self) -> None:
        while not self._wake.wait(self.period):
            if self.active:
                self.uc.emu_stop()
