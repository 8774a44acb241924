"""Quiz widgets: :func:`show` builds a lesson's questions as ipywidgets, with a static copy.

A :class:`QuizView` holds one :class:`QuestionView` per question (controls, Check, Try
again, Show explanation) and saves each checked answer through :mod:`helpers.quiz.store`.
Its display bundle carries the live widgets *and* the static HTML copy
(:mod:`helpers.quiz.static`), which GitHub, nbviewer and exported HTML show instead.

Keyboard: inside JupyterLab and Notebook 7 a small script (``templates/quiz/keyboard.html``)
keeps keys pressed on a quiz control in the quiz (arrow keys move between choices, not
to another cell) and brings the feedback into view after Check. Every HTML fragment
comes from ``helpers/templates/quiz/``; ipywidgets is imported when a quiz is built.
"""
from __future__ import annotations

from helpers.answer_watch import AnswerWatch
from helpers.quiz import store
from helpers.quiz.bank import load_bank
from helpers.quiz.grading import Result, _example_number, check
from helpers.quiz.layout import _layout
from helpers.quiz.static import static_html
from helpers.render import render

#: CSS classes the keyboard script and the browser tests find the quiz's parts by.
ROOT_CLASS, QUESTION_CLASS, CHECK_CLASS, FEEDBACK_CLASS = (
    "allies-quiz", "allies-quiz-question", "allies-quiz-check", "allies-quiz-feedback")


class _SelfDisplaying:
    """Shown once per cell whether it is the cell's last line or displayed earlier.

    :func:`show` displays the object at once (so it appears even when it is not the last
    line) and returns it; the cell's own display of the returned value is then skipped.
    """

    _shown_in = None

    def _ipython_display_(self):
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        count = getattr(shell, "execution_count", None)
        if shell is not None and count is not None and self._shown_in == count:
            return
        self._shown_in = count
        display(self._repr_mimebundle_(), raw=True)

    def _display_now(self):
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
        if shell is not None and getattr(shell, "kernel", None) is not None:
            self._ipython_display_()


_VERDICTS = {  # (word, colour of the left border); the word carries the verdict, not the colour
    "unread": ("Answer not read.", "#6b7280"),
    "right": ("Correct.", "#15803d"),
    "partly": ("Partly correct.", "#b45309"),
    "wrong": ("Not correct.", "#b91c1c"),
}

#: Shown instead of a verdict once the answer on screen is no longer the one checked.
_CHANGED = ("Answer changed.", "#6b7280")


def changed_html(button: str = "Check") -> str:
    """What replaces the verdict when the answer is changed after ``button`` was pressed
    (see :mod:`helpers.answer_watch`); the other exercises with a verdict use it too."""
    word, colour = _CHANGED
    return render("quiz/feedback.html", word=word, colour=colour, score="",
                  lines=[f"Press {button} again to check your new answer."])


def feedback_html(result: Result) -> str:
    """The verdict, score and feedback shown under a question after Check."""
    if not result.valid:
        kind = "unread"
    elif result.correct:
        kind = "right"
    else:
        kind = "partly" if result.score > 0 else "wrong"
    word, colour = _VERDICTS[kind]
    return render(
        "quiz/feedback.html", word=word, colour=colour,
        score=f" Score {result.score:.2g} of 1." if result.valid else "",
        lines=[line for line in result.feedback.splitlines() if line.strip()],
    )


