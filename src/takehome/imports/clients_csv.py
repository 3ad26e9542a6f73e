"""Clients from a booking-software CSV export: header matching, encodings, rows.

Client data is health information: nothing here logs it. Errors name the row and
column, never the client.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.files import CSV_LIMIT, read_regular
from takehome.model.client import Client

# Header names are compared with case, spaces and punctuation removed, so
# "E-mail", "EMAIL" and "e mail" are one name.
COLUMN_ALIASES = {
    "name": (
        *("name", "client", "clientname", "fullname", "customer", "customername"),
        *("patient", "patientname", "guest", "guestname", "invitee", "inviteename"),
        *("clientfullname", "customerfullname", "patientfullname"),
    ),
    "first_name": ("firstname", "first", "givenname", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail"),
    # Never a billing code ("Service Code", "CPT Code"): those name no massage.
    "topics": (
        *("topics", "topic", "handouts", "handout", "service", "services", "servicename"),
        *("servicetitle", "servicetype", "appointmenttype", "treatment", "treatments"),
        *("servicesbooked", "type", "sessiontype", "eventtypename", "eventtype", "item"),
        *("itemname", "appointmenttypename", "treatmenttype", "servicenames", "primaryservice"),
    ),
    "conditions": ("conditions", "condition", "healthconditions", "medicalconditions"),
    # Printed as "A note from your therapist": only a column meant for the handout.
    "note": (
        *("therapistnote", "therapistnotes", "handoutnote", "handoutnotes"),
        *("noteforclient", "notesforclient", "notetoclient", "clienthandoutnote"),
    ),
    # A booking system's own notes (often typed by the client when booking, or
    # the staff's private notes): never printed; the dry run says so.
    "booking_note": (
        *("notes", "note", "comments", "comment", "bookingnotes", "bookingnote"),
        *("appointmentnotes", "appointmentnote", "clientnotes", "customernotes"),
        *("internalnotes", "staffnotes", "inviteenotes", "meetingnotes", "clientcomments"),
    ),
    # "State" is Jane's status column; an address's State never holds a status word.
    "status": (
        *("status", "appointmentstatus", "bookingstatus", "eventstatus", "visitstatus"),
        "state",
    ),
    "staff": (
        *("staff", "staffmember", "staffname", "provider", "providername", "practitioner"),
        *("employee", "calendar", "serviceprovider", "therapist", "teammember", "host"),
        *("assignedto", "resource", "practitionername", "therapistname", "employeename"),
        *("clinician", "clinicianname", "username"),
    ),
    "date": (
        *("date", "appointmentdate", "startdate", "starttime", "startdatetime", "start"),
        *("appointmenttime", "appointmentdatetime", "datetime", "eventdate", "scheduledfor"),
        *("scheduleddate", "visitdate", "datetimestart", "startat", "dateofservice"),
    ),
    "next_visit": (
        *("nextvisit", "nextappointment", "nextbooking", "nextappointmentdate"),
        *("nextappt", "nextvisitdate"),
    ),
    "paper": ("paper", "papersize"),
    "large_print": ("largeprint", "largetext", "largetype", "largefont", "bigprint"),
    "consent": ("emailok", "consent", "emailconsent", "oktoemail", "mayemail", "emailoptin"),
}
_YES = {"yes", "y", "true", "1", "x", "ok", "agreed"}
_NO = {"no", "n", "false", "0", "declined"}
# A Large Print cell: yes or no, not consent's "agreed" or "declined".
_PRINT_YES = {"yes", "y", "true", "1", "x"}
_PRINT_NO = {"no", "n", "false", "0"}
_ALIAS_TO_FIELD = {alias: field for field, aliases in COLUMN_ALIASES.items() for alias in aliases}
# Yes/no columns that say an appointment did not happen ("Canceled" TRUE).
FLAG_COLUMNS = (
    *("canceled", "cancelled", "iscanceled", "iscancelled", "noshow", "isnoshow"),
    *("latecancel", "latecancelled", "latecanceled", "missed", "deleted", "markedasnoshow"),
    # A date or a name in these says the appointment was cancelled.
    *("cancelledat", "canceledat", "cancelleddate", "canceleddate", "cancellationdate"),
    *("cancelledon", "canceledon", "cancelledby", "canceledby", "noshowat", "noshowdate"),
)
# Status words (letters only, case ignored) of an appointment that did not
# happen: a cell containing one is skipped ("Cancelled by client", "No-Show").
NOT_HELD = (
    *("cancel", "noshow", "missed", "declin", "delet", "reschedul", "didnotshow", "didntshow"),
    *("notshown", "void", "reject", "expired", "removed", "cxl", "annul", "storn", "abgesagt"),
    *("absent", "notarrived"),
)
# "Silva, Ana" is Ana Silva; "Ana Silva, Jr." is not a reversed name.
_SUFFIXES = {
    *("jr", "sr", "ii", "iii", "iv", "md", "phd", "lmt", "rn", "dds", "esq", "cmt", "dc"),
    *("dpt", "pt", "np", "lmbt", "inc", "llc", "ltd"),
}
# Names in Chinese, Japanese or Korean script are never reordered.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
DELIMITERS = ",;\t"
# Several topics or conditions in one cell: "glutes; neck-shoulders" or "a, b".
_MULTI = re.compile(r"\s*[;,]\s*")


# How many rows above the header a report title may take (ClinicSense: 7).
HEADER_SEARCH = 12
# "Client Email", "Customer First Name": a booking system's prefix, dropped for
# these fields only. ("Client Notes" stays unmatched on purpose: in booking
# systems those are often the staff's private notes, not for the handout.)
_PREFIXES = ("client", "customer", "patient", "guest")
_PREFIXABLE = {"name", "first_name", "last_name", "email"}
# How a row's fields are named in its messages, when the file names them otherwise.
DEFAULT_LABELS = {
    "name": "Name",
    "note": "Therapist Note",
    "next_visit": "Next Visit",
    "conditions": "Conditions",
    "consent": "Consent",
    "status": "Status",
    "large_print": "Large Print",
}


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


def _match_columns(header: list[str]):
    """The field each column gives (first of two same-named wins), the headers as
    written, and the other columns that can mark an appointment as not held:
    (index, header, is_status) for yes/no columns and for a second status column
    ("Status" for payment beside "Appointment Status")."""
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    flags: list[tuple[int, str, bool]] = []
    state = None
    for index, title in enumerate(header):
        if _header_key(title) in FLAG_COLUMNS:
            flags.append((index, title.strip(), False))
            continue
        if _header_key(title) == "state":
            # Jane's status column, or an address's State: only when no other
            # column gives the status.
            state = state or (index, title.strip())
            continue
        field = _field_for(title)
        if field == "status" and field in columns:
            flags.append((index, title.strip(), True))
        elif field and field not in columns:
            columns[field] = index
            written[field] = title.strip()
    if state and "status" not in columns:
        columns["status"], written["status"] = state
    return columns, written, flags


# Date and time formats seen in booking exports. Day and month order: month
# first (US systems) unless some date in the column has a first number over 12.
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%m.%d.%Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%a %b %d %Y",
    "%A %B %d %Y",
    "%a %d %b %Y",
    "%A %d %B %Y",
)
_DAY_FIRST = {"%m/%d/%Y": "%d/%m/%Y", "%m/%d/%y": "%d/%m/%y", "%m-%d-%Y": "%d-%m-%Y"}
_DAY_FIRST["%m.%d.%Y"] = "%d.%m.%Y"


def _date_part(text: str) -> str:
    """The date of a date-and-time cell, commas dropped: "Wed, Nov 25, 2026 3:00 PM"."""
    text = re.sub(r"\b([A-Za-z]{3,9})\.", r"\1", text.strip())  # "Nov. 28" is "Nov 28"
    text = text.replace(",", " ")
    text = re.split(r"(?<=\d)T(?=\d)|\s+\d{1,2}:\d{2}", text, maxsplit=1)[0]
    return " ".join(text.split())


def _date_reader(cells: list[str], order: str = "auto"):
    """A function reading this column's dates (None for a cell it cannot read)."""
    parts = [_date_part(c) for c in cells if c.strip()]
    numeric = [m for p in parts if (m := re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}$", p))]
    day_first = order == "day-first" or (order == "auto" and any(int(m[1]) > 12 for m in numeric))
    # Month first unless the column (or the profile) says otherwise; said when
    # nothing can tell.
    read_ambiguous = (
        order == "auto"
        and not day_first
        and not any(int(m[2]) > 12 for m in numeric)
        and any(m[1] != m[2] for m in numeric)
    )
    formats = [_DAY_FIRST.get(f, f) if day_first else f for f in _DATE_FORMATS]

    def read(cell: str) -> dt.date | None:
        part = _date_part(cell)
        if re.fullmatch(r"[34]\d{4}", part):
            # A spreadsheet's day number (46354 is 2026-11-28), from a column
            # whose date format was lost: 1899-12-30 is day 0.
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(part))
        for fmt in formats:
            try:
                return dt.datetime.strptime(part, fmt).date()
            except ValueError:
                continue
        return None

    read.ambiguous = read_ambiguous
    return read


