"""What the simulation shows: HTML from the templates in ``templates/simulation/`` and the move panels.

Every fragment is rendered by :func:`helpers.render.render` (autoescaped), so a brief,
an option label or a team name is always shown as text. Each panel is a
:class:`helpers.display.WithFallback`: the widgets where they render, the same content
as escaped text elsewhere. ipywidgets is imported when a panel is built.
"""
from __future__ import annotations

from helpers.answer_watch import AnswerWatch
from helpers.errors import CourseError
from helpers.render import render
from helpers.simulation.scenarios import role
from helpers.simulation.text import brief, words


def text_html(text: str) -> str:
    """Plain text as a pre-wrapped HTML block (escaped)."""
    return render("simulation/text.html", text=text)


def brief_html(scenario, role_id, level="basic") -> str:
    """One role's confidential brief as HTML: heading, then each part's sourced facts."""
    return render("simulation/brief.html", **brief(scenario, role_id, level))


def round_html(rnd: dict, situation: bool = True) -> str:
    """A round's title (and, by default, its situation) as HTML."""
    return render("simulation/round.html", title=rnd["title"],
                  situation=words(rnd["situation"]) if situation else "")


def _say(out, text: str) -> None:
    """Replace an Output widget's content with ``text`` (not ``with out: print``, which nbval doubles)."""
    out.outputs = ()
    out.append_stdout(text + "\n")


def game_panel(game):
    """Widgets for the instructor of a one-room game: one menu per role, a Resolve button, the outcome."""
    import ipywidgets as w

    from helpers.display import WithFallback

    out = w.Output()
    menus = {}
    box = w.VBox()

    def build():
        rnd = game.round
        menus.clear()
        if rnd is None:
            box.children = [w.HTML(render("simulation/note.html", text="Every round is resolved.")), out]
            return
        rows = []
        for rid in (r["id"] for r in game.scenario["roles"]):
            menus[rid] = w.Dropdown(options=[(o["label"], o["id"]) for o in rnd["options"][rid]],
                                    description=role(game.scenario, rid)["name"],
                                    style={"description_width": "initial"}, layout=w.Layout(width="95%"))
            rows.append(menus[rid])
        button = w.Button(description=f"Resolve {rnd['id']}", button_style="primary")
        button.on_click(lambda _b: resolve_clicked())
        box.children = [w.HTML(round_html(rnd)), *rows, button, out]

    def resolve_clicked():
        for rid, menu in menus.items():
            game.submit(rid, menu.value)
        result = game.resolve()
        _say(out, result.text(game.scenario) + "\n" + game.state_text())
        build()

    build()

    def plain():
        rnd = game.round
        if rnd is None:
            return game.state_text()
        lines = [f"{rnd['title']}: {words(rnd['situation'])}"]
        for rid, opts in rnd["options"].items():
            lines.append(f"{rid}: " + "; ".join(f"{o['id']} = {o['label']}" for o in opts))
        lines.append("Enter each choice with game.submit(role, option_id), then run game.resolve().")
        return "\n".join(lines)
    return WithFallback(box, lambda: text_html(plain()), plain)


def seat_panel(seat):
    """Widgets for a team in a class-folder game: its brief, a menu of its options, a Submit button."""
    import ipywidgets as w

    from helpers.display import WithFallback

    out = w.Output()
    rnd = seat.current_round()
    if rnd is None:
        box = w.VBox([w.HTML(text_html(seat.results_text()))])
    else:
        menu = w.Dropdown(options=[(label, oid) for oid, label in seat.options()], layout=w.Layout(width="95%"))
        button = w.Button(description="Submit our move", button_style="primary")

        def moved_on() -> bool:
            """Whether the instructor has resolved this panel's round since it was built."""
            try:
                now = seat.current_round()
            except CourseError:
                return False  # the submit below gives the plain message
            if now is not None and now["id"] == rnd["id"]:
                return False
            _say(out, f"Round {rnd['id']} has been resolved: run this cell again for "
                      + ("the next round." if now is not None else "the results."))
            return True

        def click(_b):
            move = menu.value
            if moved_on():
                return
            try:
                seat.submit(move)
                _say(out, f"Move saved for round {rnd['id']}: {move}. "
                          "You can change it until the instructor resolves the round.")
                watch.judged(move)
            except CourseError as exc:
                _say(out, str(exc))

        def changed():
            if not moved_on():
                _say(out, f"Your choice has changed since the move saved for round {rnd['id']}: press "
                          f"\u201c{button.description}\u201d to save this one.")

        # what the panel says was saved is the move on screen (helpers.answer_watch)
        watch = AnswerWatch([menu], lambda: menu.value, changed)
        button.on_click(click)
        try:
            brief_part = seat.brief_html()
        except CourseError as exc:  # not dealt yet: the team can still see its options
            brief_part = render("simulation/note.html", text=str(exc))
        box = w.VBox([w.HTML(brief_part), w.HTML(round_html(rnd, situation=False)), menu, button, out])

    def plain():
        r = seat.current_round()
        if r is None:
            return seat.results_text()
        opts = "; ".join(f"{oid} = {label}" for oid, label in seat.options())
        try:
            told = seat.brief()
        except CourseError as exc:
            told = str(exc)
        return f"{told}\n\n{r['title']}\nOptions: {opts}\nSubmit with seat.submit(option_id)."
    return WithFallback(box, lambda: text_html(plain()), plain)
