"""The sent log: who was sent which handout, so nothing is ever sent twice."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.files import SENT_LOG_LIMIT, read_regular
from takehome.mail.smtp import StopSending

SENT_LOG = "sent-log.jsonl"
SENT, UNCERTAIN, FAILED = "sent", "uncertain", "failed"


class SentLog:
    """Append-only JSON lines: who was sent which handout, when, with which Message-ID.

    Before a message is handed to the server an "uncertain" line is written; once
    the server has answered, a "sent" line (or "failed" if it refused it). So a
    crash or kill at any moment leaves either nothing (never handed over) or a
    line that stops a re-run from sending it again; the last line for a handout
    and address wins. A message is known by its address and its handout (the
    file name before any "-2": date, client and topics), so a re-run that puts
    the same client's handout under another number does not send it twice.
    """

    def __init__(self, folder: Path):
        """A log for ``folder``; it is read when ``locked`` takes the folder's lock."""
        self.path = folder / SENT_LOG
        self.status: dict[tuple[str, str], str] = {}
        self.files: dict[tuple[str, str], str] = {}  # the file last logged for each
        self.times: dict[tuple[str, str], str] = {}  # when, as ISO 8601 (UTC)
        self.warnings: list[str] = []
        self._needs_newline = False

    def _load(self) -> None:
        if not (self.path.exists() or self.path.is_symlink()):
            return
        data = read_regular(self.path, limit=SENT_LOG_LIMIT, what="the sent log")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TakehomeError(
                f"{self.path}: not UTF-8 text, so not a sent log; move it away and check "
                "by hand who was already sent their email"
            ) from None
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                key = _key(entry["to"], entry.get("handout") or entry["file"])
                self.status[key] = entry["status"]
                self.files[key] = entry["file"]
                self.times[key] = entry.get("time", "")
            except (ValueError, KeyError, TypeError):
                if number == len(lines) and not text.endswith("\n"):
                    # A crash while the last line was written: go on, but say so.
                    self._needs_newline = True
                    self.warnings.append(
                        f"{self.path}:{number}: the last line was cut off (a crash while "
                        "writing); check by hand whether that client got their email"
                    )
                    continue
                raise TakehomeError(
                    f"{self.path}:{number}: not a sent-log line; fix or remove that line"
                ) from None

    def read(self) -> SentLog:
        """Read the log without taking the lock: for a dry run, which sends nothing."""
        self._load()
        return self

    @contextlib.contextmanager
    def locked(self):
        """Only one send at a time per output folder: two at once would send twice.

        The log is read once the lock is held, so it is the one the sending goes by.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(SENT_LOG + ".lock")
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
        try:
            # O_NONBLOCK: a FIFO put in its place must not make send wait forever.
            fd = os.open(lock, flags, 0o600)
        except OSError as exc:
            raise TakehomeError(
                f"{lock}: cannot be used as the send lock ({exc.strerror}); remove it and "
                "run the same command again"
            ) from None
        with os.fdopen(fd, "w") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise TakehomeError(
                    f"{lock}: is not a regular file; remove it and run the same command again"
                )
            try:
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except ImportError:
                pass  # no fcntl (Windows): no lock
            except OSError:
                raise TakehomeError(
                    f"{self.path.parent}: another `takehome send` is running for this "
                    "folder; wait for it to finish"
                ) from None
            self._load()
            yield self

    def state(self, to: str, handout: str) -> str | None:
        """ "sent" or "uncertain" (both: do not send again), "failed", or None."""
        return self.status.get(_key(to, handout))

    def logged_file(self, to: str, handout: str) -> tuple[str | None, str | None]:
        """The file last logged for this handout and address, and when (ISO 8601)."""
        key = _key(to, handout)
        return self.files.get(key), self.times.get(key)

    def has(self, to: str, handout: str) -> bool:
        """Whether this handout went (or may have gone) to this address."""
        return self.state(to, handout) in (SENT, UNCERTAIN)

    def record(
        self, to: str, file: Path, handout: str, message_id: str, status: str = SENT
    ) -> None:
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "status": status,
            "to": to,
            "file": file.name,
            "handout": handout,
            "message_id": message_id,
        }
        # One line per message, flushed to disk before the next is sent, so the
        # log says exactly who got what even after a crash.
        line = ("\n" if self._needs_newline else "") + json.dumps(entry, ensure_ascii=False)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as log:
                log.write(line + "\n")
                log.flush()
                os.fsync(log.fileno())
        except OSError as exc:
            raise StopSending(
                f"{self.path}: could not record that {file.name} was {status} to {to} "
                f"({exc.strerror}); nothing more was sent; fix this before running again, "
                "or that client gets the email twice"
            ) from None
        self._needs_newline = False
        key = _key(to, handout)
        self.status[key], self.files[key], self.times[key] = status, file.name, entry["time"]


def _key(to: str, handout: str) -> tuple[str, str]:
    # Ana@Example.com and ana@example.com are one mailbox in practice.
    return to.casefold(), handout
