"""The course's own exceptions, and a friendly display of them in notebooks.

Every error a student can meet through ``helpers`` is a :class:`CourseError` whose
message says what is wrong, where, and what to do. In a notebook the message is
shown as a short notice instead of a traceback.
"""
from __future__ import annotations

import html


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


def _render(exc: CourseError) -> str:
    return (
        '<div role="alert" style="border-left:4px solid #b45309;padding:0.5em 1em;'
        'background:#fffbeb;color:#1f2937">'
        f"<strong>{html.escape(exc.title)}</strong><br>"
        f"<span style='white-space:pre-wrap'>{html.escape(str(exc))}</span></div>"
    )


def _show_course_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom-exception hook: show the message, keep the traceback one call away."""
    try:
        from IPython.display import HTML, display

        display(
            HTML(_render(value)),
            metadata={"text/plain": f"{value.title}: {value}"},
        )
        print(f"{etype.__name__}: {value}\n(Full details: run %tb in a new cell.)")
    except Exception:  # never let the error display itself fail loudly
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


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
