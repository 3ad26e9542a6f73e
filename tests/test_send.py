"""takehome send, against a real SMTP server on 127.0.0.1 (aiosmtpd), with TLS
certificates from a test certificate authority (trustme)."""

from __future__ import annotations

import asyncio
import contextlib
import email
import json
import os
import socket
import ssl
import threading
import time
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from conftest import pdf_text
from takehome.cli import cli

NOTE = "Your right hip was tight; try the figure-4 stretch."
PASSWORD = "s3cret-pass"


class Inbox:
    """An aiosmtpd handler that keeps every message and can refuse addresses."""

    def __init__(self, refuse=(), stall_after=None, hang_up_after_data=False):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.refuse = set(refuse)
        self.stall_after = stall_after  # hang on the next RCPT after this many messages
        self.hang_up_after_data = hang_up_after_data  # keep the message, never answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_after is not None and len(self.messages) >= self.stall_after:
            await asyncio.sleep(5)  # the server is going away meanwhile
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if self.hang_up_after_data:
            server.transport.close()
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def server_tls(ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


class Server:
    """Start and stop aiosmtpd; remembers its port so it can come back on it."""

    def __init__(self, inbox: Inbox, **kwargs):
        self.inbox, self.kwargs, self.port = inbox, kwargs, free_port()
        self.logins: list[tuple[str, str]] = []
        self.controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = auth_data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    def start(self):
        kwargs = dict(self.kwargs)
        if kwargs.pop("auth", False):
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def servers():
    started: list[Server] = []

    def _start(inbox=None, **kwargs):
        server = Server(inbox or Inbox(), **kwargs).start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TAKEHOME_CONFIG", raising=False)
    monkeypatch.setenv("TAKEHOME_SMTP_PASSWORD", PASSWORD)
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, [*args, "--date", "2026-11-25"], catch_exceptions=False)

    return _run


def profile(port: int, security="none", username=None, ca_file=None, extra="") -> None:
    lines = [
        "[practice]",
        'name = "Zoë\'s Massage Studio"',
        'therapist = "Sam Lee"',
        'phone = "555-0100"',
        "[email]",
        'host = "127.0.0.1"',
        f"port = {port}",
        f'security = "{security}"',
        'from_address = "studio@example.com"',
        "timeout = 10",
    ]
    if username:
        lines.append(f'username = "{username}"')
    if ca_file:
        lines.append(f'ca_file = "{ca_file}"')
    Path("takehome.toml").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")


def send_one(run, *extra):
    return run(
        "send",
        "glutes",
        "--client",
        "Ana Silva",
        "--to",
        "ana@example.com",
        "--condition",
        "sciatica",
        "--note",
        NOTE,
        *extra,
    )


PDF = Path("handouts-out/2026-11-25_ana-silva_glutes.pdf")
LOG = Path("handouts-out/sent-log.jsonl")


def log_entries(status: str | None = None, folder: Path = LOG.parent) -> list[dict]:
    """The sent log's complete entries (optionally only those of one status)."""
    entries = []
    for line in (folder / LOG.name).read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            entries.append(json.loads(line))
    return [e for e in entries if status is None or e["status"] == status]


# --- The message --------------------------------------------------------------------


def test_a_sent_message_arrives_intact_and_says_nothing_of_health(run, servers):
    server = servers()
    profile(server.port)
    result = send_one(run, "--send")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "1 sent, 0 skipped (already sent), 0 failed; log: handouts-out/sent-log.jsonl\n"
    )
    (message,) = server.inbox.messages
    assert server.inbox.envelopes[0].rcpt_tos == ["ana@example.com"]

    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    # Named by date only: a topic's name could itself reveal a condition.
    assert attachment.get_filename() == "take-home-notes_2026-11-25.pdf"
    assert attachment.get_content() == PDF.read_bytes()

    assert str(message["From"]) == "Zoë's Massage Studio <studio@example.com>"
    assert str(message["To"]) == "Ana Silva <ana@example.com>"
    assert message["Subject"] == "Your take-home notes from Zoë's Massage Studio"
    assert parsedate_to_datetime(message["Date"]) is not None
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.com>")
    raw_headers = server.inbox.envelopes[0].content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # UTF-8 names are encoded, not sent raw

    texts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    assert len(texts) == 2 and "Hi Ana Silva," in texts[0]
    for text in [*texts, message["Subject"]]:
        for private in ("sciatica", "Sciatica", "piriformis", "figure-4", "hip was tight"):
            assert private not in text


