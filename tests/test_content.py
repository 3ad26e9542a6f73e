"""Topic files: the built-ins are valid and readable; bad files get a named error."""

from __future__ import annotations

from pathlib import Path

import pytest

from takehome.errors import TakehomeError
from takehome.model.readability import prose, reading_grade, sections, smog_grade
from takehome.model.topic import TopicLibrary, load_topic

BUILTIN = TopicLibrary()
GLUTES = BUILTIN.load("glutes").path


@pytest.mark.parametrize("key", BUILTIN.keys())
def test_every_section_of_a_builtin_topic_reads_at_grade_6_or_below(key):
    # Flesch-Kincaid per section (the "get care" lists included); SMOG over the
    # whole topic, since SMOG needs about 30 sentences to mean anything and
    # counts every three-syllable word ("therapist") against the text.
    topic = BUILTIN.load(key).topic
    grades = {name: reading_grade(text) for name, text in sections(topic).items()}
    hard = {name: round(grade, 1) for name, grade in grades.items() if grade > 6}
    assert not hard, f"{key}: sections above grade 6: {hard}"
    assert smog_grade(prose(topic)) <= 7.5, f"{key}: SMOG {smog_grade(prose(topic)):.1f}"


@pytest.mark.parametrize("key", BUILTIN.keys())
def test_builtin_topic_says_may_help_never_cures(key):
    text = prose(BUILTIN.load(key).topic).lower()
    for claim in ("cure", "guarantee", "will fix", "heals"):
        assert claim not in text
    assert "may " in text


def test_glute_topic_covers_the_required_conditions():
    conditions = BUILTIN.load("glutes").topic.conditions
    assert {"lower-back-pain", "stiff-hips", "sciatica", "pregnancy"} <= set(conditions)


@pytest.mark.parametrize("key", BUILTIN.keys())
def test_builtin_topic_has_purpose_summary_sources_and_emergency_signs(key):
    topic = BUILTIN.load(key).topic
    assert topic.purpose and topic.purpose.startswith("This sheet helps you")
    assert len(topic.today) == 3
    assert len(topic.sources) >= 2 and all(s.url.startswith("http") for s in topic.sources)
    assert topic.when_to_call.emergency
    assert "physio" not in prose(topic).casefold()


def test_reading_grade_tells_hard_text_from_easy():
    easy = "You may feel sore. Drink water. Take a walk. Rest if you need to."
    hard = (
        "Subsequent to intensive myofascial manipulation, individuals frequently "
        "experience transient musculoskeletal discomfort necessitating considerable "
        "physiological recuperation and appropriate rehydration strategies."
    )
    assert reading_grade(easy) < 4 < 12 < reading_grade(hard)


def _write(tmp_path: Path, text: str, name="broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = _write(tmp_path, 'title = "Hips"\nintro = \n')
    with pytest.raises(TakehomeError) as info:
        load_topic(path)
    assert str(info.value) == (
        f"{path}: not valid TOML: Invalid value (at line 2, column 9); fix the syntax there"
    )


def test_missing_field_is_named(tmp_path):
    text = GLUTES.read_text(encoding="utf-8").replace('title = "Glute Massage"', "")
    path = _write(tmp_path, text)
    with pytest.raises(TakehomeError) as info:
        load_topic(path)
    assert str(info.value) == (
        f"{path}: title is missing; add it (see the content schema in the README)"
    )


def test_misspelt_field_is_named(tmp_path):
    text = GLUTES.read_text(encoding="utf-8").replace("\nbenefits = [", "\nbenefit = [")
    path = _write(tmp_path, text)
    with pytest.raises(TakehomeError) as info:
        load_topic(path)
    assert str(info.value) == (
        f"{path}: benefit is not a known field; did you mean benefits? "
        "(see the content schema in the README)"
    )


def test_wrong_type_in_a_nested_field_is_named(tmp_path):
    text = GLUTES.read_text(encoding="utf-8").replace(
        "hold_seconds = 30", 'hold_seconds = "30s"', 1
    )
    path = _write(tmp_path, text)
    with pytest.raises(TakehomeError) as info:
        load_topic(path)
    assert str(info.value) == (
        f"{path}: stretches[1].hold_seconds input should be a valid integer, unable to parse "
        "string as an integer; fix the value"
    )


def test_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('title = "Caf\xe9"\n'.encode("cp1252"))
    with pytest.raises(TakehomeError, match=r"latin\.toml: .*save it as UTF-8"):
        load_topic(path)


def test_bad_file_name_is_named(tmp_path):
    path = _write(tmp_path, GLUTES.read_text(encoding="utf-8"), name="Deep Tissue.toml")
    with pytest.raises(TakehomeError, match=r"Deep Tissue\.toml: the file name must be"):
        load_topic(path)


def test_unknown_topic_lists_known_ones():
    with pytest.raises(TakehomeError) as info:
        BUILTIN.load("glute")
    known = ", ".join(BUILTIN.keys())
    assert "glutes, headaches-jaw" in known
    assert str(info.value) == f"unknown topic 'glute'; known topics: {known}"


def test_later_folder_overrides_builtin(tmp_path):
    text = GLUTES.read_text(encoding="utf-8").replace('"Glute Massage"', '"Our Glute Work"')
    _write(tmp_path, text, name="glutes.toml")
    library = TopicLibrary([BUILTIN.folders[0], tmp_path])
    assert library.load("glutes").topic.title == "Our Glute Work"
