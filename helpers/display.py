"""One display bundle for a widget and its static stand-in.

Where a widget front end is live (JupyterLab, Notebook 7) the widget view ranks
first and is shown; where it is not (GitHub, nbviewer, exported HTML, a front end
without the widget extension) the ``text/html`` in the same bundle is shown
instead, so the reader still sees the content, or advice on what to do.
"""
from __future__ import annotations

from typing import Callable, Union

Text = Union[str, Callable[[], str]]


class WithFallback:
    """Display ``widget`` where widgets render, ``html_text`` elsewhere.

    ``html_text`` and ``plain_text`` may be strings or functions returning the
    current text (for widgets whose content changes). Attributes not defined here
    are read from the widget, so callers can keep using ``shown.children`` etc.
    """

    def __init__(self, widget, html_text: Text, plain_text: Text):
        self.widget = widget
        self._html = html_text
        self._plain = plain_text

    @staticmethod
    def _now(text: Text) -> str:
        return text() if callable(text) else text

    @property
    def html_text(self) -> str:
        return self._now(self._html)

    @property
    def plain_text(self) -> str:
        return self._now(self._plain)

    def __getattr__(self, name):
        if name == "widget":  # not yet set: avoid recursion during unpickling/copying
            raise AttributeError(name)
        return getattr(self.widget, name)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.html_text
        bundle["text/plain"] = self.plain_text
        return bundle
