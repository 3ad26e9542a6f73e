"""The built-in topic library: booking menus' names, the shared conditions, and every
topic rendered within the page rule (two pages for one topic with two conditions
and a 300-character note; never a last page less than a quarter full).

Each test renders its own handouts, so pytest-xdist spreads the 56 renders over
every core.
"""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2
import pytest

from takehome.model.client import Client
from takehome.model.conditions import vocabulary
from takehome.model.handout import build_handout
from takehome.model.topic import TopicLibrary

LIBRARY = TopicLibrary()
KEYS = LIBRARY.keys()
NOTE = ("Walk 10 minutes after work each day and try the seated stretch at your desk. " * 5)[:300]
MARGIN_TOP, MARGIN_BOTTOM = 0.7 * 72, 0.65 * 72  # the page margins of print.css, in points


@pytest.mark.parametrize(
    ("service", "key"),
    [
        ("Deep Tissue Massage - 60 Minutes", "deep-tissue"),
        ("Swedish 90", "swedish"),
        ("Relaxation Massage (60 min)", "swedish"),
        ("Prenatal Massage", "prenatal"),
        ("Hot Stone", "hot-stone"),
        ("Sports Massage", "sports"),
        ("Massage Therapy 60 min", "general"),
        ("Massage 90 min", "general"),
        ("First Massage", "first-massage"),
        ("TMJ", "headaches-jaw"),
        ("Lymphatic Drainage", "lymphatic-drainage"),
        ("Cupping Therapy", "cupping"),
        ("Glute Massage, 60 Minutes", "glutes"),
        ("Neck & Shoulder Massage", "neck-shoulders"),
    ],
)
def test_common_booking_menu_names_map_to_the_right_topic(service, key):
    assert LIBRARY.resolve(service) == key


def test_a_duration_alone_is_no_service():
    with pytest.raises(Exception, match="unknown topic '60 min'"):
        LIBRARY.resolve("60 min")


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("pregnant", "pregnancy"),
        ("Expecting", "pregnancy"),
        ("late-pregnancy", "pregnancy"),
        ("warfarin", "blood-thinners"),
        ("Diabetic", "diabetes-or-nerve-damage"),
        ("chemo", "cancer-treatment"),
        ("Hypertension", "high-blood-pressure"),
        ("tmj", "jaw-pain"),
    ],
)
def test_a_condition_has_many_names_and_one_key(words, key):
    assert vocabulary().key_for(words) == key
    handout = build_handout(["general"], Client.create("Ana", [words]))
    assert handout.client.conditions == (key,)


def test_pregnancy_at_any_stage_leaves_out_every_stretch_lying_on_the_back():
    for key in KEYS:
        topic = LIBRARY.load(key).topic
        handout = build_handout([key], Client.create("Ana", ["pregnant"]))
        shown = {s.name for s in handout.sections[0].stretches}
        lying = {s.name for s in topic.stretches if "Lie on your back" in " ".join(s.steps)}
        assert not shown & lying, f"{key}: {shown & lying} shown in pregnancy"


def _worst_two(key: str) -> list[str]:
    """The two conditions whose boxes say the most for this topic."""
    topic = LIBRARY.load(key).topic
    shared = vocabulary().conditions

    def size(condition: str) -> int:
        text = shared[condition].note or "" if condition in shared else ""
        note = topic.conditions.get(condition)
        return len(text) + (len(note.note) if note else 0)

    return sorted(dict.fromkeys([*topic.conditions, *shared]), key=size, reverse=True)[:2]


def _render(renderers, job: tuple[str, tuple[str, ...], str | None, str]) -> tuple[int, float]:
    """(pages, how full the last page is); a WeasyPrint warning fails the test (conftest)."""
    key, conditions, note, paper = job
    handout = build_handout(
        [key], Client.create("Ana Silva", list(conditions), note=note), date=dt.date(2026, 11, 26)
    )
    pdf = pypdfium2.PdfDocument(io.BytesIO(renderers[paper].pdf(handout).data))
    last = pdf[len(pdf) - 1]
    height = last.get_height()
    text = last.get_textpage()
    bottoms = [
        text.get_rect(i)[1]
        for i in range(text.count_rects())
        if MARGIN_BOTTOM < text.get_rect(i)[1] < height - MARGIN_TOP
    ]
    used = (height - MARGIN_TOP - min(bottoms)) / (height - MARGIN_TOP - MARGIN_BOTTOM)
    return len(pdf), used


@pytest.mark.parametrize("key", KEYS)
def test_every_topic_fits_two_pages_with_two_conditions_and_a_note(paper_renderers, key):
    for paper in ("letter", "a4"):
        pages, _ = _render(paper_renderers, (key, tuple(_worst_two(key)), NOTE, paper))
        assert pages <= 2, f"{key} on {paper}: {pages} pages"


@pytest.mark.parametrize("key", KEYS)
def test_every_topic_renders_with_no_condition_and_with_all_it_knows(paper_renderers, key):
    conditions = tuple(LIBRARY.load(key).topic.conditions)
    for job in ((key, (), None, "a4"), (key, conditions, NOTE, "letter")):
        pages, used = _render(paper_renderers, job)
        if pages > 2:
            # A longer handout never ends on a nearly empty page.
            assert used >= 0.25, f"{job}: the last of {pages} pages is {used:.0%} full"


def test_pregnancy_warning_signs_are_for_pregnant_clients_only():
    # The signs are in the shared pregnancy note: printed for a pregnant client,
    # whatever the topic, and never in another client's red box.
    note = vocabulary().conditions["pregnancy"].note
    assert "Call your midwife or doctor now" in note and "ambulance" in note
    for key in ("general", "legs", "neck-shoulders"):
        pregnant = build_handout([key], Client.create("Ana", ["expecting"]))
        assert [box.key for box in pregnant.condition_boxes][:1] == ["pregnancy"]
        other = build_handout([key], Client.create("Bo")).when_to_call()
        assert not any("midwife" in item for item in other["doctor"] + other["emergency"])
