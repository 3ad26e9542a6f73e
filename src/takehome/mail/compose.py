"""Composing a message from templates/email/: safe names, no health details."""

from __future__ import annotations

import email.policy
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from takehome.model.practice import Practice
from takehome.render.templating import make_environment, render_template

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
