"""Handing messages to an SMTP server: TLS always verified, outcomes told apart."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage

from takehome.errors import TakehomeError
from takehome.mail.settings import PASSWORD_VAR, SmtpSettings


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
