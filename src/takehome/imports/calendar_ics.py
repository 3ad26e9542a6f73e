"""Clients from a calendar file (.ics): a booking system's export or subscription feed.

One day's appointments become rows, in start-time order, numbered 1, 2, 3... as
the dry run lists them. The documented rule (README, "Calendar files"):

- the client is the event's attendee who is not its organizer (name and email);
- else a "Client:", "Name:", "Email:" or "Service:" line of the description;
- else the title: "Service between Host and Client" (Calendly), "Client - Service"
  (also with an en or em dash, " | " or ": "), "Service with Client" or "Service
  for Client"; a side that is one of the practice's services or topics, or has a
  duration ("60 min") or a word such as massage, is the service;
- STATUS:CANCELLED, or a title starting "Cancelled" or "No show", is skipped;
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
import re
from collections.abc import Callable
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
# "Ana Silva - Deep Tissue 60", "Ana Silva: Hot Stone", "Ana Silva | Swedish".
_SEPARATORS = re.compile(r"\s+[-\u2013\u2014|]\s+|:\s+")
# "Deep Tissue 60 with Ana Silva", "Prenatal Massage for Ana Silva".
_WITH = re.compile(r"^(?P<service>.+?)\s+(?:with|for)\s+(?P<name>.+)$", re.IGNORECASE)
# Titles of appointments that did not happen, when a feed keeps them.
_NOT_HELD_TITLE = ("cancel", "noshow", "missed", "declined", "deleted", "reschedul")
DESCRIPTION = "event description"


def read_calendar(
    path: Path,
    day: dt.date | None,
    *,
    is_service: Callable[[str], bool] = lambda text: False,
    name_order: str = "auto",
) -> ClientTable:
    """The appointments of ``day`` (all events, each once, when ``day`` is None)
    in a calendar file, as a ClientTable of rows in start-time order."""
    import icalendar
    import recurring_ical_events

    data = read_regular(path, limit=CSV_LIMIT, what="a calendar")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and others for damaged files
        raise TakehomeError(
            f"{path}: not a readable calendar file ({type(exc).__name__}); export or "
            "download the .ics file again"
        ) from None
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        if day is None:
            events = list(calendar.walk("VEVENT"))
        else:
            # A day either side, then each event's own local date decides.
            events = list(query.between(day - dt.timedelta(days=1), day + dt.timedelta(days=2)))
    except Exception as exc:
        raise TakehomeError(
            f"{path}: its events could not be read ({type(exc).__name__}); export or download "
            "the .ics file again"
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
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue  # marked free: not an appointment
        found.append((start, event))
    if not found:
        raise TakehomeError(_nothing_that_day(path, day, calendar, all_days))
    found.sort(key=lambda pair: pair[0])

    # A feed's name is often its therapist's: "Acuity Scheduling: Dana Whitfield".
    owner = " ".join(str(calendar.get("X-WR-CALNAME", "")).split()).rpartition(": ")[2]
    rows: list[ClientRow] = []
    warnings: list[str] = []
    no_client: list[str] = []
    described = has_staff = False
    for start, event in found:
        number, time = len(rows) + 1, f"{start:%H:%M}"
        where = f"event {number} ({time})"
        described = described or bool(str(event.get("DESCRIPTION", "")).strip())
        staff = _described(event).get("staff") or _person(event.get("ORGANIZER"))[0] or owner
        staff = staff or None
        has_staff = has_staff or bool(staff)
        not_held = _not_held(event)
        try:
            name, email, service = _client_and_service(event, is_service, owner)
        except _Unclear as unclear:
            error = (
                f"{where}: the event's client is unclear ({unclear}); fix the "
                "event in the booking system, or make this handout with `takehome make`"
            )
            row = ClientRow(number, None, (), None, None, error=error, not_held=not_held)
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
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        value = value.astimezone()
    return value.replace(tzinfo=None)


def _person(prop) -> tuple[str, str | None]:
    """(name, email) of an ATTENDEE or ORGANIZER property."""
    if prop is None:
        return "", None
    address = str(prop)
    email = address[7:] if address.lower().startswith("mailto:") else None
    name = str(prop.params.get("CN", "")).strip() if hasattr(prop, "params") else ""
    return name, (email or None)


def _attendees(event) -> list:
    value = event.get("ATTENDEE")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# Titles of time that is no appointment with a named client.
_NO_CLIENT = {
    *("busy", "blocked", "block", "break", "lunch", "personal", "unavailable", "hold"),
    *("outofoffice", "dayoff", "off", "admin", "cleaning", "appointment", "session"),
    *("client", "private", "reserved", "tentative", "closed", "holiday", "vacation"),
}
# Words that make a side of a title a service, not a name.
_SERVICE_WORDS = re.compile(
    r"\d+\s*(?:min|mins|minutes?|hrs?|hours?|h)\b|\b(?:massage|therapy|session|treatment"
    r"|consult\w*|facial|reflexology|stone|tissue|swedish|prenatal|pregnancy|sports?|cupping"
    r"|lymphatic|drainage|relaxation|couples?|rmt|bodywork|acupressure|shiatsu|thai)\b",
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


def _described(event) -> dict[str, str]:
    """The known "Key: value" lines of an event's description (first of each)."""
    found: dict[str, str] = {}
    for line in str(event.get("DESCRIPTION", "")).splitlines():
        key, sep, value = line.partition(":")
        key = re.sub(r"[^a-z]", "", key.casefold())
        if not sep or not value.strip():
            continue
        for field, keys in _DESCRIBED.items():
            if key in keys:
                found.setdefault(field, " ".join(value.split()))
    return found