class QuestionView:
    """One question's widgets; kept as attributes so tests can drive them without a browser.

    The verdict shown always belongs to the answer shown: when the answer changes after
    Check, the verdict gives way to "Answer changed." (:mod:`helpers.answer_watch`).
    """

    def __init__(self, quiz: "QuizView", number: int, entry: dict):
        import ipywidgets as w

        self.quiz, self.number, self.q = quiz, number, entry["q"]
        self.entry = entry
        self.attempts = 0
        self.last: Result | None = None
        q, total = self.q, len(quiz.layout)
        self.prompt = w.HTML(render("quiz/prompt.html", number=number, total=total, prompt=q["prompt"]))
        self.checkboxes, self.dropdowns, self.radio, self.text = [], [], None, None
        wide = w.Layout(width="auto", max_width="100%")
        if q["type"] == "single":
            self.radio = w.RadioButtons(
                options=[q["choices"][i]["text"] for i in entry["order"]], value=None,
                description="Answer:", tooltip=f"Choose one answer to question {number}", layout=wide,
            )
            self.control = self.radio
        elif q["type"] == "multiple":
            self.checkboxes = [
                w.Checkbox(value=False, description=q["choices"][i]["text"], indent=False,
                           tooltip=f"Tick if this answers question {number}", layout=wide)
                for i in entry["order"]
            ]
            self.control = w.VBox([w.HTML(render("quiz/multiple_hint.html")), *self.checkboxes])
        elif q["type"] == "numeric":
            unit = q["unit"].strip()
            self.text = w.Text(
                value="", description=f"Answer{f' ({unit})' if unit else ''}:",
                placeholder=f"a number, e.g. {_example_number(q)}",
                tooltip=f"Type a number{f' in {unit}' if unit else ''} for question {number}",
                continuous_update=False, style={"description_width": "initial"},
            )
            self.control = self.text
        else:
            n = len(q["items"])
            self.dropdowns = [
                w.Dropdown(options=entry["shown"], value=entry["shown"][k], description=f"Position {k + 1}:",
                           tooltip=f"Choose the item that goes in position {k + 1} of {n}",
                           style={"description_width": "initial"}, layout=w.Layout(width="auto"))
                for k in range(n)
            ]
            self.control = w.VBox([w.HTML(render("quiz/ordering_items.html", items=entry["shown"])),
                                   *self.dropdowns])
        fit = {"layout": w.Layout(width="auto")}  # never clip a button's words on narrow screens
        self.check_button = w.Button(description="Check", button_style="primary", icon="check", **fit,
                                     tooltip=f"Check your answer to question {number}")
        self.check_button.add_class(CHECK_CLASS)
        self.retry_button = w.Button(description="Try again", icon="undo", **fit,
                                     tooltip=f"Clear your answer to question {number} and try again")
        self.explain_button = w.Button(description="Show explanation", icon="info", disabled=True, **fit,
                                       tooltip=f"Show why, after you have checked an answer to question {number}")
        self.feedback = w.HTML("")
        self.feedback.add_class(FEEDBACK_CLASS)
        self.explanation = w.HTML("")
        self.check_button.on_click(lambda _b: self.check())
        self.retry_button.on_click(lambda _b: self.reset())
        self.explain_button.on_click(lambda _b: self.toggle_explanation())
        self.box = w.VBox(
            [self.prompt, self.control,
             w.HBox([self.check_button, self.retry_button, self.explain_button],
                    layout=w.Layout(flex_flow="row wrap")),
             self.feedback, self.explanation],
            layout=w.Layout(border="1px solid #d1d5db", padding="0.4em 0.8em", margin="0.4em 0"),
        )
        self.box.add_class(QUESTION_CLASS)
        self.watch = AnswerWatch(filter(None, [self.radio, self.text, *self.checkboxes, *self.dropdowns]),
                                 self.answer, self._answer_changed)

    def answer(self):
        """Return the answer currently entered in the controls."""
        if self.radio is not None:
            return self.radio.value
        if self.checkboxes:
            return [c.description for c in self.checkboxes if c.value]
        if self.text is not None:
            return self.text.value
        return [d.value for d in self.dropdowns]

    def check(self) -> Result:
        given = self.answer()
        result = check(self.q, given)
        self.feedback.value = feedback_html(result)
        self.watch.judged(given)
        if result.valid:
            self.attempts += 1
            self.last = result
            self.explain_button.disabled = False
            self.quiz._record(self, result)
        return result

    def _answer_changed(self):
        self.feedback.value = changed_html()

    def reset(self):
        self.watch.forget()  # the values set below are not a student's change
        if self.radio is not None:
            self.radio.value = None
        for c in self.checkboxes:
            c.value = False
        if self.text is not None:
            self.text.value = ""
        for k, d in enumerate(self.dropdowns):
            d.value = self.entry["shown"][k]
        self.feedback.value = ""
        self.explanation.value = ""
        self.explain_button.description = "Show explanation"

    def toggle_explanation(self):
        if self.explanation.value:
            self.explanation.value = ""
            self.explain_button.description = "Show explanation"
            return
        self.explanation.value = render("quiz/explanation.html", explanation=self.q["explanation"], see=self.q["see"])
        self.explain_button.description = "Hide explanation"


