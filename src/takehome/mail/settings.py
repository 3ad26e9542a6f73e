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

import ssl
from dataclasses import dataclass
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.profile.config import EmailSection, resolve_path

PASSWORD_VAR = "TAKEHOME_SMTP_PASSWORD"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
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


def missing_settings(
    section: EmailSection, config_path: Path | None, practice_email: str | None = None
) -> list[str]:
    """What a real send still needs in the profile (empty when it has it all).

    The From address is email.from_address, else the practice's own email. A
    dry run goes ahead without them: it only writes .eml files.
    """
    if config_path is None:
        return ["email.host", "email.from_address"]
    missing = [] if section.host else ["email.host"]
    if not (section.from_address or _is_address(practice_email)):
        missing.append("email.from_address")
    return missing


def _is_address(text: str | None) -> bool:
    if not text:
        return False
    try:
        check_address(text, "address")
    except TakehomeError:
        return False
    return True


PLACEHOLDER_FROM = "not-set-yet@example.invalid"


def dry_run_settings(section: EmailSection, config_path: Path | None, practice) -> SmtpSettings:
    """Settings good enough to compose messages before any mail server is set up.

    The From address is email.from_address, else the practice's email, else a
    placeholder that no server accepts (example.invalid can never be delivered).
    """
    if not missing_settings(section, config_path, practice.email):
        return smtp_settings(section, config_path, practice.email)
    sender = PLACEHOLDER_FROM
    for candidate in (section.from_address, practice.email):
        if candidate:
            try:
                sender = check_address(candidate, "from")
                break
            except TakehomeError:
                continue
    security = section.security
    return SmtpSettings(
        host=section.host or "(not set)",
        port=section.port or DEFAULT_PORTS[security],
        security=security,
        username=section.username,
        from_address=sender,
        rate_limit=section.rate_limit,
        timeout=section.timeout,
        ca_file=None,
    )


def email_value_problems(
    section: EmailSection, config_path: Path, practice_email: str | None = None
) -> list[str]:
    """Every [email] value that is set but wrong (for `check`, `config set` and send).

    What is not set yet is not a problem here: a profile is filled in one
    value at a time; a real send says what it still needs.
    """
    source, problems = config_path, []
    if section.from_address:
        try:
            check_address(section.from_address, f"{source}: email.from_address")
        except TakehomeError as exc:
            problems.append(str(exc))
    elif section.host and practice_email:
        # Messages would come from the practice's email: it must be an address.
        try:
            check_address(practice_email, f"{source}: practice.email")
        except TakehomeError:
            problems.append(
                f"{source}: practice.email: '{practice_email}' is not an email address, and "
                "messages would come from it; set email.from_address to the address to send from"
            )
    remote = section.host and section.host not in LOCAL_HOSTS
    if section.security == "none" and section.username and remote:
        problems.append(
            f'{source}: email.security is "none" but a username is set: the password would '
            'cross the network unencrypted; use "starttls" or "ssl"'
        )
    if section.ca_file is not None:
        ca_file = resolve_path(config_path, section.ca_file)  # ~ and relative, as for the logo
        if not ca_file.is_file():
            problems.append(f"{source}: email.ca_file: {ca_file} not found; fix the path")
        else:
            try:
                ssl.create_default_context(cafile=str(ca_file))
            except (ssl.SSLError, OSError):
                problems.append(
                    f"{source}: email.ca_file: {ca_file} is not a PEM certificate file; "
                    "give the certificate authority's .pem file"
                )
    return problems


def smtp_settings(
    section: EmailSection, config_path: Path | None, practice_email: str | None = None
) -> SmtpSettings:
    """Check the profile's [email] table; every problem names the key to fix.

    Without email.from_address, messages come from the practice's own email.
    """
    if config_path is None:
        raise TakehomeError(
            "no practice profile: email settings live in its [email] table; "
            "create one with `takehome init`, then fill in [email]"
        )
    source = config_path
    missing = missing_settings(section, config_path, practice_email)
    if missing:
        what = {
            "email.host": "your mail server's name",
            "email.from_address": "the address to send from",
        }
        verb = "is" if len(missing) == 1 else "are"
        raise TakehomeError(
            f"{source}: {' and '.join(missing)} {verb} not set; add "
            + " and ".join(what[key] for key in missing)
        )
    from_address = section.from_address or practice_email
    where = "email.from_address" if section.from_address else "practice.email"
    problems = email_value_problems(section, config_path, practice_email)
    if problems:
        raise TakehomeError(problems[0])
    ca_file = resolve_path(config_path, section.ca_file) if section.ca_file else None
    return SmtpSettings(
        host=section.host,
        port=section.port or DEFAULT_PORTS[section.security],
        security=section.security,
        username=section.username,
        from_address=check_address(from_address, f"{source}: {where}"),
        rate_limit=section.rate_limit,
        timeout=section.timeout,
        ca_file=ca_file,
    )