def test_dry_run_sends_nothing_and_writes_eml(run, servers):
    server = servers()
    profile(server.port)
    result = send_one(run)
    assert result.exit_code == 0, result.output
    eml = PDF.with_suffix(".eml")
    assert result.output.splitlines() == [
        f'to ana@example.com, subject "Your take-home notes from Zoë\'s Massage Studio", '
        f"attachment {PDF.name} ({PDF.stat().st_size / 1024:.0f} KB); saved {eml.name}",
        "Dry run: 1 message(s) saved as .eml next to the PDFs; nothing was sent. "
        "Add --send to send them.",
    ]
    assert server.inbox.messages == []
    saved = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    (attachment,) = list(saved.iter_attachments())
    assert attachment.get_content() == PDF.read_bytes()
    assert not Path("handouts-out/sent-log.jsonl").exists()


# --- TLS and AUTH ---------------------------------------------------------------------


def test_starttls_with_the_ca_succeeds_and_without_it_fails_clearly(
    run, servers, ca, server_tls, tmp_path
):
    server = servers(tls_context=server_tls, require_starttls=True, auth=True)
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    profile(server.port, "starttls", username="sam")
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert "the server's certificate is not trusted" in result.output
    assert "set email.ca_file" in result.output
    assert server.inbox.messages == [] and server.logins == []

    profile(server.port, "starttls", username="sam", ca_file=tmp_path / "ca.pem")
    result = send_one(run, "--send")
    assert result.exit_code == 0, result.output
    assert len(server.inbox.messages) == 1
    assert server.logins == [("sam", PASSWORD)]


def test_ssl_with_the_ca_succeeds_and_without_it_fails_clearly(
    run, servers, ca, server_tls, tmp_path
):
    server = servers(ssl_context=server_tls)
    profile(server.port, "ssl")
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert (
        f"Error: 127.0.0.1:{server.port}: the server's certificate is not trusted" in result.output
    )

    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    profile(server.port, "ssl", ca_file=tmp_path / "ca.pem")
    assert send_one(run, "--send").exit_code == 0
    assert len(server.inbox.messages) == 1


def test_auth_failure_stops_at_once(run, servers, monkeypatch):
    server = servers(auth=True)
    profile(server.port, username="sam")
    monkeypatch.setenv("TAKEHOME_SMTP_PASSWORD", "wrong")
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"Error: 127.0.0.1:{server.port}: the server rejected the username or password; "
        "check email.username and $TAKEHOME_SMTP_PASSWORD"
    )
    assert server.inbox.messages == []


def test_no_starttls_offered_aborts_before_auth(run, servers):
    server = servers(auth=True)  # plain server: no STARTTLS offered
    profile(server.port, "starttls", username="sam")
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert "the server does not offer STARTTLS, so nothing was sent" in result.output
    assert server.logins == []  # the password never crossed the wire
    assert server.inbox.messages == []


def test_unreachable_server_is_one_clear_error(run):
    profile(free_port())
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert "cannot connect" in result.output and "check email.host and email.port" in result.output


# --- Batches ----------------------------------------------------------------------------