NAME_ORDERS = ("auto", "first-last", "last-first")
DATE_ORDERS = ("auto", "month-first", "day-first")


@dataclass(frozen=True)
class ReadRules:
    """How to read a client list, as one value: which column is printed as the
    therapist's note, and how names and numeric dates are written.

    ``note_column`` names the column to print as the note (else only a column
    meant for the handout, such as "Therapist Note"); when it is not in the file
    that is an error naming ``note_label``, or only a warning when
    ``note_required`` is False (a profile's default, for files of every kind).
    ``name_order`` reads a one-column name: "auto" takes "Silva, Ana" as Ana
    Silva; "last-first" and "first-last" force it. ``date_order`` reads
    04/05/2026: "auto" takes the month first unless the column shows otherwise.
    """

    note_column: str | None = None
    note_label: str = "note column"
    note_required: bool = True
    name_order: str = "auto"
    date_order: str = "auto"


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
    service: str = ""  # the service cell as written, matched whole before it is split
    not_held: str | None = None  # why the appointment did not happen ("Status: No Show")
    staff: str | None = None
    date: dt.date | None = None  # the appointment's date, when the export has one
    time: str | None = None  # the appointment's start ("14:30"), from a calendar
    date_unread: str | None = None  # a date cell that could not be read ("Date: '31/31'")
    large_print: bool | None = None  # the Large Print cell; None: the command's default

    @property
    def where(self) -> str:
        """How messages name this row: "row 4", or a calendar's "event 2 (10:30)"."""
        return f"event {self.row} ({self.time})" if self.time else f"row {self.row}"

    def with_date(self, date: dt.date | None, time: str | None = None) -> ClientRow:
        """This row with its appointment's date (and start time)."""
        return replace(self, date=date, time=time)


