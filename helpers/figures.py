"""The course figure: a matplotlib chart that carries its alt text and its source line.

Every chart in the course (lesson 01's alliance network, lesson 05's money, lesson 07's
opinion, lesson 09's threats) is made the same way::

    fig, ax = new_figure((8, 4.5))      # a CourseFigure on the Agg canvas, outside pyplot
    ...                                 # draw on ax
    return finish(fig, alt, "opinion")  # alt text, and the datasets it cites

A :class:`CourseFigure` shows itself in a notebook as one HTML fragment
(``helpers/templates/figures/figure.html``): the PNG with its alt text, and under it
each dataset's citation in the course's one citation style (that of
:func:`helpers.data.citation`). The PNG is drawn once per display: the figure has an
HTML representation only, since a separate PNG one would make IPython draw it twice.

matplotlib is imported on the first figure, not at ``import helpers.figures``.
Arguments a student can get wrong raise :class:`ChartError`, a
:class:`helpers.errors.CourseError` with a message that says what to do.
"""
from __future__ import annotations

import base64
import io
from functools import lru_cache

from helpers.errors import CourseError

__all__ = ["INK", "MARKERS", "PALETTE", "ChartError", "course_figure_class", "finish", "new_figure", "one_of"]

#: Text and line colour, and the series colours and markers every chart shares.
INK = "#1f2937"
PALETTE = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490")
MARKERS = ("o", "s", "^", "D", "v", "P")


class ChartError(CourseError):
    """A chart or table was asked for something the data cannot give."""

    title = "The chart could not be drawn"


def one_of(value, known, what: str) -> str:
    """Return ``value`` as text if it is one of ``known``; otherwise a ChartError listing them."""
    known = list(dict.fromkeys(str(k) for k in known))
    if str(value) not in known:
        raise ChartError(f"There is no {what} called {value!r}. Choose one of: {', '.join(known)}.")
    return str(value)


@lru_cache(maxsize=1)
def course_figure_class():
    """The :class:`CourseFigure` class (made on first use, so matplotlib loads only then)."""
    from matplotlib.figure import Figure

    class CourseFigure(Figure):
        """A matplotlib Figure that knows its alt text and the datasets it cites."""

        alt_text = ""
        datasets: tuple[str, ...] = ()

        @property
        def citation(self) -> str:
            """Each cited dataset's citation (:func:`helpers.data.cite`), one per line."""
            from helpers.data import cite

            return "\n".join(cite(name) for name in self.datasets)

        def to_png(self, dpi: int = 100) -> bytes:
            # The constrained layout already fits the labels; bbox_inches="tight" would
            # draw the figure a second time just to measure it.
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=dpi)
            return buf.getvalue()

        def to_html(self) -> str:
            from helpers.data import citation
            from helpers.render import render, safe

            return render(
                "figures/figure.html",
                png_base64=base64.b64encode(self.to_png()).decode("ascii"),
                alt=self.alt_text,
                # helpers.data.citation's own HTML: a paragraph that wraps between words.
                citations=[safe(citation(name)._repr_html_()) for name in self.datasets],
            )

        def _repr_html_(self):
            return self.to_html()

        def __repr__(self):
            return f"{self.title_text()}\n{self.alt_text}\n{self.citation}"

        def title_text(self) -> str:
            for ax in self.axes:
                if ax.get_title():
                    return ax.get_title()
            return self._suptitle.get_text() if self._suptitle is not None else ""

    return CourseFigure


def new_figure(figsize=(8, 4.5)):
    """Return (figure, axes): a :class:`CourseFigure` with constrained layout, on the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = course_figure_class()(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def finish(fig, alt: str, datasets):
    """Give ``fig`` its alt text and the dataset name(s) its source line cites; return it."""
    fig.alt_text = alt
    fig.datasets = (datasets,) if isinstance(datasets, str) else tuple(datasets)
    return fig