def clients_csv(rows: list[tuple[str, str, str]], consent: bool = False) -> None:
    header = "Name,Email,Topics" + (",Email OK" if consent else "")
    lines = [header] + [",".join(row) for row in rows]
    Path("clients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


FIVE = [(f"Client {i}", f"client{i}@example.com", "glutes") for i in range(1, 6)]


def test_a_refused_recipient_is_reported_and_the_others_delivered(run, servers):
    server = servers(Inbox(refuse={"client3@example.com"}))
    profile(server.port)
    clients_csv(FIVE)
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert result.exit_code == 1
    assert (
        "Error: row 4: the server refused client3@example.com (550 5.1.1 No such user here)"
        in result.output
    )
    assert result.output.splitlines()[-1].startswith("4 sent, 0 skipped (already sent), 1 failed")
    delivered = sorted(e.rcpt_tos[0] for e in server.inbox.envelopes)
    assert delivered == [f"client{i}@example.com" for i in (1, 2, 4, 5)]


def test_server_stopped_mid_batch_then_rerun_sends_only_the_rest(run, servers):
    # After two messages the server hangs on the third and is then shut down:
    # the third was not delivered, and the connection drops mid-batch.
    inbox = Inbox(stall_after=2)
    server = servers(inbox)
    profile(server.port)
    clients_csv(FIVE)
    stopper = threading.Thread(target=lambda: (_wait_for(inbox, 2), server.stop()))
    stopper.start()
    first = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    stopper.join()
    assert first.exit_code == 1
    assert first.output.splitlines()[-1].startswith("2 sent, 0 skipped (already sent), 3 failed")

    inbox.stall_after = None
    server.start()  # back on the same port
    second = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[-1].startswith("3 sent, 2 skipped (already sent), 0 failed")
    delivered = [e.rcpt_tos[0] for e in inbox.envelopes]
    assert sorted(delivered) == [f"client{i}@example.com" for i in range(1, 6)]  # each once
    assert [entry["to"] for entry in log_entries("sent")] == delivered


def _wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # let the client reach the stalled RCPT


def test_invalid_address_is_rejected_before_anything_is_sent(run, servers):
    server = servers()
    profile(server.port)
    clients_csv([FIVE[0], ("Bad Row", "not-an-address", "glutes"), FIVE[1]])
    result = run("send", "--csv", "clients.csv", "--send")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: row 3: email (nothing was sent): 'not-an-address' is not a valid email address"
    )
    assert server.inbox.messages == []
    assert not Path("handouts-out").exists()  # checked before anything was rendered


def test_header_injection_in_an_address_is_rejected(run, servers):
    server = servers()
    profile(server.port)
    result = run("send", "glutes", "--client", "Ana", "--to", "a@x.com\r\nBcc: b@y.com", "--send")
    assert result.exit_code == 1
    assert (
        result.output == "Error: --to: the email address contains a line break; fix the address\n"
    )
    assert server.inbox.messages == []


def test_consent_is_required_when_configured(run, servers):
    server = servers()
    profile(server.port, extra="require_consent = true\n")
    rows = [
        ("Yes Client", "yes@example.com", "glutes", "yes"),
        ("No Client", "no@example.com", "glutes", "no"),
        ("Blank Client", "blank@example.com", "glutes", ""),
    ]
    Path("clients.csv").write_text(
        "Name,Email,Topics,Email OK\n" + "\n".join(",".join(r) for r in rows) + "\n"
    )
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert result.exit_code == 0, result.output
    assert "row 3: the client said no to email; not sent" in result.output
    assert "row 4: no consent to email recorded; not sent" in result.output
    assert [e.rcpt_tos[0] for e in server.inbox.envelopes] == ["yes@example.com"]


def test_limit_sends_at_most_n(run, servers):
    server = servers()
    profile(server.port)
    clients_csv(FIVE)
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send", "--limit", "2")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith(
        "2 sent, 0 skipped (already sent), 0 failed, 3 held back by --limit"
    )
    assert len(server.inbox.messages) == 2


