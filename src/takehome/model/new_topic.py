"""The skeleton `takehome new` writes: every field present and explained."""

from __future__ import annotations

import re

from takehome.errors import TakehomeError
from takehome.model.topic import KEY_PATTERN

NEW_TOPIC = '''\
# A takehome topic. Every field is required unless it says "optional".
# Write for your clients: "you", short sentences, "may help" (never "cures").
# `takehome check` validates this file and prints its reading grade (aim for 8 or below).

# The handout's title.
title = "__TITLE__"

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
disclaimer = """This handout is general information, not medical advice. It does not \\
replace care from your doctor."""

# The aftercare timeline: one [[aftercare]] block per step.
[[aftercare]]
when = "First few hours"
text = "Drink water as usual and take an easy walk."

[[aftercare]]
when = "Next 1 to 2 days"
text = "Some soreness is normal. It should ease day by day."

# Stretches (optional): one [[stretches]] block each.
# not_for = ["condition-key"] hides a stretch from clients with that condition;
# only_for = ["condition-key"] shows it only to them.
[[stretches]]
name = "Replace with the stretch's name"
steps = [
    "First step.",
    "Second step.",
]
hold = "Hold for 20 to 30 seconds. Do not bounce."
repeat = "Do 2 on each side, once or twice a day."
stop_if = "Stop if you feel pain, numbness or tingling."

# Condition notes (optional), shown only with --condition KEY.
[conditions.example-condition]
label = "Example condition"
note = "Replace with advice for clients who have this condition."

# Warning signs: when to call you, and when to see a doctor.
[when_to_call]
therapist = [
    "Soreness that lasts longer than 2 to 3 days",
]
doctor = [
    "Pain after a fall or injury",
]
'''


def new_topic_text(key: str) -> str:
    """The text of a new topic file with every field present and commented."""
    if not re.match(KEY_PATTERN, key):
        raise TakehomeError(
            f"topic name '{key}': use lower-case words joined by hyphens, like deep-tissue"
        )
    return NEW_TOPIC.replace("__TITLE__", key.replace("-", " ").capitalize() + " Massage")
