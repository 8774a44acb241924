"""The positions templates (helpers/templates/positions/ and the shared table): every text field is escaped."""
from __future__ import annotations

from helpers.render import render
from hostile_text import HOSTILE, assert_escaped


def test_status_template_escapes_the_aspect():
    assert_escaped(render("positions/status.html", number=1, count=3, aspect=HOSTILE), times=1)


def test_accounts_template_escapes_every_account_field_and_the_note():
    account = {"label": HOSTILE, "position": HOSTILE, "dated": HOSTILE, "source": HOSTILE}
    page = render("positions/accounts.html", accounts=[account, account], note=HOSTILE)
    assert_escaped(page, times=2 * 4 + 1)