def test_a_dropped_connection_is_reconnected_and_the_rate_limit_kept(run, servers):
    # The server closes idle connections after 1 s; the rate limit (40 a minute,
    # one every 1.5 s) makes every connection go idle, so each message needs a
    # reconnect, and still every message arrives exactly once.
    server = servers(timeout=1)
    profile(server.port, extra="rate_limit = 40\n")
    clients_csv(FIVE[:3])
    started = time.monotonic()
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert sorted(e.rcpt_tos[0] for e in server.inbox.envelopes) == [
        f"client{i}@example.com" for i in (1, 2, 3)
    ]
    assert elapsed >= 3.0  # two gaps of 1.5 s


def test_resend_sends_again_what_the_log_has(run, servers):
    server = servers()
    profile(server.port)
    assert send_one(run, "--send").exit_code == 0
    again = send_one(run, "--send")
    assert again.output.startswith("0 sent, 1 skipped (already sent), 0 failed")
    resent = send_one(run, "--send", "--resend")
    assert resent.output.startswith("1 sent, 0 skipped (already sent), 0 failed")
    assert len(server.inbox.messages) == 2
    assert len(log_entries("sent")) == 2


def test_a_password_in_the_profile_is_refused(run, servers):
    server = servers()
    profile(server.port, extra='password = "hunter2"\n')
    result = send_one(run)
    assert result.exit_code == 1
    assert "unknown key email.password" in result.output
    assert "hunter2" not in result.output


def test_a_drop_after_the_message_was_handed_over_is_never_sent_twice(run, servers):
    inbox = Inbox(hang_up_after_data=True)
    server = servers(inbox)
    profile(server.port)
    first = send_one(run, "--send")
    assert first.exit_code == 1
    assert "it may have arrived; it is marked uncertain in the sent log" in first.output
    assert len(inbox.messages) == 1  # it did arrive

    inbox.hang_up_after_data = False
    second = send_one(run, "--send")
    assert second.output.splitlines() == [
        "Note: the sent log marks this message uncertain (it may have arrived); "
        "not sent again; check with the client, then use --resend if it did not",
        "0 sent, 1 skipped (already sent), 0 failed; log: handouts-out/sent-log.jsonl",
    ]
    assert len(inbox.messages) == 1  # and nobody got it twice
    assert [entry["status"] for entry in log_entries()] == ["uncertain"]


def test_a_client_who_said_no_is_never_emailed(run, servers):
    server = servers()
    profile(server.port)  # require_consent is off
    Path("clients.csv").write_text(
        "Name,Email,Topics,Email OK\nAna Silva,ana@example.com,glutes,no\n"
        "Ben Okafor,ben@example.com,glutes,\n"
    )
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert "row 2: the client said no to email; not sent" in result.output
    assert [e.rcpt_tos[0] for e in server.inbox.envelopes] == ["ben@example.com"]


def test_addresses_outside_ascii(run, servers):
    server = servers()
    profile(server.port)
    bad = run("send", "glutes", "--client", "Zoë", "--to", "zoë@example.com")
    assert bad.exit_code == 1 and len(bad.output.splitlines()) == 1
    assert bad.output.startswith("Error: --to: 'zoë@example.com' is not a valid email address")
    ok = run("send", "glutes", "--client", "Zoë", "--to", "zoe@exämple.com", "--send")
    assert ok.exit_code == 0, ok.output
    assert server.inbox.envelopes[0].rcpt_tos == ["zoe@xn--exmple-cua.com"]


def test_a_password_is_never_sent_unencrypted_over_the_network(run):
    Path("takehome.toml").write_text(
        '[email]\nhost = "mail.example.com"\nsecurity = "none"\nusername = "sam"\n'
        'from_address = "studio@example.com"\n'
    )
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert "the password would cross the network unencrypted" in result.output


