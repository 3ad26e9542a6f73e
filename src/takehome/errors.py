"""The one exception type the CLI turns into a one-line message and an exit status."""


class TakehomeError(Exception):
    """A problem the user can fix.

    The message starts with where the problem is (a file, a field, an option) and
    ends with what to do about it. The CLI prints it as ``Error: <message>`` and
    exits with status 1; it never shows a traceback for these.
    """