@dataclass(frozen=True)
class ClientTable:
    """What a CSV file held: its rows, and anything the user should be told."""

    rows: tuple[ClientRow, ...]
    warnings: tuple[str, ...]
    note_column: str | None = None  # the column printed as the therapist's note
    unprinted_notes: str | None = None  # a booking-notes column that is not printed
    has_staff: bool = False
    columns: tuple[str, ...] = ()  # the header as found, for messages
    calendar: bool = False  # read from a calendar file: rows are the day's events


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
    encoding = _detect(data)
    if encoding is None:
        raise TakehomeError(
            f"{path}: not UTF-8, and not text in any Windows code page; "
            f"save it as CSV UTF-8 or give its encoding with {label}"
        )
    return data.decode(encoding), [
        f"{path}: not UTF-8, so read as {CODE_PAGES[encoding]} (detected); if names look "
        f"wrong, save the file as 'CSV UTF-8' or give its encoding with {label}"
    ]


# The code pages Excel's plain "CSV" is written in, by the computer's language.
CODE_PAGES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
}


def _detect(data: bytes) -> str | None:
    """The code page of a non-UTF-8 export (charset-normalizer), Western first.

    A short list of names says little: where Windows-1252 reads the file as
    well as the best guess, it is taken (most such files come from it).
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=list(CODE_PAGES)))
    if not matches:
        return None
    least = min(match.chaos for match in matches)
    if any(m.encoding == "cp1252" and m.chaos <= least for m in matches):
        return "cp1252"
    best = matches[0]
    try:
        if data.decode("cp1252") == str(best):
            return "cp1252"  # the same text either way
    except UnicodeDecodeError:
        pass
    return best.encoding if best.encoding in CODE_PAGES else None


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
    # The header line decides: the first of the top lines that names a client
    # column (a report title such as "Appointment Report" may stand above it).
    top = sample.splitlines()[:HEADER_SEARCH]
    header = top[0] if top else ""
    split = []
    for line in top:
        delimiter = max(DELIMITERS, key=line.count)
        split.append(line.split(delimiter) if line.count(delimiter) else [line])
    matches = [_match_columns(cells) for cells in split]
    index = _header_index(split, [match[0] for match in matches])
    if index is None:  # a header without a name column still tells the delimiter
        index = next((i for i, match in enumerate(matches) if _known_count(match) >= 2), None)
    if index is not None:
        header = top[index]
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


SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


def read_clients_file(
    path: Path,
    encoding: str | None = None,
    label: str = "encoding",
    rules: ReadRules = ReadRules(),
) -> ClientTable:
    """A client list as it arrives: a CSV export, or a spreadsheet (.xlsx, .xls, .ods)."""
    if path.suffix.lower() in SPREADSHEETS:
        records, warnings = _spreadsheet_records(path)
        return table_from_records(path, records, warnings, rules)
    return read_clients_csv(path, encoding, label, rules)


def _spreadsheet_records(path: Path) -> tuple[list[list[str]], list[str]]:
    """The first visible sheet's rows as text (python-calamine reads all three
    formats), and a warning when the workbook has other sheets."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    data = read_regular(path, limit=CSV_LIMIT, what="a client list")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            index
            for index, sheet in enumerate(book.sheets_metadata)
            if sheet.visible == SheetVisibleEnum.Visible
        ]
        index = visible[0] if visible else 0
        rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own kinds for damaged files
        raise TakehomeError(
            f"{path}: not a readable spreadsheet ({type(exc).__name__}); open it in your "
            "spreadsheet program and save it again, or export the list as CSV UTF-8"
        ) from None
    name = book.sheet_names[index]
    if not rows:
        raise TakehomeError(f"{path}: the sheet '{name}' is empty; put the day's list on it")
    warnings = []
    if len(book.sheet_names) > 1:
        warnings.append(
            f"{path}: read the sheet '{name}' only (the workbook has {len(book.sheet_names)} "
            "sheets); put the day's list on the first visible sheet"
        )
    return [[_cell_text(value) for value in row] for row in rows], warnings


