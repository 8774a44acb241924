"""The course's own exceptions, and a friendly display of them in notebooks.

Every error a student can meet through ``helpers`` is a :class:`CourseError` whose
message says what is wrong, where, and what to do. In a notebook the cell still
fails (so Run All stops and the notebook tests notice), but its error output is
that message, not a traceback through pandas or ipywidgets.
"""
from __future__ import annotations



class CourseError(Exception):
    """Base class: an error whose message is written for a student."""

    title = "Something needs fixing"


class DatasetError(CourseError):
    """A dataset file is missing, unknown or does not match its schema."""

    title = "A course dataset could not be loaded"


class QuizError(CourseError):
    """A question bank is missing or malformed, or an answer cannot be read."""

    title = "A quiz could not be shown"


class ProgressError(CourseError):
    """The saved-progress file cannot be read or written."""

    title = "Your saved progress needs attention"


def friendly_lines(exc: CourseError) -> list[str]:
    """Return the short notice shown instead of a traceback: title, message, where to look."""
    return [
        f"\x1b[1m{exc.title}\x1b[0m ({type(exc).__name__})",
        *str(exc).splitlines(),
        "(This is a problem the course can explain, so no traceback is shown. "
        "For the full details, run %tb in a new cell.)",
    ]


def _show_course_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom-exception hook: an error output holding the message, not a traceback.

    It is still an error (the cell fails, Run All stops, nbval reports it); only the
    wall of library frames is left out. ``%tb`` shows the full traceback on request.
    """
    import sys

    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    stb = friendly_lines(value)
    shell._showtraceback(etype, value, stb)
    return stb


def install_friendly_errors() -> bool:
    """Register the friendly display for CourseError in a running IPython kernel.

    Returns True when installed, False outside IPython (plain Python, pytest).
    """
    try:
        get_ipython = __builtins__["get_ipython"] if isinstance(__builtins__, dict) else __builtins__.get_ipython
    except (KeyError, AttributeError):
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((CourseError,), _show_course_error)
    return True


def whole_year(value, what: str, error: type[CourseError] = CourseError) -> int:
    """Return ``value`` as a year (2019, "2019", 2019.0), or raise ``error`` saying so.

    ``what`` names the year in the message: "start year" gives "The start year must be ...".
    Every helper that takes a year from a student checks it here, so the rule and the
    message are the same everywhere.
    """
    message = f"The {what} must be a whole number such as 2019, not {value!r}."
    if isinstance(value, bool):
        raise error(message)
    try:
        year = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        raise error(message) from None
    if year != value and not isinstance(value, str):
        raise error(message)
    return year

