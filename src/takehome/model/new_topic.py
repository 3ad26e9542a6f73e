"""The skeleton `takehome new` writes: every field present and explained."""

from __future__ import annotations

import re

from takehome.errors import TakehomeError
from takehome.model.topic import KEY_PATTERN

NEW_TOPIC = '''\
# A takehome topic. Every field is required unless it says "optional".
# Write for your clients: "you", short sentences, "may help" (never "cures").
# `takehome check` validates this file and prints its reading grade (aim for 6 or below).

# The handout's title.
title = "__TITLE__"

# Optional: names of this service on your booking menu ("Hamstring Massage 60 min"
# matches without them when the words are the title's).
aliases = []

# Optional: one sentence at the top that says what the sheet is for.
purpose = "This sheet helps you care for yourself after your massage."

# Optional: "Do this today", the three most important actions, printed first.
today = [
    "Drink water as usual and take an easy walk.",
    "Use gentle heat on sore spots for 15 to 20 minutes.",
    "Try the stretches below, slowly and only to a mild stretch.",
]

# One paragraph: what these muscles do and why they matter.
intro = """Replace this with a short paragraph about these muscles."""

# A short bulleted list: what the massage may help with.
benefits = [
    "May ease tight muscles",
    "May help you relax",
]

# A checklist: what to wear, draping, what to tell your therapist beforehand.
preparation = [
    "Wear loose, comfortable clothes.",
    "Tell your therapist about any pain, injury or surgery.",
]

# What to expect during the session: one or more short paragraphs.
during = [
    """Replace this with what happens during the massage.""",
]

# A short disclaimer. (Keep it here, above the first [table] line below.)
disclaimer = """This sheet is general information, not medical advice. It does not \\
take the place of care from your doctor."""

# Optional, not printed: the public sources your advice rests on.
sources = [
    # { title = "NHS: Sciatica", url = "https://www.nhs.uk/conditions/sciatica/" },
]

# The aftercare timeline: one [[aftercare]] block per step.
[[aftercare]]
when = "First few hours"
text = "Drink water as usual and take an easy walk."

[[aftercare]]
when = "Next 1 to 2 days"
text = "Some soreness is normal. It should ease day by day."

# Stretches (optional): one [[stretches]] block each.
# not_for = ["pregnancy"] hides a stretch from clients with that condition (any
# key of `takehome list`); only_for = ["pregnancy"] shows it only to them.
# How long and how often, in whole numbers; each day gets that many boxes to tick.
[[stretches]]
name = "Replace with the stretch's name"
steps = [
    "First step.",
    "Second step.",
]
hold_seconds = 30
reps = 2
each_side = true
times_a_day = 2
stop_if = """Stop if you feel pain, numbness or tingling. Recent injury or surgery: \\
ask your doctor first."""
# Optional: a picture of the start and end positions, beside the steps. Name a
# built-in drawing (`takehome gallery` draws them all, with their names), or an
# SVG, PNG or JPEG file in this folder (under 2 MB). A file also needs
# figure_alt: the position in words, read aloud to clients who cannot see it.
# figure = "my-stretch.png"
# figure_alt = "Sitting on a chair, one ankle on the other knee, leaning forward."
# figure_caption = "Cross your ankle over your knee, then lean forward."

# Condition notes (optional): what this topic adds for a client's condition.
# For a condition of `takehome list` (pregnancy, blood-thinners...) give only
# `note`; a condition of your own also needs a `label`.
[conditions.example-condition]
label = "Example condition"
note = "Replace with advice for clients who have this condition."

# Warning signs: when to call you, when to see a doctor, and (optional) when to
# call the emergency number (your profile's practice.emergency_number).
[when_to_call]
therapist = [
    "Soreness that lasts longer than 2 to 3 days",
]
doctor = [
    "Pain after a fall or injury: see a doctor soon",
]
emergency = [
    "Sudden shortness of breath or chest pain. This could be a blood clot in the lungs.",
]
'''


def new_topic_text(key: str) -> str:
    """The text of a new topic file with every field present and commented."""
    if not re.match(KEY_PATTERN, key):
        raise TakehomeError(
            f"topic name '{key}': use lower-case words joined by hyphens, like deep-tissue"
        )
    return NEW_TOPIC.replace("__TITLE__", key.replace("-", " ").capitalize() + " Massage")