def test_two_sends_at_once_are_refused(run, servers):
    import fcntl

    server = servers()
    profile(server.port)
    assert send_one(run).exit_code == 0  # a dry run makes the handout
    with open("handouts-out/sent-log.jsonl.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another send is running
        result = send_one(run, "--send")
    assert result.exit_code == 1
    assert "another `takehome send` is running for this folder" in result.output
    assert server.inbox.messages == []


def test_a_csv_without_email_addresses_is_an_error(run, servers):
    server = servers()
    profile(server.port)
    Path("clients.csv").write_text("Name,Topics\nAna Silva,glutes\n")
    result = run("send", "--csv", "clients.csv", "--send")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the client list has no email addresses")


def test_a_cut_off_last_log_line_is_reported_and_sending_goes_on(run, servers):
    server = servers()
    profile(server.port)
    clients_csv(FIVE[:2])
    Path("handouts-out").mkdir()
    Path("handouts-out/sent-log.jsonl").write_text('{"time": "2026-11-25T10:00:00", "to": "cli')
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert result.exit_code == 0, result.output
    assert "the last line was cut off" in result.output
    lines = Path("handouts-out/sent-log.jsonl").read_text().splitlines()
    assert len(lines) == 5 and all(line.startswith("{") for line in lines)
    assert [entry["status"] for entry in log_entries()] == ["uncertain", "sent"] * 2


def test_a_ca_file_that_is_not_a_certificate_is_named(run, servers, tmp_path):
    server = servers()
    (tmp_path / "ca.pem").write_text("not a certificate")
    profile(server.port, "starttls", ca_file=tmp_path / "ca.pem")
    result = send_one(run)
    assert result.exit_code == 1
    assert "email.ca_file" in result.output and "is not a PEM certificate file" in result.output


# --- Never another client's handout --------------------------------------------------


def _attachment(envelope) -> bytes:
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    (attachment,) = list(message.iter_attachments())
    return attachment.get_content()


def test_a_pdf_made_from_other_details_is_never_attached(run, servers):
    server = servers()
    profile(server.port)
    made = run("make", "glutes", "--client", "Ana Silva", "--condition", "sciatica", "--note", NOTE)
    assert made.exit_code == 0, made.output
    first_ana = PDF.read_bytes()

    # Another Ana Silva, another address, another note: a handout of her own.
    result = run(
        "send", "glutes", "--client", "Ana Silva", "--to", "other@example.com",
        "--note", "Walk a little every day.", "--send",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "Note: 2026-11-25_ana-silva_glutes.pdf holds a handout made from other details; "
        "this one is 2026-11-25_ana-silva_glutes-2.pdf"
    )
    (envelope,) = server.inbox.envelopes
    assert envelope.rcpt_tos == ["other@example.com"]
    text = pdf_text(_attachment(envelope))
    assert "Walk a little every day." in text
    assert "hip was tight" not in text and "Sciatica" not in text
    assert PDF.read_bytes() == first_ana  # the first Ana's handout is untouched

    # The same details again: that handout is found and reused, and not resent.
    again = run(
        "send", "glutes", "--client", "Ana Silva", "--to", "other@example.com",
        "--note", "Walk a little every day.", "--send",
    )  # fmt: skip
    assert again.output.splitlines()[-1].startswith("0 sent, 1 skipped (already sent)")
    assert sorted(p.name for p in PDF.parent.glob("*.pdf")) == [
        "2026-11-25_ana-silva_glutes-2.pdf",
        "2026-11-25_ana-silva_glutes.pdf",
    ]


def _two_annas(order: tuple[int, int]) -> None:
    rows = {
        1: "Anna Smith,anna.one@example.com,glutes,sciatica,Pregnant: 20 weeks.",
        2: "Anna Smith,anna.two@example.com,glutes,,",
    }
    lines = ["Name,Email,Topics,Conditions,Therapist Note"] + [rows[i] for i in order]
    Path("clients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_rows_in_another_order_than_rendered_each_get_their_own_handout(run, servers):
    server = servers()
    profile(server.port)
    _two_annas((1, 2))
    assert run("batch", "clients.csv", "--jobs", "1").exit_code == 0
    _two_annas((2, 1))  # the front desk exported the day again, sorted differently
    result = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert result.exit_code == 0, result.output
    got = {e.rcpt_tos[0]: pdf_text(_attachment(e)) for e in server.inbox.envelopes}
    assert set(got) == {"anna.one@example.com", "anna.two@example.com"}
    assert "20 weeks" in got["anna.one@example.com"] and "Sciatica" in got["anna.one@example.com"]
    assert "20 weeks" not in got["anna.two@example.com"]
    assert "Sciatica" not in got["anna.two@example.com"]

    # Back in the first order: both already have their handout; nothing is sent twice.
    _two_annas((1, 2))
    again = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert again.output.splitlines()[-1].startswith("0 sent, 2 skipped (already sent), 0 failed")
    assert len(server.inbox.envelopes) == 2


def test_a_pdf_swapped_after_planning_is_not_attached(tmp_path, renderer, make_handout):
    from takehome.errors import TakehomeError
    from takehome.mail.compose import Composer
    from takehome.mail.sending import Delivery, compose_all
    from takehome.mail.settings import SmtpSettings
    from takehome.model.practice import DEFAULT_PRACTICE
    from takehome.paths import builtin_templates_dir

    ana = renderer.pdf(make_handout(conditions=["sciatica"]))
    other = renderer.pdf(make_handout(note="Someone else's note."))
    pdf = tmp_path / "2026-11-25_ana-silva_glutes.pdf"
    pdf.write_bytes(other.data)  # replaced between planning and composing
    delivery = Delivery("row 2", "ana@example.com", "Ana Silva", pdf, ana.fingerprint, pdf.name)
    settings = SmtpSettings("127.0.0.1", 25, "none", None, "studio@example.com", None, 10, None)
    composer = Composer([builtin_templates_dir()])
    with pytest.raises(TakehomeError) as info:
        compose_all([delivery], composer, DEFAULT_PRACTICE, settings)
    assert str(info.value) == (
        f"row 2: {pdf} does not hold this client's handout (it was replaced or changed after "
        "it was made); nothing was sent; run the same command again"
    )
    pdf.write_bytes(ana.data)
    ((_, message),) = compose_all([delivery], composer, DEFAULT_PRACTICE, settings)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == ana.data


# --- Headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "=?utf-8?q?Bcc=3A_evil=40x=2Ecom?=",
        "Zoë =?utf-8?q?Bcc=3A_evil=40x=2Ecom?=",
        "Ana <evil@x.com>",
        'Ana", evil@x.com, "',
        "Ana\u202e moc.x@live",
        # Long enough to be folded: Python drops the quotes of a folded name.
        "Montgomery-Vanderbilt, Alexandra Catherine Elizabeth, Jr., Guardian of Lexi Smith",
        "a," * 50,
    ],
    ids=["encoded-word", "encoded-word-utf8", "angle", "quotes", "bidi", "long-commas", "commas"],
)
def test_a_clients_name_can_never_become_another_address(run, servers, name):
    server = servers()
    profile(server.port)
    result = run("send", "glutes", "--client", name, "--to", "ana@example.com", "--send")
    assert result.exit_code == 0, result.output
    (envelope,) = server.inbox.envelopes
    assert envelope.rcpt_tos == ["ana@example.com"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    (to,) = message["To"].addresses  # exactly one address, and it is the client's
    assert to.addr_spec == "ana@example.com"
    for forbidden in ("@", "=?", "<", ">", ":", "\u2028", "\u2029", "\u202e"):
        assert forbidden not in to.display_name
    assert message.get_all("Bcc") is None and len(message.get_all("To")) == 1
    assert message.defects == [] and message["To"].defects == ()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_name_with_a_line_separator_is_refused_before_anything_is_sent(run, servers, separator):
    server = servers()
    profile(server.port)
    name = f"Anna{separator}Bcc: evil@x.com"
    result = run("send", "glutes", "--client", name, "--to", "ana@example.com", "--send")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --client: contains a line break (U+{ord(separator):04X}); keep it on one line\n"
    )
    assert server.inbox.envelopes == []


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\r\n", "\x00"])
def test_the_to_header_never_carries_a_line_break_whatever_the_name(separator):
    from email.message import EmailMessage

    from takehome.mail.compose import mailbox

    message = EmailMessage(policy=policy.default)
    message["To"] = mailbox(f"=?utf-8?q?x?={separator}Bcc: evil@x.com, " * 5, "ana@example.com")
    message.set_content("x")
    back = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    (to,) = back["To"].addresses
    assert to.addr_spec == "ana@example.com" and "@" not in to.display_name
    assert back.get_all("Bcc") is None


