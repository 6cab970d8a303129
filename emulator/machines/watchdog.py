"""Periodic interruption of a long Unicorn run without Unicorn's per-call timeout.

``emu_start(..., timeout=...)`` starts and joins a timer thread on every call (~0.7 ms here),
which would dominate a dispatcher that re-enters the emulator thousands of times a second.
Instead one thread per run calls ``emu_stop`` every ``period`` seconds while the emulator is
inside ``emu_start``; the machine resumes where the run stopped, folding counters and checking
budgets.  :meth:`stop` ends the thread when the run is over, so finished machines hold none.
"""

from __future__ import annotations

import threading


class Watchdog:
    def __init__(self, uc, period: float = 0.25) -> None:
        self.uc = uc
        self.period = period
        self.active = False
        self._stopped: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        if self._thread is None:
            self._stopped = threading.Event()
            self._thread = threading.Thread(target=self._loop, args=(self._stopped,),
                                            daemon=True, name="hwemu-watchdog")
            self._thread.start()
        self.active = True
        return self

    def __exit__(self, *exc) -> None:
        self.active = False

    def stop(self) -> None:
        """End the thread (a later run starts a new one)."""
        if self._thread is not None:
            self._stopped.set()
            self._thread.join()
            self._thread = None

    def _loop(self, stopped: threading.Event) -> None:
        while not stopped.wait(self.period):
            if self.active:
                self.uc.emu_stop()