def _no_client(name: str) -> bool:
    letters = re.sub(r"[^a-z]", "", name.casefold())
    return not letters or letters in _NO_CLIENT or bool(_INITIALS.match(name.strip()))


class _Unclear(Exception):
    """An event whose client cannot be told safely (the row fails, named by time)."""


def _client_and_service(event, is_service, owner: str) -> tuple[str, str | None, str]:
    """The client's name and email and the service, by the module's rule.

    Raises _Unclear when the attendee and the title name different people.
    """
    title = _strip_not_held(" ".join(str(event.get("SUMMARY", "")).split()))
    organizer = _person(event.get("ORGANIZER"))
    hosts = [name for name in (organizer[0], owner) if name]
    clients = [
        _person(a)
        for a in _attendees(event)
        if str(a.params.get("CUTYPE", "INDIVIDUAL")).upper() in ("INDIVIDUAL", "")
        and str(a.params.get("ROLE", "")).upper() != "CHAIR"
        and _person(a)[1] != organizer[1]
        and not any(_same_words(_person(a)[0], host) for host in hosts)
    ]
    described = _described(event)
    names, service = _split_title(title, is_service)
    names = [n for n in names if not any(_same_words(n, host) for host in hosts)]
    if not service:
        service = described.get("service", "")

    with_name = [c for c in clients if c[0]]
    if len(clients) == 1 and (with_name or not names):
        name, email = clients[0]
        if name and names and not any(_same_words(n, name) for n in names):
            raise _Unclear("its attendee is not the person its title names")
        return name or (names[0] if names else ""), email, service
    # Several attendees or none: the title (or the description) names the client.
    if len(names) > 1:
        raise _Unclear("its title names two people and neither is its organizer")
    name = names[0] if names else described.get("name", "")
    email = next((e for n, e in clients if name and _same_words(n, name)), None)
    if email is None and not clients:
        email = described.get("email")
    return name, email, service


def _looks_like_service(text: str, is_service) -> bool:
    return is_service(text) or bool(_SERVICE_WORDS.search(text))


def _split_title(title: str, is_service) -> tuple[list[str], str]:
    """(names, service) from an event title, by the module's rule."""
    if not title or is_service(title):
        return [], title
    between = re.match(r"^(?P<service>.+?)\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", title)
    if between:
        return [between["a"].strip(), between["b"].strip()], between["service"].strip()
    parts = _SEPARATORS.split(title, maxsplit=1)
    if len(parts) == 2:
        first, second = (part.strip() for part in parts)
        if _looks_like_service(first, is_service) and not _looks_like_service(second, is_service):
            return [second], first
        return [first], second
    match = _WITH.match(title)
    if match and not _looks_like_service(match["name"], is_service):
        return [match["name"].strip()], match["service"].strip()
    if _looks_like_service(title, is_service):
        return [], title
    return [title], ""


def _same_words(left: str, right: str) -> bool:
    def words(text):
        return sorted(re.findall(r"\w+", text.casefold()))

    return words(left) == words(right)


def _strip_not_held(title: str) -> str:
    # "Cancelled: Ana Silva - Swedish" still names the client for the listing.
    head, sep, rest = title.partition(":")
    if sep and status_letters(head).startswith(_NOT_HELD_TITLE):
        return rest.strip()
    return title


def _not_held(event) -> str | None:
    status = str(event.get("STATUS", "")).strip()
    if status.upper() == "CANCELLED":
        return "Status: cancelled in the calendar"
    title = str(event.get("SUMMARY", "")).strip()
    head = re.split(r"[:\-\u2013\u2014|]", title, maxsplit=1)[0]
    if status_letters(head).startswith(_NOT_HELD_TITLE) or status_letters(head) == "dna":
        return f"title: {head.strip()}"
    return None


def _nothing_that_day(path: Path, day: dt.date | None, calendar, all_days: int) -> str:
    import recurring_ical_events

    if day is None:
        return f"{path}: no appointments in this calendar; export or download it again"
    dates = set()
    try:  # the nearest days with appointments, recurring ones included
        window = dt.timedelta(days=120)
        for event in recurring_ical_events.of(calendar, skip_bad_series=True).between(
            day - window, day + window
        ):
            value = getattr(event.get("DTSTART"), "dt", None)
            if isinstance(value, dt.datetime):
                dates.add(value.date())
    except Exception:  # only a hint: the message is still right without it
        pass
    before = max((d for d in dates if d < day), default=None)
    after = min((d for d in dates if d > day), default=None)
    near = " and ".join(str(d) for d in (before, after) if d)
    hint = f" (its nearest are on {near})" if near else ""
    days_off = f" (only {all_days} all-day event(s): days off or blocked time)" if all_days else ""
    return f"{path}: no appointments on {day}{days_off}{hint}; give the day with --date YYYY-MM-DD"
