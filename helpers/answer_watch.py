"""Keeps an exercise's feedback true to the answer on screen, after any later change.

Every exercise with controls and a button (the quiz, the claim checker and spotter, the
China-scale sort, a team's move in the class simulation) judges what the kernel holds
when the button's click arrives. Two things can make that differ from what the student
sees:

* the student changes the answer after pressing the button, and the old verdict stays
  beside the new answer;
* a race of the widget protocol: ipywidgets' front end holds back a control's change
  while an earlier change of the same control still waits for the kernel's reply, but
  sends a button click at once. Two changes of one control within a round trip to the
  kernel (quick clicks, arrow keys; a busy kernel widens the window) and then the button
  can have the click judged on the answer chosen before; the held-back change arrives
  just after.

:class:`AnswerWatch` covers both: once feedback is shown for an answer, a change of any
watched control to a different answer calls ``on_change`` (which replaces the feedback
with a note to press the button again). A change counts when it reaches the kernel: a
typed number when the student presses Enter or leaves the box. What was judged stands:
a stale attempt stays in the score and the progress file, which record the answer
judged, not the one on screen. Values the exercise sets itself (Try again) are not a
student's change: call :meth:`forget` first.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

_NOTHING = object()  # no feedback on screen


class AnswerWatch:
    """Watch ``controls``; ``read()`` returns the answer they hold."""

    def __init__(self, controls: Iterable[Any], read: Callable[[], Any], on_change: Callable[[], None]):
        self._read, self._on_change = read, on_change
        self._judged = _NOTHING
        for control in controls:
            control.observe(self._changed, names="value")

    def judged(self, answer: Any = _NOTHING) -> None:
        """Feedback is now on screen for ``answer`` (by default, the answer read now)."""
        self._judged = self._read() if answer is _NOTHING else answer

    def forget(self) -> None:
        """No feedback is on screen any more (or the next values are the exercise's own)."""
        self._judged = _NOTHING

    @property
    def showing(self) -> bool:
        """Whether feedback for an answer is on screen."""
        return self._judged is not _NOTHING

    def _changed(self, _change=None) -> None:
        if self._judged is not _NOTHING and self._read() != self._judged:
            self._judged = _NOTHING
            self._on_change()