def _keyboard_script(w):
    """An Output widget holding the keyboard script (see the module docstring).

    Widget outputs are trusted in JupyterLab and Notebook 7, so the script runs there;
    it installs its listeners once per page, for every quiz on it. Elsewhere (VS Code,
    an exported page) it is inert and the quiz works as before.
    """
    out = w.Output(layout=w.Layout(display="none"))
    out.outputs = ({"output_type": "display_data", "metadata": {},
                    "data": {"text/html": render("quiz/keyboard.html", root=ROOT_CLASS, question=QUESTION_CLASS,
                                                 check=CHECK_CLASS, feedback=FEEDBACK_CLASS),
                             "text/plain": ""}},)
    return out


class QuizView(_SelfDisplaying):
    """A lesson's quiz: live widgets plus a static HTML copy in the same display bundle."""

    def __init__(self, bank: dict, layout: list[dict]):
        import ipywidgets as w

        self.bank, self.layout = bank, layout
        self.lesson = bank["lesson"]
        self.title = w.HTML(render("quiz/title.html", lesson=self.lesson, title=bank["title"]))
        self.notice = w.HTML("")
        self.score_line = w.HTML("")
        self.questions = [QuestionView(self, n, entry) for n, entry in enumerate(layout, 1)]
        self._update_score()
        style = w.HTML(render("quiz/style.html"))
        self.widget = w.VBox([style, _keyboard_script(w), self.title, *[qv.box for qv in self.questions],
                              self.score_line, self.notice])
        self.widget.add_class(ROOT_CLASS)

    def _record(self, qv: QuestionView, result: Result):
        self._update_score()
        report = store.append({
            "lesson": self.lesson, "question_id": qv.q["id"], "type": qv.q["type"],
            "score": round(float(result.score), 4), "correct": bool(result.correct),
            "answer": result.given,
        })
        if report.notice:
            self.notice.value = render("quiz/notice.html", notice=report.notice)

    def _update_score(self):
        done = [qv.last for qv in self.questions if qv.last is not None]
        points = sum(r.score for r in done)
        self.score_line.value = render("quiz/score_line.html", points=f"{points:.3g}",
                                       total=len(self.questions), checked=len(done))

    @property
    def score(self) -> float:
        return sum(qv.last.score for qv in self.questions if qv.last is not None)

    def static_html(self) -> str:
        return static_html(self.bank, self.layout)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from helpers.display import WithFallback

        plain = (f"Quiz for lesson {self.lesson} ({len(self.questions)} questions). "
                 "Open the notebook in Jupyter to answer.")
        return WithFallback(self.widget, self.static_html, plain)._repr_mimebundle_(include, exclude)

    def __repr__(self):
        return f"<QuizView lesson {self.lesson}: {len(self.questions)} questions>"


def show(lesson, ids=None, shuffle: bool = False, seed=None) -> QuizView:
    """Show lesson's quiz (or the questions ``ids``) and return it.

    Choices keep the bank's order unless ``shuffle=True``; then they are shuffled
    reproducibly from ``seed`` (0 when not given). Ordering items are always shown in a
    fixed scrambled order that is never already correct.
    """
    bank = load_bank(lesson)
    view = QuizView(bank, _layout(bank, ids, shuffle, seed))
    view._display_now()
    return view
