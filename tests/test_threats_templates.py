"""Lesson 09's templates (helpers/templates/threats/): every text field is escaped."""
from __future__ import annotations

from helpers.render import render, safe
from hostile_text import HOSTILE, assert_escaped


def test_responses_template_escapes_every_field():
    event = {"machine": HOSTILE, "human": HOSTILE, "actor": HOSTILE, "title": HOSTILE, "summary": HOSTILE}
    assert_escaped(render("threats/responses.html", events=[event]), times=5)


def test_statement_template_escapes_every_field():
    page = render("threats/statement.html", government=HOSTILE, aspect=HOSTILE, dated=HOSTILE, statement=HOSTILE)
    assert_escaped(page, times=4)


def test_scale_summary_escapes_the_averages_and_passes_the_table_once():
    table = render("display/status.html", text=HOSTILE)
    page = render("threats/scale_summary.html", placed=True, table=safe(table),
                  mine={"japan": HOSTILE, "korea": HOSTILE}, course={"japan": HOSTILE, "korea": HOSTILE})
    assert_escaped(page, times=5)


def test_scale_static_escapes_scale_and_statements():
    statement = {"government": HOSTILE, "aspect": HOSTILE, "statement": HOSTILE, "dated": HOSTILE}
    page = render("threats/scale_static.html", scale=[HOSTILE], statements=[statement],
                  positions=safe(render("display/status.html", text=HOSTILE)))
    assert_escaped(page, times=1 + 4 + 1)


def test_positions_heading_passes_its_table_once():
    page = render("threats/positions.html", table=safe(render("display/status.html", text=HOSTILE)))
    assert_escaped(page, times=1)
