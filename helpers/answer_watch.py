"""Keeps an exercise's feedback true to the answer on screen, after any later change.

Every exercise with controls and a button (the quiz, the claim checker and spotter, the
China-scale sort, a team's move in the class simulation) judges what the kernel holds
when the button's click arrives. That can differ from what the student sees:

* the student changes the answer after pressing the button, and the old feedback stays
  beside the new answer;
* the click is handled before the choice that preceded it. With ipykernel 7 and
  JupyterLab 4.6's default ``commsOverSubshells`` ("perCommTarget"), the kernel handles
  a control's messages on a subshell thread once the control has sent one, and a
  button's on the main thread, so a choice and the click right after it can run in
  either order (found when a CI run graded the answer chosen before). The course's
  JupyterLab defaults (binder/labconfig) turn that off; a student's own JupyterLab may
  not. ipywidgets' front end also holds back a control's second change while its first
  awaits the kernel's reply, but sends a click at once: two quick changes and a click
  can be judged on the first.

:class:`AnswerWatch` covers all of these: once feedback is shown for an answer, a
change of any watched control to a different answer calls ``on_change`` (which replaces
the feedback with a note to press the button again). Both sides take one lock, and
:meth:`judged` compares the answer judged with the controls' answer at that moment, so
a change handled on another thread while the click was judged still gets the note. A
change counts when it reaches the kernel: a typed number when the student presses Enter
or leaves the box. What was judged stands: a stale attempt stays in the score and the
progress file, which record the answer judged, not the one on screen. Values the
exercise sets itself (Try again) are not a student's change: call :meth:`forget` first.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

_NOTHING = object()  # no feedback on screen


class AnswerWatch:
    """Watch ``controls``; ``read()`` returns the answer they hold."""

    def __init__(self, controls: Iterable[Any], read: Callable[[], Any], on_change: Callable[[], None]):
        self._read, self._on_change = read, on_change
        self._judged = _NOTHING
        self._lock = threading.RLock()
        for control in controls:
            control.observe(self._changed, names="value")

    def judged(self, answer: Any = _NOTHING) -> None:
        """Feedback is now on screen for ``answer`` (by default, the answer read now).

        Call it after the feedback is written: if the controls already hold another
        answer (changed while it was judged), the note replaces that feedback at once."""
        with self._lock:
            self._judged = self._read() if answer is _NOTHING else answer
            self._changed()

    def forget(self) -> None:
        """No feedback is on screen any more (or the next values are the exercise's own)."""
        with self._lock:
            self._judged = _NOTHING

    @property
    def showing(self) -> bool:
        """Whether feedback for an answer is on screen."""
        return self._judged is not _NOTHING

    def _changed(self, _change=None) -> None:
        with self._lock:
            if self._judged is not _NOTHING and self._read() != self._judged:
                self._judged = _NOTHING
                self._on_change()