def test_an_ordinary_name_is_shown_as_typed(run, servers):
    server = servers()
    profile(server.port)
    name = "Zoë O’Brien-Núñez & Ana Li"
    result = run("send", "glutes", "--client", name, "--to", "zoe@example.com", "--send")
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(server.inbox.envelopes[0].content, policy=policy.default)
    assert message["To"].addresses[0].display_name == name
    # Commas and full stops become spaces in the header only (the handout prints
    # the name as typed).
    result = run("send", "glutes", "--client", "Silva, Ana M.", "--to", "ana@x.com", "--send")
    message = email.message_from_bytes(server.inbox.envelopes[1].content, policy=policy.default)
    assert message["To"].addresses[0].display_name == "Silva Ana M"


def test_a_changed_handout_for_an_address_already_sent_is_named_not_sent(run, servers):
    server = servers()
    profile(server.port)
    assert send_one(run, "--send").exit_code == 0
    changed = run(
        "send", "glutes", "--client", "Ana Silva", "--to", "ana@example.com",
        "--note", "A new note after the email went out.", "--send",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert changed.output.splitlines()[1:] == [
        "Note: this address was already sent this client's handout for the day "
        "(2026-11-25_ana-silva_glutes.pdf); 2026-11-25_ana-silva_glutes-2.pdf was made "
        "after that; not sent again; use --resend to send it",
        "0 sent, 1 skipped (already sent), 0 failed; log: handouts-out/sent-log.jsonl",
    ]
    assert len(server.inbox.envelopes) == 1
    resent = run(
        "send", "glutes", "--client", "Ana Silva", "--to", "ana@example.com",
        "--note", "A new note after the email went out.", "--send", "--resend",
    )  # fmt: skip
    assert resent.exit_code == 0
    assert "A new note after the email went out." in pdf_text(
        _attachment(server.inbox.envelopes[1])
    )


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_lock_file_that_is_not_a_file_is_one_line(run, servers, kind):
    server = servers()
    profile(server.port)
    lock = Path("handouts-out/sent-log.jsonl.lock")
    lock.parent.mkdir()
    os.mkfifo(lock) if kind == "fifo" else lock.mkdir()
    result = send_one(run, "--send")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(f"Error: {lock}: ")
    assert result.output.splitlines()[-1].endswith("remove it and run the same command again")
    assert server.inbox.envelopes == []


def test_a_dry_run_says_which_messages_a_real_send_would_skip(run, servers):
    server = servers(Inbox())
    profile(server.port)
    clients_csv(FIVE)
    assert (
        run("send", "--csv", "clients.csv", "--jobs", "1", "--send", "--limit", "2").exit_code == 0
    )
    dry = run("send", "--csv", "clients.csv", "--jobs", "1")
    assert dry.exit_code == 0, dry.output
    skipped = [line for line in dry.output.splitlines() if "already sent, by" in line]
    assert len(skipped) == 2 and all(line.startswith("row ") for line in skipped)
    assert skipped[0].endswith(
        "; already sent, by the sent log: a real send skips it (unless --resend)"
    )
    assert dry.output.splitlines()[-1].startswith(
        "Dry run: 5 message(s) saved as .eml next to the PDFs (2 of them already sent: "
        "a real send skips those)"
    )
    real = run("send", "--csv", "clients.csv", "--jobs", "1", "--send")
    assert real.output.splitlines()[-1].startswith("3 sent, 2 skipped (already sent), 0 failed")
