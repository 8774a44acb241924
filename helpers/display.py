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


def explorer_box(controls, below=(), above=()):
    """An explorer's widgets in one box: ``above``, then the row of ``controls``, then
    ``below``. The row wraps and its slider keeps its width and readout when the output is
    narrow, and the box's HTML text reads at a normal line height: the box carries that CSS
    (templates/display/fit_controls.html) and the class it applies to."""
    import ipywidgets as w

    from helpers.render import render

    row = w.HBox(list(controls))
    row.add_class("allies-fit-controls")
    box = w.VBox([w.HTML(render("display/fit_controls.html")), *above, row, *below])
    box.add_class("allies-fit")
    return box


def _float_format(values, sep: str):
    """A formatter for a float column: no decimals if every value is whole, otherwise
    decimals by size (0.188, 32.28, 5003.0), so small values keep their digits."""
    finite = [abs(float(v)) for v in values if v == v]
    if all(v == int(v) for v in finite):
        return "{:" + sep + ".0f}"

    def fmt(v):
        d = 3 if abs(v) < 10 else 2 if abs(v) < 100 else 1
        return f"{v:{sep}.{d}f}"
    return fmt


def table(df, caption: str | None = None, na_rep: str = "—", formats: dict | None = None):
    """Return ``df`` styled for reading in a lesson (a pandas Styler).

    JupyterLab right-aligns every table cell and pandas shows the row index, cuts long
    text with "..." and prints missing values as ``NaN``/``<NA>``. Here the index is
    hidden, text and headers are left-aligned, numbers right-aligned, dates shown as
    YYYY-MM-DD, booleans as yes/no, missing values as ``na_rep`` and floats with a
    sensible number of decimals. ``formats`` maps a column to a format string or function
    and wins over the defaults. Cell text, column headers and the caption are HTML-escaped
    (a format function receives the escaped text).
    """
    from pandas.api.types import (is_bool_dtype, is_datetime64_any_dtype, is_float_dtype,
                                  is_numeric_dtype)

    fmt, numeric, text = {}, [], []
    for col in df.columns:
        s = df[col]
        if is_bool_dtype(s):
            fmt[col] = lambda v: na_rep if v is None or v != v else ("yes" if v else "no")
            text.append(col)
        elif is_datetime64_any_dtype(s):
            fmt[col] = lambda v: na_rep if v is None or v != v else f"{v:%Y-%m-%d}"
            numeric.append(col)
        elif is_numeric_dtype(s):
            present = s.dropna()  # an all-missing column (e.g. Int64 <NA>) has no maximum
            sep = "," if len(present) and present.abs().max() >= 10_000 else ""
            fmt[col] = _float_format(s.dropna(), sep) if is_float_dtype(s) else "{:" + sep + "d}"
            numeric.append(col)
        else:
            text.append(col)
    fmt.update(formats or {})
    # Every cell, header and the caption is escaped: dataset text is data, never markup.
    styler = df.style.hide(axis="index").format(fmt, na_rep=na_rep, escape="html")
    styler = styler.format_index(escape="html", axis=1)
    styler = styler.set_table_styles([
        {"selector": "th", "props": "text-align: left; vertical-align: bottom"},
        {"selector": "td", "props": "vertical-align: top"},
    ])
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
    if caption:
        from helpers.render import render

        styler = styler.set_caption(render("display/caption.html", caption=caption))
    return styler


def notice_html(text: str, title: str = "") -> str:
    """Return a plain-language notice for a widget's output area (escaped; words, not colour)."""
    from helpers.render import render

    return render("display/notice.html", text=text, title=title)

