"""Emailing handouts: compose (templates/email/), check, and send over SMTP.

Nothing is sent without ``--send``: a dry run writes each message as a ``.eml``
file next to its PDF. Every address and setting is checked before the first
message goes out. TLS certificates are always verified. The password comes only
from ``$TAKEHOME_SMTP_PASSWORD`` or a prompt; it is never stored or printed.
Subjects and bodies never carry health details: the templates are given the
client's name and the practice, nothing else; conditions and notes stay inside
the PDF.
"""

from __future__ import annotations

import contextlib
import email.policy
import json
import os
import smtplib
import ssl
import stat
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .errors import TakehomeError
from .files import SENT_LOG_LIMIT, read_regular
from .practice import EmailSection, Practice
from .templating import make_environment, render_template

PASSWORD_VAR = "TAKEHOME_SMTP_PASSWORD"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SENT_LOG = "sent-log.jsonl"
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


def check_address(address: str, where: str) -> str:
    """A syntactically valid address (no DNS look-up), or a TakehomeError naming ``where``."""
    from email_validator import EmailNotValidError, validate_email

    if any(char in address for char in "\r\n"):
        # A line break in an address is an attempt to add headers (Bcc: ...).
        raise TakehomeError(f"{where}: the email address contains a line break; fix the address")
    try:
        # ASCII only (international domains become punycode): every server can
        # take it, and the headers stay plain.
        checked = validate_email(address, check_deliverability=False, allow_smtputf8=False)
        return checked.ascii_email or checked.normalized
    except EmailNotValidError as exc:
        raise TakehomeError(
            f"{where}: '{address}' is not a valid email address ({exc}); fix it"
        ) from None


@dataclass(frozen=True)
class SmtpSettings:
    """Validated [email] settings."""

    host: str
    port: int
    security: str
    username: str | None
    from_address: str
    rate_limit: int | None
    timeout: float
    ca_file: Path | None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(section: EmailSection, config_path: Path | None) -> SmtpSettings:
    """Check the profile's [email] table; every problem names the key to fix."""
    if config_path is None:
        raise TakehomeError(
            "no practice profile: email settings live in its [email] table; "
            "create one with `takehome init`, then fill in [email]"
        )
    source = config_path
    if not section.host:
        raise TakehomeError(f"{source}: email.host is not set; add your mail server's name")
    if not section.from_address:
        raise TakehomeError(
            f"{source}: email.from_address is not set; add the address to send from"
        )
    ca_file = section.ca_file
    if ca_file is not None:
        if config_path is not None and not ca_file.is_absolute():
            ca_file = config_path.parent / ca_file
        if not ca_file.is_file():
            raise TakehomeError(f"{source}: email.ca_file: {ca_file} not found; fix the path")
    if section.security == "none" and section.username and section.host not in LOCAL_HOSTS:
        raise TakehomeError(
            f'{source}: email.security is "none" but a username is set: the password would '
            'cross the network unencrypted; use "starttls" or "ssl"'
        )
    if ca_file is not None:
        try:
            ssl.create_default_context(cafile=str(ca_file))
        except (ssl.SSLError, OSError):
            raise TakehomeError(
                f"{source}: email.ca_file: {ca_file} is not a PEM certificate file; "
                "give the certificate authority's .pem file"
            ) from None
    return SmtpSettings(
        host=section.host,
        port=section.port or DEFAULT_PORTS[section.security],
        security=section.security,
        username=section.username,
        from_address=check_address(section.from_address, f"{source}: email.from_address"),
        rate_limit=section.rate_limit,
        timeout=section.timeout,
        ca_file=ca_file,
    )


# --- Composing ----------------------------------------------------------------------

# Punctuation a person's or a practice's name may hold. Anything else (=, ?, <,
# >, @, quotes, colons, line or paragraph separators, bidi controls) is dropped
# from the display name, so no name can be read as an encoded word
# ("=?utf-8?q?Bcc...?=") or as a second address by any mail reader. A comma or
# a full stop becomes a space: Python folds a long quoted name onto two lines
# without its quotes, and a comma there would split it into several
# "addresses" (a full stop, into obsolete syntax).
_NAME_PUNCTUATION = set("'\u2019-&")  # \u2019: the typographic apostrophe
MAX_DISPLAY_NAME = 100


