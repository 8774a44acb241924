"""January 2019 against 2025-26, point by point: the side-by-side table of lesson 10.

Each aspect the source article raised (leaders, what Washington asked for, the
cost-sharing terms, the trilateral mechanisms, relations between the two allies, public
opinion) is set out twice, as things stood when the article appeared and as the
datasets show them in 2025-26. The words are the course's; every statement rests on
``events`` rows (named by ``event_id``, checked to exist) or is read live from
``sma_cost_sharing`` and ``opinion``, so the table moves when the data do.

Main calls::

    then_and_now()      -> DataFrame (aspect, January 2019, 2025-26, evidence as row ids)
    show_then_and_now() -> the same table for students: evidence as event titles and
                           dates, no internal ids or column names, styled for reading
    evidence_summary()  -> one line: how many aspects, how many cited rows, newest date
"""
from __future__ import annotations

from helpers.errors import CourseError

#: The aspects compared. Text is the course's own; ids name the events rows behind it.
ASPECTS = [
    {
        "aspect": "Leaders",
        "then": "Moon Jae-in and Abe Shinzo, the leaders the article names, with Donald Trump in "
                "his first term.",
        "then_events": [],
        "now": "Lee Jae-myung, president since 4 June 2025 after a snap election; Takaichi Sanae, "
               "prime minister since 21 October 2025 (LDP-Ishin coalition, a two-thirds LDP majority "
               "after February 2026); Trump in his second term.",
        "now_events": ["ev2025_p2", "ev2025_p3", "ev2025_p19", "ev2026_p32"],
    },
    {
        "aspect": "What Washington asked of Seoul",
        "then": "A much larger Korean payment for US forces: the 10th Special Measures Agreement "
                "was initialled on 10 February 2019 after ten rounds, as a one-year deal.",
        "then_events": ["ev2019_51"],
        "now": "Tariffs as leverage: 15% instead of 25% in return for USD 350 bn of investment "
               "(July 2025), set out in the November 2025 Joint Fact Sheet; a threat in January 2026 "
               "to go back to 25% when the National Assembly had not passed the deal, which it did on 12 March 2026.",
        "now_events": ["ev2025_c3", "ev2025_p25", "ev2026_p31", "ev2026_p36"],
    },
    {
        "aspect": "What Washington asked of Tokyo",
        "then": "Nothing in the article: its cost-sharing story is about Seoul alone.",
        "then_events": [],
        "now": "A 15% tariff in return for a USD 550 bn investment pledge (July 2025).",
        "now_events": ["ev2025_c2"],
    },
    {
        "aspect": "Trilateral mechanisms",
        "then": "GSOMIA the only Japan-ROK security agreement (as the article says), beside the "
                "2014 trilateral information-sharing arrangement (TISA); no regular trilateral summits and "
                "no regular multi-domain trilateral exercise (only occasional missile-warning drills).",
        "then_events": ["ev2014_31", "ev2016_34"],
        "now": "Camp David's structures survive at minister and officer level (five foreign ministers' "
               "meetings in 2025, among them Brussels, New York and Gyeongju; Freedom Edge in September 2025), but no trilateral "
               "leaders' summit was held at the G7 or at APEC in 2025.",
        "now_events": ["ev2023_70", "ev2025_p1", "ev2025_p5", "ev2025_s16", "ev2025_p15", "ev2025_p21"],
    },
    {
        "aspect": "Japan and South Korea",
        "then": "Court rulings against Japanese firms (October and November 2018), Japan's request "
                "for consultations (January 2019), the radar dispute and cancelled naval visits.",
        "then_events": ["ev2018_39", "ev2018_41", "ev2018_43", "ev2019_46", "ev2019_49"],
        "now": "Shuttle diplomacy: five Lee summits with Japanese leaders by January 2026 (G7, Tokyo "
               "with the first joint document in 17 years, Busan, Gyeongju, Nara); Lee calls overturning "
               "the 2015 and 2023 settlements 'undesirable' (August 2025).",
        "now_events": ["ev2025_p5", "ev2025_h1", "ev2025_p11", "ev2025_p16", "ev2025_p22", "ev2026_s25"],
    },
    {
        "aspect": "China",
        "then": "A background presence in the article ('North Korea and China loom').",
        "then_events": [],
        "now": "A Japan-China crisis after Takaichi's November 2025 Taiwan remarks (travel advisory, "
               "seafood halt, dual-use export ban); Seoul says it will not take sides (December 2025, "
               "January 2026).",
        "now_events": ["ev2025_s18", "ev2025_s19", "ev2025_s20", "ev2026_p28", "ev2026_s24"],
    },
]


def _events():
    from helpers.data import load_dataset

    return load_dataset("events").set_index("event_id")


def _evidence(ids: list[str], events) -> str:
    missing = [i for i in ids if i not in events.index]
    if missing:
        raise CourseError(
            f"The comparison cites events rows that are not in datasets/events.csv: {', '.join(missing)}. "
            "Fix: restore those rows or correct the ids in helpers/comparison.py."
        )
    return "; ".join(f"{i} ({events.loc[i, 'date']:%Y-%m-%d})" for i in ids)


