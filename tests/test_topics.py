"""The built-in topic library: booking menus' names, the shared conditions, and every
topic rendered within the page rule (two pages for one topic with two conditions
and a 300-character note; never a last page less than a quarter full).

Each test renders its own handouts, so pytest-xdist spreads the 56 renders over
every core.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdfium2
import pytest

from pdfcheck import last_page_used, pdf_ua_failures, structure
from takehome.errors import TakehomeError
from takehome.model.client import Client
from takehome.model.conditions import vocabulary
from takehome.model.handout import build_handout
from takehome.model.practice import Practice
from takehome.model.readability import reading_grade
from takehome.model.topic import TopicLibrary

LIBRARY = TopicLibrary()
KEYS = LIBRARY.keys()
NOTE = ("Walk 10 minutes after work each day and try the seated stretch at your desk. " * 5)[:300]
# A practice with a phone: "Call your therapist (555-0142) about" takes more room.
PRACTICE = Practice(name="Riverside Massage", therapist="Jordan Lee, RMT", phone="555-0142")
SIDE_HEADINGS = ("Before your massage", "During your massage", "After your massage")
MARGIN_TOP, MARGIN_BOTTOM = 0.6 * 72, 0.55 * 72  # the page margins of print.css, in points


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
        entry = shared.get(condition)
        text = " ".join([entry.note or "", *entry.doctor, *entry.emergency]) if entry else ""
        note = topic.conditions.get(condition)
        return len(text) + (len(note.note) if note else 0)

    return sorted(dict.fromkeys([*topic.conditions, *shared]), key=size, reverse=True)[:2]


def _render(renderers, job: tuple[str, tuple[str, ...], str | None, str]) -> tuple[int, float]:
    """(pages, how full the last page is); a WeasyPrint warning fails the test (conftest)."""
    key, conditions, note, paper = job
    handout = build_handout(
        [key],
        Client.create("Ana Silva", list(conditions), note=note),
        practice=PRACTICE,
        date=dt.date(2026, 11, 26),
    )
    data = renderers[paper].pdf(handout).data
    if not conditions:
        _assert_a_figure_per_stretch(handout, data, job)
    if paper == "letter":
        # Every built-in topic is a valid tagged PDF/UA-1, for both checkers.
        assert pdf_ua_failures(data, second_opinion=False) == [], job
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    for number in range(len(pdf)):
        # A side heading is never cut in two by a page break ("After your" at
        # the foot of a page, "massage" at the top of the next).
        text = " ".join(pdf[number].get_textpage().get_text_range().split())
        for heading in SIDE_HEADINGS:
            start = heading.rsplit(" ", 1)[0]
            assert text.count(start) == text.count(heading), f"{job}: page {number + 1}: {start}"
    used = last_page_used(data, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    return len(pdf), used


def _assert_a_figure_per_stretch(handout, data: bytes, job) -> None:
    """Each printed stretch (and list of steps) has its drawing: a Figure (with
    its alt text, tagging checks that) and its caption in the structure tree."""
    stretches = [
        item
        for section in handout.sections
        for item in (*section.stretches, *section.topic.self_care)
    ]
    tree = structure(data)
    figures = [text for tag, text in tree if tag == "Figure"]
    drawn = [s for s in stretches if s.drawing is not None]
    assert len(figures) == len(drawn), (job, figures)  # the practice has no logo
    captions = re.sub(r"\s+", "", " ".join(text for tag, text in tree if tag == "Caption"))
    for stretch in drawn:
        assert re.sub(r"\s+", "", stretch.drawing.caption) in captions, (job, stretch.name)


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
    # The signs are the shared pregnancy condition's: listed in a pregnant
    # client's box, whatever the topic, and never in another client's handout.
    pregnancy = vocabulary().conditions["pregnancy"]
    assert pregnancy.doctor_heading.startswith("Call your midwife or doctor now")
    assert "Bleeding or fluid from your vagina" in pregnancy.doctor
    for key in ("general", "legs", "neck-shoulders"):
        pregnant = build_handout([key], Client.create("Ana", ["expecting"]))
        box = pregnant.condition_boxes[0]
        assert box.key == "pregnancy"
        assert "Bleeding or fluid from your vagina" in box.doctor
        assert pregnant.when_to_call()["emergency"][0].startswith("Heavy bleeding from your vagina")
        other = build_handout([key], Client.create("Bo"))
        calls = other.when_to_call()
        assert not other.condition_boxes
        words = " ".join(calls["doctor"] + calls["emergency"])
        assert "midwife" not in words and "pregnant" not in words


def test_prenatal_always_prints_the_pregnancy_box_and_its_signs():
    # Prenatal implies pregnancy: the box and its bulleted signs print whether or
    # not the therapist ticked "pregnant", once, and its "call 911" signs lead the
    # red box's emergency list.
    for conditions in ([], ["pregnant"]):
        handout = build_handout(["prenatal"], Client.create("Ana", conditions))
        assert [box.key for box in handout.condition_boxes] == ["pregnancy"]
        box = handout.condition_boxes[0]
        assert "Bleeding or fluid from your vagina" in box.doctor
        calls = handout.when_to_call()
        assert calls["emergency"][0].startswith("Heavy bleeding from your vagina")
        assert not any("Bleeding or fluid" in item for item in calls["doctor"])


def test_a_box_leaves_out_a_sign_the_red_box_already_gives(tmp_path):
    # A topic's red box item "Your baby moving less. Call your midwife now." gives
    # pregnancy's sign "Your baby moving less" as one of its sentences.
    text = LIBRARY.load("general").path.read_text(encoding="utf-8")
    added = 'doctor = [\n    "Your baby moving less. Call your midwife now.",'
    text = text.replace("doctor = [", added, 1)
    (tmp_path / "general.toml").write_text(text, encoding="utf-8")
    library = TopicLibrary([tmp_path])
    handout = build_handout(["general"], Client.create("Ana", ["pregnant"]), library=library)
    box = handout.condition_boxes[0]
    assert "Your baby moving less" not in box.doctor
    assert "Bleeding or fluid from your vagina" in box.doctor


def test_implies_must_name_a_shared_condition(tmp_path):
    text = LIBRARY.load("prenatal").path.read_text(encoding="utf-8")
    bad = tmp_path / "prenatal.toml"
    text = text.replace('implies = ["pregnancy"]', 'implies = ["pregnacy"]')
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(TakehomeError) as info:
        TopicLibrary([tmp_path]).load("prenatal")
    assert str(info.value).startswith(str(bad))
    assert "implies names 'pregnacy'" in str(info.value)
    assert "use one of: pregnancy" in str(info.value)


def test_a_conditions_emergency_signs_join_the_red_box_once():
    # Pregnancy's "Sudden shortness of breath or chest pain" is the first
    # sentence of general's own item: printed once, in the topic's words.
    handout = build_handout(["general"], Client.create("Ana", ["pregnant"]))
    emergency = handout.when_to_call()["emergency"]
    assert emergency[0].startswith("Heavy bleeding from your vagina")
    breath = [item for item in emergency if "shortness of breath" in item]
    assert len(breath) == 1 and "blood clot in the lungs" in breath[0]
    assert handout.condition_boxes[0].emergency  # kept on the box for the red box


def test_a_diary_has_one_to_three_rows(tmp_path):
    text = LIBRARY.load("headaches-jaw").path.read_text(encoding="utf-8")
    rows = 'rows = ["Your worst headache each day: 0 (none) to 10 (worst)"]'
    assert rows in text
    bad = tmp_path / "headaches-jaw.toml"
    bad.write_text(text.replace(rows, 'rows = ["a", "b", "c", "d"]'), encoding="utf-8")
    with pytest.raises(TakehomeError, match=r"diary\.rows"):
        TopicLibrary([tmp_path]).load("headaches-jaw")


def test_the_shared_conditions_read_at_grade_6_or_below():
    for condition in vocabulary().conditions.values():
        parts = [condition.note or "", *condition.doctor, *condition.emergency]
        text = "\n".join(p if p.endswith(".") else p + "." for p in parts if p)
        if text:
            assert reading_grade(text) <= 6, condition.key
