"""HTML fragments from the package's Jinja2 templates, escaped by default.

Every HTML fragment the course emits comes from a template in ``helpers/templates/``
rendered here: autoescape is on for every template (whatever its file name), and an
undefined variable is an error rather than an empty string, so a typo in a template
fails a test instead of printing nothing. Values that are already safe HTML (a
fragment rendered by another template, a chart's SVG) are passed through
``markupsafe.Markup`` by the caller; nothing else is trusted.

Jinja2 is imported on the first render, not at ``import helpers``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment():
    """The one Jinja2 environment: templates from ``helpers/templates``, autoescaped."""
    return _new_environment()


def _new_environment():
    # Apart from the cached environment() so that mutation testing (mutmut leaves
    # decorated functions alone) reaches these settings: autoescape above all.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(name: str, /, **context) -> str:
    """Render template ``name`` (a path under ``helpers/templates``) with ``context``."""
    return environment().get_template(name).render(**context)


def safe(fragment: str):
    """Mark ``fragment`` as HTML already escaped by a template (never for raw data)."""
    from markupsafe import Markup

    return Markup(fragment)


def template_names() -> list[str]:
    """Every template the package ships, as paths under ``helpers/templates``."""
    return sorted(
        p.relative_to(TEMPLATES_DIR).as_posix()
        for p in TEMPLATES_DIR.rglob("*")
        if p.is_file() and p.suffix in {".html", ".j2"}
    )
