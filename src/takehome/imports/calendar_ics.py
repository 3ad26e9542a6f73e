"""Clients from a calendar file (.ics): a booking system's export or subscription feed.

One day's appointments become rows, in start-time order, numbered 1, 2, 3... and
named "event 2 (10:30)" in messages. The documented rule (README, "Calendar files"):

- the client is the event's attendee who is not its organizer (name and email);
- else the description's "Name:" / "Client:" line, which also decides which
  side of the title is the client; its "Email:" line is used only with it;
- else the title: "Service between Host and Client" (Calendly), "Client - Service"
  (also with an en or em dash, " | " or ": "), "Service with Client" or "Service
  for Client"; a side that is one of the practice's services or topics, or has a
  duration ("60 min") or a word such as massage, is the service;
- STATUS:CANCELLED, a title starting or ending "Cancelled" or "No show", or a
  client attendee who declined, is skipped;
- all-day events (days off), free time, and events that name no client ("Busy",
  "Lunch", initials only) are left out, with a warning giving their times;
- the staff member, for --staff, is the description's "Calendar:" (or "Staff:",
  "Provider:"...) line, else the organizer, else the calendar's name.

An event's description (often the client's own booking notes, phone or intake
answers) is never printed: only the lines above are read from it. Nothing here
logs client data, and nothing is fetched: a web address is refused earlier.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.files import CSV_LIMIT, read_regular
from takehome.imports.clients_csv import (
    ClientRow,
    ClientTable,
    client_row,
    in_name_order,
    status_letters,
)

CALENDARS = (".ics", ".ical", ".ifb", ".icalendar")
# More events than this within a day of the one asked for is no clinic's day
# (an event repeating every second): refused rather than read for minutes.
MAX_EVENTS = 2000
# "Ana Silva - Deep Tissue 60", "Ana Silva: Hot Stone", "Ana Silva | Swedish";
# never a bare hyphen ("Mary-Jane", "Follow-up").
_SEPARATORS = re.compile(r"\s+[-\u2013\u2014|]\s+|:\s+")
# "Deep Tissue 60 with Ana Silva", "Prenatal Massage for Ana Silva".
_WITH = re.compile(r"^(?P<service>.+?)\s+(?:with|for)\s+(?P<name>.+)$", re.IGNORECASE)
_BETWEEN = re.compile(r"^(?P<service>.+?)\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$")
# Titles of appointments that did not happen, when a feed keeps them.
# A title's first part that is one of these (letters only) says so:
# "Cancelled: Ana Silva - Swedish", "[No show] ...", "Client cancelled - ...".
_NOT_HELD_TITLE = {
    *("cancel", "cancelled", "canceled", "cancellation", "latecancel", "latecancelled"),
    *("latecanceled", "latecancellation", "noshow", "missed", "dna", "didnotshow"),
    *("didnotattend", "declined", "deleted", "rescheduled", "annul", "annule", "annulee"),
    *("storniert", "abgesagt"),
}
_NO_SHOW_TITLE = {"noshow", "missed", "dna", "didnotshow", "didnotattend"}
_NO_SHOW_END = ("noshow", "missed")  # "... (no show)" at the end of a title
_NOT_HELD_END = re.compile(
    r"[(\[\-\u2013\u2014|:]\s*(cancel+ed|canceled|no[\s-]?show|missed)\s*[)\]]?\s*$",
    re.IGNORECASE,
)
DESCRIPTION = "event description"

# Titles of time that is no appointment with a named client.
_NO_CLIENT = {
    *("busy", "blocked", "block", "break", "lunch", "personal", "unavailable", "hold"),
    *("outofoffice", "dayoff", "off", "admin", "cleaning", "appointment", "session"),
    *("client", "private", "reserved", "tentative", "closed", "holiday", "vacation"),
}
# Words that make a part of a title a service, not a name.
_SERVICE_WORDS = re.compile(
    r"\d+\s*(?:min|mins|minutes?|hrs?|hours?|h)\b|\b(?:massage|therapy|session|treatment"
    r"|consult\w*|facial|reflexology|stone|tissue|swedish|prenatal|pregnancy|sports?|cupping"
    r"|lymphatic|drainage|relaxation|couples?|rmt|bodywork|acupressure|shiatsu|thai|reiki"
    r"|follow[\s-]?up|new\s+client|initial|assessment|intake|visit|appointment|tune[\s-]?up"
    r"|stretch\w*|myofascial|trigger|craniosacral|aromatherapy|scrub|wrap)\b",
    re.IGNORECASE,
)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.?\s*){1,3}$")
# "Key: value" lines of a description that are read; every other line is not.
_DESCRIBED = {
    "name": {"client", "clientname", "name", "customer", "customername", "patient", "invitee"},
    "email": {"email", "emailaddress", "clientemail", "customeremail", "inviteeemail"},
    "service": {
        *("service", "servicename", "appointmenttype", "type", "treatment", "eventname"),
        *("eventtype", "eventtypename", "sessiontype"),
    },
    "staff": {
        *("calendar", "staff", "staffmember", "provider", "practitioner", "therapist"),
        *("teammember", "employee", "clinician", "with"),
    },
}


def read_calendar(
    path: Path,
    day: dt.date | None,
    *,
    is_service: Callable[[str], bool] = lambda text: False,
    name_order: str = "auto",
    therapist: str = "",
) -> ClientTable:
    """The appointments of ``day`` (all events, each once, when ``day`` is None)
    in a calendar file, as a ClientTable of rows in start-time order.
    ``therapist`` (the profile's) is never taken for a client."""
    import icalendar
    import recurring_ical_events

    data = read_regular(path, limit=CSV_LIMIT, what="a calendar")
    warnings: list[str] = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(
            f"{path}: not UTF-8, so letters in names may be lost; export or download the "
            "calendar again"
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and others for damaged files
        raise TakehomeError(
            f"{path}: not a readable calendar file ({type(exc).__name__}); export or "
            "download the .ics file again"
        ) from None
    # An event repeating every minute or second is no appointment, and would
    # take minutes to expand: it is left out before anything is expanded.
    runaway = {
        id(event)
        for event in calendar.subcomponents
        if event.name == "VEVENT" and _repeats_too_often(event)
    }
    if runaway:
        calendar.subcomponents = [c for c in calendar.subcomponents if id(c) not in runaway]
        warnings.append(
            f"{path}: {len(runaway)} event(s) repeat every minute or second and are left out"
        )
    try:
        if day is None:
            events = list(calendar.walk("VEVENT"))
        else:
            query = recurring_ical_events.of(calendar, skip_bad_series=True)
            events = _events_near(path, query, day)
    except TakehomeError:
        raise
    except Exception as exc:
        raise TakehomeError(
            f"{path}: its events could not be read ({type(exc).__name__}: a time zone or "
            "repeat rule it does not explain); export or download the .ics file again"
        ) from None

    found = []
    all_days = 0
    for event in events:
        start = _local_start(event)
        if start is None:
            value = getattr(event.get("DTSTART"), "dt", None)
            all_days += day is None or value == day
            continue
        if day is not None and start.date() != day:
            continue
        if _text(event, "TRANSP").upper() == "TRANSPARENT" or (
            _text(event, "X-MICROSOFT-CDO-BUSYSTATUS").upper() == "FREE"
        ):
            continue  # marked free: not an appointment
        found.append((start, event))
    if not found:
        message = _nothing_that_day(path, day, calendar, all_days)
        if runaway:
            left = f" ({len(runaway)} event(s) repeating every minute or second left out);"
            message = message.replace(";", left, 1)
        raise TakehomeError(message)
    found.sort(key=lambda pair: pair[0])

    # A feed's name is often its therapist's: "Acuity Scheduling: Dana Whitfield".
    owner = " ".join(_text(calendar, "X-WR-CALNAME").split()).rpartition(": ")[2]
    method = _text(calendar, "METHOD").strip().upper()  # CANCEL: the whole file is cancelled
    rows: list[ClientRow] = []
    no_client: list[str] = []
    described = has_staff = False
    for start, event in found:
        number, time = len(rows) + 1, f"{start:%H:%M}"
        where = f"event {number} ({time})"
        described = described or bool(_text(event, "DESCRIPTION").strip())
        people = _People.of(event, owner, therapist)
        staff = people.described.get("staff") or people.organizer[0] or owner or None
        has_staff = has_staff or bool(staff)
        not_held = _not_held(event, people, method)
        try:
            name, email, service = _client_and_service(event, is_service, people)
        except _Unclear as unclear:
            error = (
                f"{where}: the event's client is unclear ({unclear}); fix the "
                "event in the booking system, or make this handout with `takehome make`"
            )
            row = ClientRow(
                number, None, (), None, None, error=error, not_held=not_held, staff=staff
            )
            rows.append(row.with_date(start.date(), time))
            continue
        if _no_client(name) and not not_held:
            no_client.append(time)  # blocked time, or a feed that hides names
            continue
        row = client_row(
            number,
            name=in_name_order(name, name_order),
            service=service,
            email=email,
            staff=staff,
            not_held=not_held,
            labels={"name": "event title", "status": "STATUS"},
            where=where,
        )
        rows.append(row.with_date(start.date(), time))
        if row.client is not None and not service and not not_held:
            warnings.append(
                f"{where}: the event names no service; it gets --topic, or "
                "put the service in the event's title"
            )
    if no_client:
        warnings.append(
            f"{path}: {len(no_client)} event(s) name no client and are left out (at "
            f"{', '.join(no_client)}): blocked time, or a calendar that hides clients' names "
            "(turn that off in the booking system's calendar settings, or export a CSV)"
        )
    if not rows:
        when = f"on {day}" if day else "in it"
        raise TakehomeError(
            f"{path}: no event {when} names a client; if your booking system hides "
            "clients' names in its calendar, turn that off or export the day as CSV"
        )
    return ClientTable(
        rows=tuple(rows),
        warnings=tuple(warnings),
        unprinted_notes=DESCRIPTION if described else None,
        has_staff=has_staff,
        columns=("SUMMARY", "ATTENDEE", "ORGANIZER", "STATUS", "DTSTART", "DESCRIPTION"),
        calendar=True,
    )


def _repeats_too_often(event) -> bool:
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules]:
        if rule is not None and {str(f).upper() for f in rule.get("FREQ", [])} & {
            "SECONDLY",
            "MINUTELY",
        }:
            return True
    return False


def _events_near(path: Path, query, day: dt.date) -> list:
    """The events starting within a day either side of ``day`` (a bounded scan,
    in start order); each one's own local date decides later."""
    events = []
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time())
    last = day + dt.timedelta(days=1)
    for event in itertools.islice(query.after(start), MAX_EVENTS + 1):
        value = getattr(event.get("DTSTART"), "dt", None)
        date = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(date, dt.date) and date > last:
            break
        events.append(event)
    if len(events) > MAX_EVENTS:
        raise TakehomeError(
            f"{path}: more than {MAX_EVENTS} events around {day} (one repeats too often); "
            "export only the day's appointments"
        )
    return events


