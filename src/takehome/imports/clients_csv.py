"""Clients from a booking-software CSV export: header matching, encodings, rows.

Client data is health information: nothing here logs it. Errors name the row and
column, never the client.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.files import CSV_LIMIT, read_regular
from takehome.model.client import Client

# Header names are compared with case, spaces and punctuation removed, so
# "E-mail", "EMAIL" and "e mail" are one name.
COLUMN_ALIASES = {
    "name": (
        *("name", "client", "clientname", "fullname", "customer", "customername"),
        *("patient", "patientname", "guest", "guestname"),
    ),
    "first_name": ("firstname", "first", "givenname", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail"),
    "topics": (
        *("topics", "topic", "handouts", "handout", "service", "services", "servicename"),
        *("servicetitle", "servicetype", "appointmenttype", "treatment", "treatments"),
        "servicesbooked",
    ),
    "conditions": ("conditions", "condition", "healthconditions", "medicalconditions"),
    "note": ("notes", "note", "therapistnote"),
    "next_visit": (
        *("nextvisit", "nextappointment", "nextbooking", "nextappointmentdate"),
        *("nextappt", "nextvisitdate"),
    ),
    "paper": ("paper", "papersize"),
    "consent": ("emailok", "consent", "emailconsent", "oktoemail", "mayemail", "emailoptin"),
}
_YES = {"yes", "y", "true", "1", "x", "ok", "agreed"}
_NO = {"no", "n", "false", "0", "declined"}
_ALIAS_TO_FIELD = {alias: field for field, aliases in COLUMN_ALIASES.items() for alias in aliases}
DELIMITERS = ",;\t"
# Several topics or conditions in one cell: "glutes; neck-shoulders" or "a, b".
_MULTI = re.compile(r"\s*[;,]\s*")


HEADER_SEARCH = 5
# "Client Email", "Customer First Name": a booking system's prefix, dropped for
# these fields only. ("Client Notes" stays unmatched on purpose: in booking
# systems those are often the staff's private notes, not for the handout.)
_PREFIXES = ("client", "customer", "patient", "guest")
_PREFIXABLE = {"name", "first_name", "last_name", "email"}


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def _field_for(header: str) -> str | None:
    key = _header_key(header)
    if key in _ALIAS_TO_FIELD:
        return _ALIAS_TO_FIELD[key]
    for prefix in _PREFIXES:
        field = _ALIAS_TO_FIELD.get(key.removeprefix(prefix))
        if key.startswith(prefix) and field in _PREFIXABLE:
            return field
    return None


def _match_columns(header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    for index, title in enumerate(header):
        field = _field_for(title)
        if field and field not in columns:  # the first of two same-named columns wins
            columns[field] = index
            written[field] = title.strip()
    return columns, written


@dataclass(frozen=True)
class ClientRow:
    """One CSV row, before its topics and conditions are checked against topics."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    client: Client | None
    topics: tuple[str, ...]
    paper: str | None
    email: str | None
    error: str | None = None
    consent: bool | None = None  # to email health information; None: not given


@dataclass(frozen=True)
class ClientTable:
    """What a CSV file held: its rows, and anything the user should be told."""

    rows: tuple[ClientRow, ...]
    warnings: tuple[str, ...]