def display_name(name: str) -> str:
    """A name made safe to show in a From or To header (the address is separate)."""
    kept = []
    for char in unicodedata.normalize("NFC", name):
        category = unicodedata.category(char)
        if category[0] in "LMN" or char in _NAME_PUNCTUATION:
            kept.append(char)
        elif category == "Zs" or char in "\t,.":
            kept.append(" ")
        # Everything else is dropped: separators (Zl, Zp), controls (Cc, Cf), symbols.
    return " ".join("".join(kept).split())[:MAX_DISPLAY_NAME].strip()


def mailbox(name: str, address: str) -> Address:
    """The header value for one person: a safe display name and the checked address."""
    user, domain = address.rsplit("@", 1)
    return Address(display_name=display_name(name), username=user, domain=domain)


class Composer:
    """Builds messages from templates/email/{subject.txt,body.txt,body.html}.j2."""

    def __init__(self, template_dirs: list[Path]):
        self.folders = [d / "email" for d in template_dirs if (d / "email").is_dir()]
        self.env = make_environment(
            self.folders,
            # HTML-escape everything but the plain-text parts, where escaping
            # would put "&amp;" in front of the reader.
            autoescape=lambda name: not (name or "").endswith(".txt.j2"),
            keep_trailing_newline=True,
        )

    def _render(self, name: str, context: dict) -> str:
        return render_template(self.env, name, context, self.folders)

    def compose(
        self,
        practice: Practice,
        from_address: str,
        client_name: str,
        to: str,
        pdf: Path,
        data: bytes,
    ) -> EmailMessage:
        """One message with ``data`` (the PDF at ``pdf``) attached.

        The templates see no health details: the client's name and the practice only.
        """
        context = {"practice": practice, "client_name": client_name}
        subject = " ".join(self._render("subject.txt.j2", context).split())
        # 7-bit transfer encodings: plain ASCII on the wire, whatever the server.
        message = EmailMessage(policy=email.policy.default.clone(cte_type="7bit"))
        message["From"] = mailbox(practice.name, from_address)
        message["To"] = mailbox(client_name, to)
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=from_address.rsplit("@", 1)[1])
        message.set_content(self._render("body.txt.j2", context))
        message.add_alternative(self._render("body.html.j2", context), subtype="html")
        # The attachment's name says when, not which topics: a topic named after
        # a condition would show in every mail client.
        attachment_name = f"take-home-notes_{pdf.name.split('_', 1)[0]}.pdf"
        message.add_attachment(
            data, maintype="application", subtype="pdf", filename=attachment_name
        )
        return message


# --- The sent log -----------------------------------------------------------------------


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


# --- Sending ----------------------------------------------------------------------------


class StopSending(TakehomeError):
    """A failure every later message would share (server, TLS, password)."""


class RecipientRefused(TakehomeError):
    """The server refused this one recipient; the others can still go."""


class Uncertain(StopSending):
    """The connection dropped after the message was handed over: it may have arrived."""


def _text(reply: bytes) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _wire_bytes(message: EmailMessage) -> bytes:
    """The message as it goes over SMTP: CRLF line ends, dots at line starts doubled."""
    from email.generator import BytesGenerator
    from io import BytesIO

    buffer = BytesIO()
    BytesGenerator(buffer, policy=message.policy.clone(linesep="\r\n")).flatten(message)
    return smtplib.quotedata(buffer.getvalue().decode("ascii", errors="surrogateescape")).encode(
        "ascii", errors="surrogateescape"
    )