def _text(component, name: str) -> str:
    """A property as text; the first one when a damaged file repeats it."""
    value = component.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def _values(component, name: str) -> list:
    """Every value of a property (a damaged or rich file may repeat it)."""
    value = component.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _local_start(event) -> dt.datetime | None:
    """An event's start as wall-clock time where the clinic is; None for all-day events.

    Times with a zone keep their own wall-clock time (the feed's zone, applied
    from X-WR-TIMEZONE by recurring-ical-events); times in UTC become this
    computer's local time; floating times are taken as written.
    """
    start = event.get("DTSTART")
    value = getattr(start, "dt", None)
    if not isinstance(value, dt.datetime):
        return None  # a date: an all-day event
    zone = value.tzinfo
    if zone is not None and (
        zone is dt.UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC", "Z")
    ):
        value = value.astimezone()
    return value.replace(tzinfo=None)


def _person(prop) -> tuple[str, str | None]:
    """(name, email) of an ATTENDEE or ORGANIZER property; a name that is an
    email address is no name."""
    if prop is None:
        return "", None
    if isinstance(prop, list):
        prop = prop[0] if prop else None
        if prop is None:
            return "", None
    address = str(prop)
    email = address[7:].strip() if address.lower().startswith("mailto:") else None
    name = str(prop.params.get("CN", "")).strip() if hasattr(prop, "params") else ""
    if "@" in name:
        name = ""
    return name, (email or None)


