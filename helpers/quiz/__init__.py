"""Quizzes from the question banks: grading, quiz widgets, a static copy, saved progress.

A lesson cell only says which bank to show, so no answer is ever in a notebook::

    from helpers import quiz
    quiz.show("03")

One module per concern; this package re-exports what lessons and instructors call:

- :mod:`~helpers.quiz.bank`: :func:`load_bank` (cached), :func:`validate_bank`
  (format in ``docs/architecture.md``);
- :mod:`~helpers.quiz.grading`: :func:`check` gives a :class:`Result`; it needs no
  kernel or widgets (the grading rules are in that module's docstring);
- :mod:`~helpers.quiz.layout`: which questions are shown, in which order;
- :mod:`~helpers.quiz.widgets`: :func:`show` builds the widgets *and*, through
  :mod:`~helpers.quiz.static`, a static HTML copy (answers folded inside ``<details>``)
  that GitHub, nbviewer and exported HTML show instead;
- :mod:`~helpers.quiz.progress_views`: :func:`progress`, :func:`export_progress`,
  :func:`reset_progress`, :func:`record`;
- :mod:`~helpers.quiz.store`: the progress file itself (locking, repair, the CSV).

Every HTML fragment comes from ``helpers/templates/quiz/`` (``helpers.render``).
ipywidgets, yaml, jinja2 and matplotlib are imported inside the functions that need them.
"""
from __future__ import annotations

from helpers.errors import ProgressError, QuizError
from helpers.quiz.bank import TYPES, load_bank, validate_bank
from helpers.quiz.grading import Result, check
from helpers.quiz.layout import scrambled_items
from helpers.quiz.progress_views import (
    EXPORT_COLUMNS,
    ProgressView,
    export_progress,
    progress,
    progress_table,
    record,
    reset_progress,
)
from helpers.quiz.static import static_html
from helpers.quiz.widgets import QuestionView, QuizView, show

__all__ = [
    "EXPORT_COLUMNS",
    "ProgressError",
    "ProgressView",
    "QuestionView",
    "QuizError",
    "QuizView",
    "Result",
    "TYPES",
    "check",
    "export_progress",
    "load_bank",
    "progress",
    "progress_table",
    "record",
    "reset_progress",
    "scrambled_items",
    "show",
    "static_html",
    "validate_bank",
]
