"""Ctrl-C and SIGTERM: a clean stop at a safe point, never half a step.

While a command runs its long loop, SIGINT and SIGTERM raise ``Interrupted``
in the main thread, so the loop can stop, say what was done and exit with
128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM). Around a step
that must not be cut in two (from handing a message to the mail server until
the sent log records it) the signal is held and raised when the step is done.
"""

from __future__ import annotations

import contextlib
import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM arrived; ``exit_code`` is what the command exits with."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def exit_code(exc: BaseException) -> int:
    """130 for a plain KeyboardInterrupt, 128 + the signal for Interrupted."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT


class Interrupts:
    """SIGINT/SIGTERM handling for one loop; ``hold`` defers them over a critical step."""

    def __init__(self):
        self._held = 0
        self.pending: int | None = None

    def _handle(self, signum, frame):
        if self._held:
            self.pending = self.pending or signum  # raised when the step is done
            return
        raise Interrupted(signum)

    @contextlib.contextmanager
    def installed(self):
        """Install the handlers (main thread only) and restore the old ones after."""
        if threading.current_thread() is not threading.main_thread():
            yield self  # e.g. a web server's worker thread: signals are not ours
            return
        previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
        for signum in SIGNALS:
            signal.signal(signum, self._handle)
        try:
            yield self
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def hold(self) -> None:
        """From now on a signal waits until ``release``."""
        self._held += 1

    def release(self) -> int | None:
        """End one hold; return the signal that arrived meanwhile, if any (once)."""
        self._held = max(0, self._held - 1)
        if self._held:
            return None
        signum, self.pending = self.pending, None
        return signum

    @staticmethod
    def ignore_further() -> None:
        """A second Ctrl-C while a stop is under way must not break the stop."""
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                signal.signal(signum, signal.SIG_IGN)