@dataclass(frozen=True)
class _People:
    """Who an event names, read once: its organizer, the hosts (organizer,
    calendar owner, the profile's therapist), the attendees who may be the
    client, and the known lines of its description."""

    organizer: tuple[str, str | None]
    hosts: tuple[str, ...]
    clients: tuple  # (attendee, name, email)
    described: dict[str, str]

    @classmethod
    def of(cls, event, owner: str, therapist: str = "") -> _People:
        organizer = _person(event.get("ORGANIZER"))
        hosts = tuple(name for name in (organizer[0], owner, therapist) if name)
        clients = []
        for attendee in _values(event, "ATTENDEE"):
            name, email = _person(attendee)
            params = getattr(attendee, "params", {})
            if str(params.get("CUTYPE", "INDIVIDUAL")).upper() not in ("INDIVIDUAL", ""):
                continue  # a room or a resource
            if str(params.get("ROLE", "")).upper() == "CHAIR":
                continue
            if (email and email == organizer[1]) or any(_same_words(name, h) for h in hosts):
                continue
            clients.append((attendee, name, email))
        return cls(organizer, hosts, tuple(clients), _described(event))


def _described(event) -> dict[str, str]:
    """The known "Key: value" lines of an event's description. A key given twice
    with different values is not used (a client may type "Email:" in a form);
    a "Name:" that does not look like a name is not used either."""
    import html

    text = _text(event, "DESCRIPTION")
    # Descriptions edited on the web are HTML: "Name: Ana<br>Notes: ...".
    text = re.sub(r"(?i)<\s*(br|/p|/div|/li)\s*/?>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        key = re.sub(r"[^a-z]", "", key.casefold())
        value = " ".join(value.split())
        if not sep or not value:
            continue
        for field, keys in _DESCRIBED.items():
            if key in keys:
                found.setdefault(field, set()).add(value)
    chosen = {field: next(iter(values)) for field, values in found.items() if len(values) == 1}
    if "name" in chosen and not _looks_like_name(chosen["name"]):
        del chosen["name"]
    return chosen


def _looks_like_name(text: str) -> bool:
    """A person's name, not a sentence: a few words, no digits or markup."""
    return len(text) <= 80 and len(text.split()) <= 6 and not re.search(r"[\d<>@;:]", text)


def _no_client(name: str) -> bool:
    letters = re.sub(r"[^a-z]", "", name.casefold())
    return not letters or letters in _NO_CLIENT or bool(_INITIALS.match(name.strip()))


class _Unclear(Exception):
    """An event whose client cannot be told safely (the row fails, named by time)."""


def _client_and_service(event, is_service, people: _People) -> tuple[str, str | None, str]:
    """The client's name and email and the service, by the module's rule.

    Raises _Unclear when two sources name different people, or nothing tells
    the client from the host: a name on the handout and an address it is sent
    to must belong to one person.
    """
    title = _title_parts(" ".join(_text(event, "SUMMARY").split()))[1]
    hosts = people.hosts
    clients = [(name, email) for _, name, email in people.clients]
    described = people.described
    listed = described.get("name", "")
    attendee = clients[0][0] if len(clients) == 1 else ""
    if attendee and listed and not _same_words(attendee, listed):
        raise _Unclear("its attendee is not the person its description names")
    names, service = _split_title(title, is_service, attendee or listed)
    if len(names) == 2:  # "Service between Host and Client": the host is left out
        names = [n for n in names if not any(_same_words(n, host) for host in hosts)]
        if len(names) != 1:
            raise _Unclear("its title names two people and neither is known as the host")
    if not service:
        service = described.get("service", "")

    if len(clients) == 1 and (attendee or not names):
        name, email = clients[0]
        if name and names and not _same_words(names[0], name):
            raise _Unclear("its attendee is not the person its title names")
        return name or (names[0] if names else ""), email, service
    # Several attendees or none: the title (or the description) names the client.
    name = names[0] if names else listed
    if listed and name and not _same_words(listed, name):
        raise _Unclear("its description names another person than its title")
    email = next((e for n, e in clients if name and _same_words(n, name)), None)
    if email is None and not clients and listed:
        email = described.get("email")  # only beside the name it belongs to
    return name, email, service


def _looks_like_service(text: str, is_service) -> bool:
    return _service_score(text, is_service) > 0


def _service_score(text: str, is_service) -> int:
    """How surely a part of a title is a service: the menu or a topic, then a
    duration or "massage", then a word such as "stone" (which a name may have)."""
    if is_service(text):
        return 4
    score = 2 if re.search(r"\d+\s*(?:min|mins|minutes?|hrs?|hours?|h)\b", text, re.I) else 0
    if re.search(r"\b(?:massage|therapy|treatment|session|bodywork)\b", text, re.I):
        score += 2
    return score + len(_SERVICE_WORDS.findall(text))


def _split_title(title: str, is_service, known_name: str | None = None) -> tuple[list[str], str]:
    """(names, service) from an event title, by the module's rule. ``known_name``
    (from an attendee or the description) picks the name among the parts."""
    if not title or is_service(title):
        return [], title
    between = _BETWEEN.match(title)
    if between:
        return [between["a"].strip(), between["b"].strip()], between["service"].strip()
    parts = [part.strip() for part in _SEPARATORS.split(title) if part.strip()]
    if len(parts) >= 2:
        if known_name:
            named = [p for p in parts if _same_words(p, known_name)]
            if named:
                rest = [p for p in parts if p is not named[0]]
                services = [p for p in rest if _looks_like_service(p, is_service)]
                return named[:1], " ".join(services or rest)
        scores = [_service_score(part, is_service) for part in parts]
        low = min(scores)
        lowest = [part for part, score in zip(parts, scores, strict=True) if score == low]
        if len(lowest) == 1:
            # The part least like a service is the name: "Swedish Massage - Emma Stone".
            name = lowest[0]
            return [name], " ".join(part for part in parts if part is not name)
        if len(parts) == 2:
            return [parts[0]], parts[1]  # the client first, as most systems write it
        raise _Unclear("its title does not tell the client's name from the service")
    match = _WITH.match(title)
    if match and not _looks_like_service(match["name"], is_service):
        return [match["name"].strip()], match["service"].strip()
    if _looks_like_service(title, is_service):
        return [], title
    return [title], ""


def _same_words(left: str, right: str) -> bool:
    """Whether two names are one person's, as written: case, accents' absence and
    punctuation aside, and "Silva, Ana" is Ana Silva; word order counts."""

    def words(text):
        return re.findall(r"\w+", in_name_order(text, "auto").casefold())

    return bool(left) and words(left) == words(right)


def _title_parts(title: str) -> tuple[str, str]:
    """(status, rest) of a title: the letters of a first part that says the
    appointment did not happen ("Cancelled: Ana Silva - Swedish" gives
    "cancelled" and "Ana Silva - Swedish"), else "" and the title without a
    trailing "(cancelled)"; the rest still names the client, for the checks."""
    title = _NOT_HELD_END.sub("", title).strip()
    match = re.match(r"^\W*([^:\]\)|]+?)\s*(?:[:\])|]|\s[-\u2013\u2014]\s)\s*(.*)$", title)
    head = match[1] if match else title
    status = status_letters(head)
    if status in _NOT_HELD_TITLE:
        return status, match[2].strip() if match else title
    return "", title


def _not_held(event, people: _People, method: str = "") -> str | None:
    """Why this appointment did not happen, in words that name no one."""
    statuses = [str(v) for name in ("STATUS", "X-STATUS") for v in _values(event, name)]
    if method == "CANCEL" or any(
        status.strip().upper() in ("CANCELLED", "CANCELED") for status in statuses
    ):
        return "Status: cancelled in the calendar"
    title = _text(event, "SUMMARY").strip()
    status = _title_parts(title)[0]
    end = _NOT_HELD_END.search(title)
    if status in _NO_SHOW_TITLE or (end and status_letters(end[1]).startswith(_NO_SHOW_END)):
        return "Status: no-show (in the title)"
    if status or end:
        return "Status: cancelled (in the title)"
    declined = [
        attendee
        for attendee, _, _ in people.clients
        if str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED"
    ]
    if declined and len(declined) == len(people.clients):
        return "Status: the client declined the invitation"
    return None


def _nothing_that_day(path: Path, day: dt.date | None, calendar, all_days: int) -> str:
    import recurring_ical_events

    if day is None:
        return f"{path}: no appointments in this calendar; export or download it again"
    dates = set()
    try:  # the nearest days with appointments, recurring ones included (a bounded scan)
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        since = dt.datetime.combine(day - dt.timedelta(days=120), dt.time())
        for event in itertools.islice(query.after(since), MAX_EVENTS):
            value = getattr(event.get("DTSTART"), "dt", None)
            if isinstance(value, dt.datetime):
                dates.add(value.date())
                if value.date() > day:
                    break
    except Exception:  # only a hint: the message is still right without it
        pass
    before = max((d for d in dates if d < day), default=None)
    after = min((d for d in dates if d > day), default=None)
    near = " and ".join(str(d) for d in (before, after) if d)
    hint = f" (its nearest are on {near})" if near else ""
    days_off = f" (only {all_days} all-day event(s): days off or blocked time)" if all_days else ""
    return f"{path}: no appointments on {day}{days_off}{hint}; give the day with --date YYYY-MM-DD"
