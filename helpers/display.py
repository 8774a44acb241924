"""One display bundle for a widget and its static stand-in.

Where a widget front end is live (JupyterLab, Notebook 7) the widget view ranks
first and is shown; where it is not (GitHub, nbviewer, exported HTML, a front end
without the widget extension) the ``text/html`` in the same bundle is shown
instead, so the reader still sees the content, or advice on what to do.
"""
from __future__ import annotations


class WithFallback:
    """Display ``widget`` where widgets render, ``html_text`` elsewhere."""

    def __init__(self, widget, html_text: str, plain_text: str):
        self.widget = widget
        self.html_text = html_text
        self.plain_text = plain_text

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.html_text
        bundle["text/plain"] = self.plain_text
        return bundle