class Mailer:
    """One SMTP connection for a whole batch, reconnected once if dropped."""

    def __init__(self, settings: SmtpSettings, password: str | None):
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None
        self._last_sent = 0.0

    def _context(self) -> ssl.SSLContext:
        # Verified TLS always; a private CA only when the profile names it.
        return ssl.create_default_context(
            cafile=str(self.settings.ca_file) if self.settings.ca_file else None
        )

    def connect(self) -> None:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise StopSending(
                        f"{s.where}: the server does not offer STARTTLS, so nothing was sent "
                        "and the password was not used; check email.host and email.security"
                    )
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, self._password or "")
        except ssl.SSLCertVerificationError as exc:
            raise StopSending(
                f"{s.where}: the server's certificate is not trusted ({exc.verify_message}); "
                "if the server uses your own certificate authority, set email.ca_file"
            ) from None
        except ssl.SSLError as exc:
            raise StopSending(
                f"{s.where}: TLS failed ({exc.reason}); check email.security and port"
            ) from None
        except smtplib.SMTPAuthenticationError:
            raise StopSending(
                f"{s.where}: the server rejected the username or password; check email.username "
                f"and ${PASSWORD_VAR}"
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise StopSending(f"{s.where}: {exc}; check email.security") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise StopSending(
                f"{s.where}: cannot connect ({exc}); check email.host and email.port, "
                "and that you are online"
            ) from None
        self._smtp = smtp

    def _pace(self) -> None:
        if self.settings.rate_limit:
            gap = 60.0 / self.settings.rate_limit
            wait = self._last_sent + gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def send(
        self, message: EmailMessage, to: str, before_data: Callable[[], None] = lambda: None
    ) -> None:
        """Send one message; reconnect once if the connection was dropped before the
        server had the whole message.

        The SMTP steps are taken one by one so that a drop can be told apart: a
        drop before the end of DATA is safe to retry, a drop after it is not (the
        message may have arrived), and raises Uncertain instead. ``before_data``
        is called just before the DATA command: from there on the message may
        reach the client, so the caller logs it and holds Ctrl-C.
        """
        self._pace()
        data = _wire_bytes(message)
        for attempt in (1, 2):
            if self._smtp is None:
                self.connect()
            smtp = self._smtp
            try:
                code, reply = smtp.mail(self.settings.from_address)
                if code != 250:
                    raise StopSending(
                        f"{self.settings.where}: the server refused the sender "
                        f"{self.settings.from_address} ({code} {_text(reply)}); "
                        "check email.from_address and email.username"
                    )
                code, reply = smtp.rcpt(to)
                if code == 421:
                    raise smtplib.SMTPServerDisconnected(_text(reply))
                if code not in (250, 251):
                    with contextlib.suppress(OSError, smtplib.SMTPException):
                        smtp.rset()
                    raise RecipientRefused(f"the server refused {to} ({code} {_text(reply)})")
                before_data()
                smtp.putcmd("data")
                code, reply = smtp.getreply()
                if code == 421:
                    raise smtplib.SMTPServerDisconnected(_text(reply))
                if code != 354:
                    with contextlib.suppress(OSError, smtplib.SMTPException):
                        smtp.rset()
                    raise RecipientRefused(
                        f"the server refused the message to {to} ({code} {_text(reply)})"
                    )
            except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as exc:
                self.close()
                if attempt == 2:
                    raise StopSending(
                        f"{self.settings.where}: the connection dropped twice ({exc}); "
                        "the log shows what was sent; run the same command again later"
                    ) from None
                continue
            # From here the server may have the message: never send it again blindly.
            try:
                smtp.send(data if data.endswith(b"\r\n") else data + b"\r\n")
                smtp.send(b".\r\n")
                code, reply = smtp.getreply()
            except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as exc:
                self.close()
                raise Uncertain(
                    f"the connection dropped while {to}'s message was being delivered ({exc}); "
                    "it may have arrived"
                ) from None
            if code == 250:
                self._last_sent = time.monotonic()
                return
            if code == 421 and attempt == 1:
                self.close()
                continue
            raise RecipientRefused(
                f"the server refused the message to {to} ({code} {_text(reply)})"
            )

    def close(self, quick: bool = False) -> None:
        """Say goodbye to the server (QUIT), or with ``quick`` just hang up."""
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                if quick:
                    self._smtp.close()
                else:
                    self._smtp.quit()
            self._smtp = None