def _cell_text(value) -> str:
    # Dates as ISO text (read by the date column's rule); whole numbers without ".0".
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def read_clients_csv(
    path: Path,
    encoding: str | None = None,
    label: str = "encoding",
    rules: ReadRules = ReadRules(),
) -> ClientTable:
    """Read a booking export: any of the accepted headers, encodings and delimiters.

    A problem with the file as a whole raises TakehomeError; a problem with one
    row is kept on that row (``ClientRow.error``) so the other rows go ahead.
    ``rules`` says which column is the note and how names and dates are written.
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
    return table_from_records(path, records, warnings, rules)


def table_from_records(
    path: Path,
    records: list[list[str]],
    warnings: list[str],
    rules: ReadRules = ReadRules(),
) -> ClientTable:
    """Rows of cells (from a CSV or a spreadsheet) as a ClientTable."""
    # Some exports put a report title, a date range or blank rows above the
    # header: the header is the first of the top rows that has a name column.
    matches = [_match_columns(header) for header in records[:HEADER_SEARCH]]
    skip = _header_index(records[:HEADER_SEARCH], [m[0] for m in matches])
    if skip is None:
        known_names = (
            "known name columns: Name, Client, Client Name, Full Name, Customer, Patient, "
            "Guest, Invitee Name, or First Name and Last Name"
        )
        # A row naming two known columns (Service, Email, Date...) is a header,
        # whose cells can be shown; any other row may be a client's details.
        header = next((records[i] for i, m in enumerate(matches) if _known_count(m) >= 2), None)
        if header is not None:
            found = ", ".join(repr(h.strip()) for h in header if h.strip())
            raise TakehomeError(
                f"{path}: no column gives the client's name (columns found: {found}); rename "
                f"the column that holds the client's name to 'Name'; {known_names}"
            )
        first = next((r for r in records if any(c.strip() for c in r)), [])
        cells = [h.strip() for h in first if h.strip()]
        raise TakehomeError(
            f"{path}: no name column (its first row has {len(cells)} cell(s), none a known "
            "name column); name one column 'Name' (or use 'First Name' and 'Last Name'); "
            f"{known_names}"
        )
    columns, written, flags = matches[skip]
    header = [h.strip() for h in records[skip]]
    note_column = rules.note_column
    if note_column is not None:
        wanted = _header_key(note_column)
        index = next((i for i, h in enumerate(header) if _header_key(h) == wanted), None)
        found = ", ".join(repr(h) for h in header if h)
        if index is None and rules.note_required:
            raise TakehomeError(
                f"{rules.note_label} '{note_column}': not in {path} (columns found: {found}); "
                "give one of those"
            )
        if index is None:
            warnings.append(
                f"{rules.note_label} '{note_column}': not in {path}, so its rows carry no note "
                f"(columns found: {found})"
            )
        else:
            columns["note"], written["note"] = index, header[index]
            if columns.get("booking_note") == index:
                del columns["booking_note"]
    first_row = skip + 2  # as a spreadsheet numbers rows: the header is skip + 1
    records = records[skip + 1 :]
    if not any(any(cell.strip() for cell in record) for record in records):
        raise TakehomeError(f"{path}: has a header but no client rows; export the day's list again")
    labels = {
        **{field: written.get(field, default) for field, default in DEFAULT_LABELS.items()},
        "name": written.get("name") or f"{written.get('first_name')}/{written.get('last_name')}",
    }
    dates = _date_reader(
        [r[columns["date"]] for r in records if "date" in columns and columns["date"] < len(r)],
        rules.date_order,
    )

    rows = []
    for number, record in enumerate(records, start=first_row):
        if not any(cell.strip() for cell in record):
            continue  # blank lines at the end of an export
        row = _row(number, record, columns, labels, flags, rules.name_order)
        if row.client is not None and "?" in row.client.name:
            warnings.append(
                f"row {number}: {labels['name']}: has '?' where letters may have been lost "
                "(Excel's plain CSV keeps only one alphabet); export the list as 'CSV UTF-8'"
            )
        if "date" in columns:
            raw = _cell(record, columns["date"])
            date = dates(raw) if raw else None
            if raw and date is None and not row.not_held:
                warnings.append(
                    f"row {number}: {written['date']}: not read as a date; the handout "
                    "gets the batch's date"
                )
            row = row.with_date(date)
            if raw and date is None:
                row = replace(row, date_unread=f"{written['date']}: '{raw}'")
        rows.append(row)
    if "date" in columns and dates.ambiguous:
        warnings.append(
            f"{path}: {written['date']}: each date could be month/day or day/month; read month "
            "first (04/05/2026 is April 5); if your system writes the day first, set it once "
            "with `takehome config set clients.date_order day-first`"
        )
    unknown = sorted(
        {
            _cell(record, columns["status"])
            for record in records
            if "status" in columns and _cell(record, columns["status"])
        }
        - {row.not_held.split(": ", 1)[1] for row in rows if row.not_held}
    )
    unknown = [value for value in unknown if status_letters(value) not in KNOWN_HELD]
    if unknown:
        shown = ", ".join(f"'{value}'" for value in unknown[:5])
        if len(unknown) > 5:
            shown += f" and {len(unknown) - 5} more"
        warnings.append(
            f"{path}: {written['status']}: {shown} not statuses takehome knows, so those rows go "
            "ahead; if one means cancelled or no-show, remove those rows first"
        )
    return ClientTable(
        rows=tuple(rows),
        warnings=tuple(warnings),
        note_column=written.get("note") if "note" in columns else None,
        unprinted_notes=written.get("booking_note") if "booking_note" in columns else None,
        has_staff="staff" in columns,
        columns=tuple(h for h in header if h),
    )


def _known_count(match) -> int:
    columns, _, flags = match
    return len(columns) + len(flags)


def _header_index(rows: list[list[str]], found: list[dict]) -> int | None:
    """The header among the top rows: the one naming the most known columns, a
    name column among them. A title line ("Client:,All") names one column of
    two cells, so a row needs two known columns, unless it is a one-cell header
    (a file of names alone)."""
    best, best_count = None, 0
    for index, (row, columns) in enumerate(zip(rows, found, strict=False)):
        if not {"name", "first_name"} & set(columns):
            continue
        cells = [cell for cell in row if cell.strip()]
        count = len(columns)
        if count < 2 and len(cells) != 1:
            continue
        if count > best_count:
            best, best_count = index, count
    return best


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


_FLAG_NO = {"", "no", "n", "false", "0", "-", "none", "off"}
# Who did it, said before the status ("Client Cancelled", "Late Cancel").
_STATUS_PREFIXES = (
    *("client", "customer", "patient", "clinician", "staff", "late", "early", "therapist"),
    *("provider", "business", "practitioner", "salon", "spa", "studio", "admin", "system"),
)
# Statuses of appointments that happen: not warned about.
KNOWN_HELD = {
    *("confirmed", "booked", "bookedonline", "new", "started", "arrived", "completed"),
    *("show", "shown", "checkedin", "checkedout", "accepted", "awaitingconfirmation"),
    *("pending", "inprogress", "readytostart", "servicecompleted", "paid", "done"),
    *("scheduled", "active", "runninglate", "unconfirmed", "requested", "approved"),
}


def status_letters(status: str) -> str:
    """A status as lower-case letters, without who did it ("Client Cancelled": cancelled)."""
    letters = re.sub(r"[^a-z]", "", status.casefold())
    for prefix in _STATUS_PREFIXES:
        if letters.startswith(prefix) and len(letters) > len(prefix):
            letters = letters[len(prefix) :]
    return letters


def _not_held(record, columns, written, flags) -> str | None:
    status = _cell(record, columns.get("status"))
    if _says_not_held(status):
        return f"{written['status']}: {status}"
    for index, title, is_status in flags:
        value = _cell(record, index)
        if is_status and _says_not_held(value):
            return f"{title}: {value}"
        # Any mark but "no": a date of cancellation, a tick, "Cancelled".
        if not is_status and value.casefold() not in _FLAG_NO:
            return f"{title}: {value}"
    return None


def _says_not_held(status: str) -> bool:
    """Whether a status says the appointment did not happen; at the start only,
    so "Not cancelled" and "Confirmed - cancellation list" go ahead."""
    letters = status_letters(status)
    if letters.startswith(("cancellationlist", "removedfromwaitlist")):
        return False  # booked from a waiting list: the appointment goes ahead
    return bool(status) and (
        letters.startswith(NOT_HELD) or letters in ("dna", "didnotattend", "ns", "cxl", "cx")
    )


def in_name_order(name: str, order: str) -> str:
    """A one-column name as printed: "Silva, Ana" is Ana Silva (the documented rule).

    "auto": a name with one comma and words on both sides is Last, First,
    unless what follows the comma is a suffix (Jr., MD); "last-first": the
    part before the first comma is the last name; "first-last": as written.
    """
    if order == "first-last" or name.count(",") == 0:
        return name
    last, _, first = name.partition(",")
    last, first = last.strip(), first.strip()
    if not last or not first:
        return name
    letters = re.sub(r"[^a-z]", "", first.casefold())
    credential = (
        "," in first
        or letters in _SUFFIXES
        or (first.isupper() and len(letters) <= 5)  # CMT, DC, DPT
        or "." in first  # Inc., M.D.
    )
    if order == "auto" and (credential or _CJK.search(name)):
        return name
    return f"{first} {last}"


# Credentials written after a therapist's name ("Jordan Lee, RMT", "Lee, Jordan LMT").
_CREDENTIALS = _SUFFIXES | {
    *("rmt", "mt", "lmp", "bctmb", "nctmb", "cnmt", "atc", "lac", "ot", "nd", "dom"),
    *("msc", "bsc", "ma", "ba", "cpt", "lpn", "aprn", "pta", "cmlt", "clt", "mlt"),
}


def staff_name(name: str) -> tuple[tuple[str, ...], str]:
    """A staff cell as (key for comparing, name as printed): "Lee, Jordan RMT",
    "Lee, Jordan, RMT" and "Jordan Lee RMT" are all (("jordan", "lee"), "Jordan
    Lee, RMT"); case, punctuation, order and credentials are ignored in the key."""
    credentials: list[str] = []

    def strip(part: str) -> str:
        words = part.split()
        while len(words) > 1 and re.sub(r"[^a-z]", "", words[-1].casefold()) in _CREDENTIALS:
            credentials.insert(0, words.pop())
        return " ".join(words)

    parts = [part.strip() for part in name.split(",") if part.strip()]
    # Trailing parts that are credentials only: "Jordan Lee, RMT", "Lee, Jordan, RMT".
    while len(parts) > 1 and all(
        re.sub(r"[^a-z]", "", word.casefold()) in _CREDENTIALS for word in parts[-1].split()
    ):
        credentials.insert(0, parts.pop())
    parts = [strip(part) for part in parts]
    if len(parts) == 2 and not _CJK.search(name):
        parts = [parts[1], parts[0]]  # Last, First
    printed = " ".join(parts)
    key = tuple(
        word
        for word in re.findall(r"\w+", printed.casefold())
        if word not in _CREDENTIALS or len(printed.split()) == 1
    )
    if credentials:
        printed = f"{printed}, {' '.join(credentials)}"
    return key, printed


def person_key(name: str) -> tuple[str, ...]:
    """A person's name for comparing: words in First Last order, case, punctuation
    and credentials ignored ("Rivers, Sam", "Sam Rivers, LMT" and "sam rivers" agree)."""
    return staff_name(name)[0]


def _row(number, record, columns, labels, flags, name_order) -> ClientRow:
    def cell(field: str) -> str:
        return _cell(record, columns.get(field))

    name = cell("name")
    if name:
        name = in_name_order(name, name_order)
    else:
        name = " ".join(filter(None, (cell("first_name"), cell("last_name"))))
    return client_row(
        number,
        name=name,
        service=cell("topics"),
        email=cell("email") or None,
        staff=cell("staff") or None,
        not_held=_not_held(record, columns, labels, flags),
        labels=labels,
        conditions=cell("conditions"),
        note=cell("note"),
        next_visit=cell("next_visit"),
        paper=cell("paper"),
        consent=cell("consent"),
        large_print=cell("large_print"),
    )


def client_row(
    number: int,
    *,
    name: str,
    service: str,
    email: str | None,
    staff: str | None,
    not_held: str | None,
    labels: dict[str, str],
    conditions: str = "",
    note: str = "",
    next_visit: str = "",
    paper: str = "",
    consent: str = "",
    large_print: str = "",
    where: str | None = None,
) -> ClientRow:
    """One row from its cells (a CSV row's or a calendar event's); a problem is
    kept on the row (``ClientRow.error``) so the other rows go ahead. ``where``
    names the row in messages (default "row N")."""
    where = where or f"row {number}"

    def split(value: str) -> tuple[str, ...]:
        return tuple(part for part in _MULTI.split(value) if part)

    labels = {**DEFAULT_LABELS, **labels}
    topics = split(service)
    paper_key = paper.lower() or None
    fields = {k: f"{where}: {v}" for k, v in labels.items()}
    answer = consent.casefold()
    agreed = True if answer in _YES else False if answer in _NO else None
    size = large_print.strip().casefold()
    large = True if size in _PRINT_YES else False if size in _PRINT_NO else None
    extra = {"service": service, "not_held": not_held, "staff": staff, "large_print": large}
    try:
        if answer and agreed is None:
            raise TakehomeError(
                f"row {number}: {labels['consent']}: '{consent}' is not yes or no; write yes or no"
            )
        if size and large is None:
            raise TakehomeError(
                f"{where}: {labels['large_print']}: '{large_print}' is not yes or no; "
                "write yes or no (empty: as --large-print/--standard-print or the profile says)"
            )
        if not name:
            raise TakehomeError(f"{where}: no name; fill in the {labels['name']} column")
        client = Client.create(
            name,
            split(conditions),
            note=note or None,
            next_visit=next_visit or None,
            fields=fields,
        )
    except TakehomeError as exc:
        return ClientRow(
            number, None, topics, paper_key, email, error=str(exc), consent=agreed, **extra
        )
    return ClientRow(number, client, topics, paper_key, email, consent=agreed, **extra)
