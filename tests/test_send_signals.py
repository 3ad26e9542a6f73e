"""Ctrl-C and SIGTERM during `takehome send --send`: the installed console script
in a subprocess, real signals, a real SMTP server (aiosmtpd) on 127.0.0.1.

Whatever moment a signal lands, every message the server accepted is in the
sent log, so running the same command again sends only the rest: each client
gets their email exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_send import Inbox, Server, log_entries, profile

SCRIPT = Path(sys.executable).parent / "takehome"
DATE = ["--date", "2026-11-25"]
CLIENTS = 6
ADDRESSES = [f"client{i}@example.com" for i in range(1, CLIENTS + 1)]


class SignallingInbox(Inbox):
    """Keeps every message; can signal the sender the moment a message's data has
    arrived and answer only later, so the signal lands while the sender waits for
    the server's reply, the window in which a message used to go unlogged."""

    def __init__(self):
        super().__init__()
        self.pid: int | None = None
        self.signal_at: int | None = None  # the message (1, 2, ...) during which to signal
        self.signum = signal.SIGINT
        self.reply_delay = (0.0, 0.0)  # seconds, drawn at random per message

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(envelope.content)
        if self.pid and len(self.messages) == self.signal_at:
            os.kill(self.pid, self.signum)
            await asyncio.sleep(0.3)
        else:
            await asyncio.sleep(random.uniform(*self.reply_delay))
        return "250 Message accepted"


def _write_clients() -> None:
    lines = ["Name,Email,Topics,Conditions"]
    lines += [f"Client {i},{address},glutes,sciatica" for i, address in enumerate(ADDRESSES, 1)]
    Path("clients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The day's handouts, rendered once for the module by a real batch."""
    folder = tmp_path_factory.mktemp("rendered")
    old = Path.cwd()
    os.chdir(folder)
    try:
        profile(1)  # the same practice as the senders' profiles: the same fingerprints
        _write_clients()
        done = _takehome("batch", "clients.csv", "--jobs", "1")
        assert done.returncode == 0, done.stderr
    finally:
        os.chdir(old)
    return folder / "handouts-out"


@pytest.fixture
def day(tmp_path, monkeypatch, rendered):
    """A folder with a profile, a day's CSV of six clients and their handouts
    already made (so each trial spends its time sending)."""
    monkeypatch.chdir(tmp_path)
    inbox = SignallingInbox()
    server = Server(inbox).start()
    profile(server.port)
    _write_clients()
    shutil.copytree(rendered, "handouts-out")
    yield inbox
    server.stop()


def _takehome(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args, *DATE], capture_output=True, text=True, timeout=120, check=False
    )


def _start_send() -> subprocess.Popen:
    return subprocess.Popen(
        [str(SCRIPT), "send", "--csv", "clients.csv", "--jobs", "1", "--send", *DATE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _interrupted_then_rerun(inbox: SignallingInbox, process: subprocess.Popen, signum: int):
    """Finish the interrupted run, run the same command again, check the outcome;
    return how many messages the interrupted run delivered."""
    stdout, stderr = process.communicate(timeout=60)
    first = len(inbox.envelopes)
    first_logged = len(log_entries("sent"))
    inbox.pid = None
    rerun = _takehome("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    delivered = sorted(e.rcpt_tos[0] for e in inbox.envelopes)
    assert delivered == ADDRESSES  # everyone once: no duplicate, nobody left out
    assert first_logged == first  # every message the server accepted was logged as sent
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert rerun.stdout.splitlines()[-1].startswith(
        f"{CLIENTS - first} sent, {first} skipped (already sent), 0 failed"
    )
    assert sorted(e["to"] for e in log_entries("sent")) == ADDRESSES
    assert "Traceback" not in stderr
    if process.returncode != 0:  # the signal landed before the last message was done
        assert process.returncode == 128 + signum, stderr
        assert stdout.startswith("Interrupted: "), stdout
        assert "Run the same command again to send the rest." in stderr
    return first


def _reset(inbox: SignallingInbox) -> None:
    inbox.envelopes.clear()
    inbox.messages.clear()
    Path("handouts-out/sent-log.jsonl").unlink(missing_ok=True)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_while_the_server_answers_never_sends_twice(day, signum):
    # The signal lands after the message's final dot, before the server's reply:
    # the message is finished and logged, then the send stops.
    inbox = day
    for at in random.sample(range(1, CLIENTS + 1), 2):
        _reset(inbox)
        inbox.signal_at, inbox.signum = at, signum
        process = _start_send()
        inbox.pid = process.pid
        first = _interrupted_then_rerun(inbox, process, signum)
        assert process.returncode == 128 + signum
        assert first == at  # stopped right after the message it was signalled during


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_at_a_random_moment_never_sends_twice(day, signum):
    inbox = day
    inbox.reply_delay = (0.0, 0.05)
    for _ in range(2):  # bounded: two random moments per signal
        _reset(inbox)
        process = _start_send()
        deadline = time.monotonic() + 60
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(random.uniform(0, 0.15))
        process.send_signal(signum)
        _interrupted_then_rerun(inbox, process, signum)


def test_ctrl_c_while_the_handouts_are_made_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inbox = Inbox()
    server = Server(inbox).start()
    try:
        profile(server.port)
        lines = ["Name,Email,Topics"] + [f"Client {i},c{i}@example.com,glutes" for i in range(60)]
        Path("clients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        process = subprocess.Popen(
            [str(SCRIPT), "send", "--csv", "clients.csv", "--jobs", "2", "--send", *DATE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        out = Path("handouts-out")
        deadline = time.monotonic() + 60
        while not (out.exists() and list(out.glob("*.pdf"))) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)  # a terminal signals the whole group
        stdout, stderr = process.communicate(timeout=60)
    finally:
        server.stop()
    assert process.returncode == 130
    assert stdout == ""
    assert stderr == (
        "Interrupted while making the handouts: nothing was sent. "
        "Run the same command again to go on.\n"
    )
    assert inbox.messages == []
    assert list(out.glob(".*.part")) == []
