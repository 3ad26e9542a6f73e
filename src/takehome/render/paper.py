"""The paper sizes, in one place (no imports: the CLI reads it at start-up)."""

# Paper name as typed (lower case) -> the CSS @page size.
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
DEFAULT_PAPER = "letter"