def _sma_row():
    from helpers.data import load_dataset

    sma = load_dataset("sma_cost_sharing")
    then = sma.loc[sma["year"] == 2019].iloc[0]
    agreed = sma.loc[sma["status"] == "agreed"]
    last = agreed.loc[agreed["year"].idxmax()]
    return {
        "aspect": "Korea's cost-sharing payment",
        "January 2019": f"{then['agreement']}: ₩{then['amount_krw_bn']:,.1f} bn for {then['year']} "
                        f"(+{then['change_pct']:.1f}%).",
        "2025-26": f"{last['agreement']}: ₩{last['amount_krw_bn']:,.1f} bn for {last['year']} "
                   f"(+{last['change_pct']:.1f}%); {last['note']}.",
        "evidence": f"sma_cost_sharing rows for 2019 and {last['year']}",
        "reading": f"Course cost-sharing dataset (Special Measures Agreements): the 2019 and {last['year']} rows",
    }


def _flat(text) -> str:
    """Dataset text without its own brackets, so it can sit inside the row's: 'Aug 2025 (online)' -> 'Aug 2025, online'."""
    import re

    return re.sub(r"\s*\(([^()]*)\)", r", \1", str(text))


def _opinion_row():
    from helpers.data import load_dataset

    op = load_dataset("opinion")
    parts = {}
    for when, pick in (("then", lambda d: d.loc[d["year"] == 2019]), ("now", lambda d: d.loc[d["year"] == d["year"].max()])):
        texts = []
        for who, label in (("koreans_on_japan", "Koreans with a good impression of Japan"),
                           ("japanese_on_korea", "Japanese with a good impression of Korea")):
            d = op.loc[(op["respondents"] == who) & (op["measure"] == "good_impression")]
            if d.empty:
                continue
            row = pick(d).iloc[-1] if not pick(d).empty else None
            if row is None:
                continue
            comparable = "; not comparable with earlier rounds" if not row["comparable"] else ""
            # Fieldwork, not just the year: the 2019 round was in May, after the article.
            when_asked = row["fieldwork"] if isinstance(row.get("fieldwork"), str) and row["fieldwork"] else row["year"]
            # A round outside the comparable series is named by its own method, not the series title.
            who_asked = row["survey"] if row["comparable"] else row["method"]
            texts.append(f"{label}: {row['value_pct']:.1f}% ({_flat(who_asked)}; fieldwork {_flat(when_asked)}{comparable})")
        parts[when] = "; ".join(texts) + "."
    # The survey rounds held may stop before 2025: say so rather than let the column heading imply it.
    parts["now"] = "Latest rounds held in the course dataset: " + parts["now"]
    return {
        "aspect": "Public opinion",
        "January 2019": parts["then"],
        "2025-26": parts["now"],
        "evidence": "opinion rows, measure good_impression, 2019 and the latest year held",
        "reading": "Course opinion dataset: the share with a good impression of the other country, "
                   "2019 and the latest round held",
    }


def _reading(ids: list[str], events) -> str:
    """The same rows as :func:`_evidence`, named as students see them: title and date."""
    _evidence(ids, events)
    return "; ".join(f"{events.loc[i, 'title']} ({events.loc[i, 'date'].day} {events.loc[i, 'date']:%B %Y})"
                     for i in ids)


def then_and_now(for_reading: bool = False):
    """Return the comparison as a DataFrame: aspect, January 2019, 2025-26, evidence.

    By default ``evidence`` names the ``events`` rows by id and date (for checking and
    tests). With ``for_reading=True`` the columns are headed for students and the evidence
    names each event by its title and date, without internal ids or column names.
    """
    import pandas as pd

    events = _events()
    cite = _reading if for_reading else _evidence
    rows = [
        {
            "aspect": a["aspect"],
            "January 2019": a["then"],
            "2025-26": a["now"],
            "evidence": "; ".join(filter(None, [cite(a["then_events"], events) or
                                                ("the article itself" if for_reading else ""),
                                                cite(a["now_events"], events)])),
        }
        for a in ASPECTS
    ]
    rows.insert(3, _sma_row())
    rows.append(_opinion_row())
    for row in rows:
        reading = row.pop("reading", None)
        if for_reading and reading:
            row["evidence"] = reading
    df = pd.DataFrame(rows, columns=["aspect", "January 2019", "2025-26", "evidence"])
    if for_reading:
        df = df.rename(columns={"aspect": "Aspect", "evidence": "Evidence (course datasets)"})
    return df


def show_then_and_now():
    """Return :func:`then_and_now` styled for reading in the lesson."""
    from helpers.display import table

    return table(then_and_now(for_reading=True),
                 caption="January 2019 and 2025-26, point by point (evidence: the events in the course timeline, "
                         "by title and date)")


def evidence_summary() -> str:
    """Return one line: aspects compared, events rows cited (all found), newest cited date."""
    events = _events()
    ids = sorted({i for a in ASPECTS for i in a["then_events"] + a["now_events"]})
    _evidence(ids, events)
    newest = max(events.loc[ids, "date"])
    return (f"{len(ASPECTS) + 2} aspects compared; {len(ids)} events rows cited, all found in the dataset; "
            f"newest cited event {newest:%Y-%m-%d}")