def _decode(
    path: Path, data: bytes, encoding: str | None, label: str = "encoding"
) -> tuple[str, list[str]]:
    if encoding:
        try:
            return data.decode(encoding), []
        except LookupError:
            raise TakehomeError(
                f"{label}: '{encoding}' is not an encoding Python knows; "
                "try utf-8, cp1252 or latin-1"
            ) from None
        except UnicodeDecodeError as exc:
            raise TakehomeError(
                f"{path}: byte {exc.start} is not valid {encoding}; "
                f"give the file's real encoding with {label}"
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode Text" export: UTF-16 with a byte-order mark.
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise TakehomeError(f"{path}: broken UTF-16 text; export the file again") from None
    try:
        # utf-8-sig drops the byte-order mark Excel's "CSV UTF-8" writes.
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    bad = [number for number, line in enumerate(lines, 1) if not _is_utf8(line)]
    if any(not line.isascii() and _is_utf8(line) for line in lines):
        # Some lines are UTF-8 and some are not: reading it all as cp1252 would
        # garble the UTF-8 names without a word.
        shown = ", ".join(map(str, bad[:5])) + (" …" if len(bad) > 5 else "")
        raise TakehomeError(
            f"{path}: line(s) {shown} are not UTF-8 but the rest of the file is; "
            "fix those names, or save the whole file again as CSV UTF-8"
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TakehomeError(
            f"{path}: neither UTF-8 nor Windows-1252 (byte {exc.start}); "
            f"save it as CSV UTF-8 or give its encoding with {label}"
        ) from None
    return text, [
        f"{path}: not UTF-8, so read as Windows-1252 (Excel's plain CSV); if names look "
        f"wrong, save the file as 'CSV UTF-8' or give its encoding with {label}"
    ]


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _OneColumn(csv.excel):
    # A header with no delimiter is a one-column file: "Silva, Ana" is one name.
    delimiter = "\x1f"
    strict = True


def _dialect(text: str) -> type[csv.Dialect]:
    sample = text[:65536]
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in DELIMITERS}
    if not any(counts.values()):
        return _OneColumn
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # Too few rows to tell: the header line decides.
        sniffed = max(counts, key=counts.get)

    class _Detected(csv.excel):
        delimiter = sniffed
        strict = True  # an unclosed quote is an error, not a cell that eats rows

    return _Detected


def read_clients_csv(
    path: Path, encoding: str | None = None, label: str = "encoding"
) -> ClientTable:
    """Read a booking export: any of the accepted headers, encodings and delimiters.

    A problem with the file as a whole raises TakehomeError; a problem with one
    row is kept on that row (``ClientRow.error``) so the other rows go ahead.
    """
    data = read_regular(path, limit=CSV_LIMIT, what="a client list")
    text, warnings = _decode(path, data, encoding, label)
    if not text.strip():
        raise TakehomeError(f"{path}: the file is empty; export it again with a header row")

    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise TakehomeError(
            f"{path}: line {reader.line_num}: not readable as CSV ({exc}; is a quote "
            "left open?); fix that line or export the file again"
        ) from None

    # Some exports put a report title or date range above the header: the header
    # is the first of the top rows that has a name column.
    matches = [_match_columns(header) for header in records[:HEADER_SEARCH]]
    skip = next(
        (i for i, (cols, _) in enumerate(matches) if {"name", "first_name"} & set(cols)), None
    )
    if skip is None:
        header = records[0]
        found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
        raise TakehomeError(
            f"{path}: no name column (columns found: {found}); name one column "
            "'Name' (or use 'First Name' and 'Last Name')"
        )
    columns, written = matches[skip]
    first_row = skip + 2  # as a spreadsheet numbers rows: the header is skip + 1
    records = records[skip + 1 :]
    if not any(any(cell.strip() for cell in record) for record in records):
        raise TakehomeError(f"{path}: has a header but no client rows; export the day's list again")
    labels = {
        "name": written.get("name") or f"{written.get('first_name')}/{written.get('last_name')}",
        "note": written.get("note", "Notes"),
        "next_visit": written.get("next_visit", "Next Visit"),
        "conditions": written.get("conditions", "Conditions"),
        "consent": written.get("consent", "Consent"),
    }

    rows = []
    for number, record in enumerate(records, start=first_row):
        if not any(cell.strip() for cell in record):
            continue  # blank lines at the end of an export
        rows.append(_row(number, record, columns, labels))
    return ClientTable(rows=tuple(rows), warnings=tuple(warnings))


def _row(number: int, record: list[str], columns: dict[str, int], labels: dict[str, str]):
    def cell(field: str) -> str:
        index = columns.get(field)
        return record[index].strip() if index is not None and index < len(record) else ""

    def split(value: str) -> tuple[str, ...]:
        return tuple(part for part in _MULTI.split(value) if part)

    name = cell("name") or " ".join(filter(None, (cell("first_name"), cell("last_name"))))
    topics = split(cell("topics"))
    paper = cell("paper").lower() or None
    email = cell("email") or None
    fields = {**{k: f"row {number}: {v}" for k, v in labels.items()}}
    answer = cell("consent").casefold()
    consent = True if answer in _YES else False if answer in _NO else None
    try:
        if answer and consent is None:
            raise TakehomeError(
                f"row {number}: {labels['consent']}: '{cell('consent')}' is not yes or no; "
                "write yes or no"
            )
        if not name:
            raise TakehomeError(f"row {number}: no name; fill in the {labels['name']} column")
        client = Client.create(
            name,
            split(cell("conditions")),
            note=cell("note") or None,
            next_visit=cell("next_visit") or None,
            fields=fields,
        )
    except TakehomeError as exc:
        return ClientRow(number, None, topics, paper, email, error=str(exc), consent=consent)
    return ClientRow(number, client, topics, paper, email, consent=consent)
