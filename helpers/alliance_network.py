"""Lesson 01's alliance network: who is allied with whom among the US, Japan and South Korea.

- :func:`alliance_links` reads ``alliances`` and keeps, for a given year, the
  agreements among the three signed by then (a newer treaty of the same kind between
  the same parties replacing the older one);
- :func:`alliance_diagram` draws them as a network: the three countries, one line per
  pair in the style of its strongest instrument, each labelled in words with what the
  treaty itself obliges the parties to do;
- :func:`alliances_table` is the whole dataset for reading: country names, not codes,
  and each kind of instrument in words.

pandas and matplotlib are imported inside the functions that need them. A bad year
raises :class:`helpers.figures.ChartError` with a message that says what to do.
"""
from __future__ import annotations

from helpers.errors import whole_year
from helpers.figures import INK, ChartError, finish, new_figure

__all__ = ["DEFAULT_YEAR", "alliance_diagram", "alliance_links", "alliances_table"]

#: The diagram's default year: 2019, the year of the article the course grows out of.
DEFAULT_YEAR = 2019

#: How each kind of instrument is drawn and described. Strongest first: when a pair
#: has several instruments, the line takes the style of the strongest.
_ALLIANCE_KINDS = {
    "defence_treaty": ("-", 4.0, "defence treaty (see each treaty's own obligation)"),
    "intelligence_agreement": ("--", 2.2, "information-sharing agreement (binding), no defence promise"),
    "intelligence_arrangement": ("--", 1.6, "information-sharing arrangement (not binding)"),
    "political_commitment": ("-.", 1.6, "political commitment to consult (not binding)"),
    "normalisation_treaty": (":", 1.6, "diplomatic relations, no defence promise"),
    "claims_agreement": (":", 1.6, "settlement of property and claims"),
}
#: What each treaty itself obliges the parties to do, where that differs from the
#: kind's general description: the three defence treaties promise different things.
_TREATY_OBLIGATIONS = {
    "us_japan_1951": "US forces may stay in Japan; no explicit US duty to defend Japan",
    "us_japan_1960": ("Art. V: each acts, by its constitutional provisions and processes, against "
                      "an armed attack on territory under Japan's administration (not the US "
                      "homeland); Art. VI: US use of bases in Japan"),
    "us_rok_1953": ("Art. III: each acts, by its constitutional processes, against an armed attack "
                    "on territory either administers in the Pacific area; Art. IV: US forces in Korea"),
}
_ALLIANCE_NODES = {"USA": (0.5, 0.86), "KOR": (0.14, 0.14), "JPN": (0.86, 0.14)}
_ALLIANCE_NAMES = {"USA": "United States", "KOR": "South Korea", "JPN": "Japan"}


def alliance_links(as_of_year=DEFAULT_YEAR):
    """Return the agreements among the US, Japan and South Korea signed by ``as_of_year``.

    One row per agreement: ``pair`` ("JPN-KOR", "JPN-USA", "KOR-USA" or "three-way"),
    ``name``, ``kind``, ``signed`` (year), ``binding`` and ``description`` (the kind in
    words). Peace treaties with many parties are left out; where a newer agreement of
    the same kind replaced an older one between the same parties (the 1960 US-Japan
    treaty replacing that of 1951), only the newer one is kept.
    """
    import pandas as pd

    from helpers.data import load_dataset

    df = load_dataset("alliances")
    years = df["signed"].dt.year
    first = int(years.min())
    year = whole_year(as_of_year, "year for the alliance diagram", ChartError)
    if year < first:
        raise ChartError(
            f"No agreement in the alliances dataset was signed by {year}: the first was signed in {first}. "
            f"Choose {first} or later."
        )
    rows = []
    for r in df[years <= year].sort_values("signed").itertuples(index=False):
        if r.kind not in _ALLIANCE_KINDS:
            continue
        parties = sorted(p.strip() for p in str(r.parties).split(";") if p.strip() in _ALLIANCE_NODES)
        if len(parties) < 2 or len(parties) != len([p for p in str(r.parties).split(";") if p.strip()]):
            continue
        pair = "three-way" if len(parties) == 3 else "-".join(parties)
        rows.append({"pair": pair, "name": r.name, "kind": r.kind, "signed": int(r.signed.year),
                     "binding": bool(r.binding),
                     "description": _TREATY_OBLIGATIONS.get(r.treaty_id, _ALLIANCE_KINDS[r.kind][2])})
    links = pd.DataFrame(rows, columns=["pair", "name", "kind", "signed", "binding", "description"])
    # a later instrument of the same kind between the same parties replaces the earlier one
    links = links.drop_duplicates(subset=["pair", "kind"], keep="last").reset_index(drop=True)
    return links


def _short_name(name: str) -> str:
    import textwrap

    return textwrap.fill(str(name), 30)


def alliance_diagram(as_of_year=DEFAULT_YEAR):
    """Return a diagram of who is allied with whom (US, Japan, South Korea) by ``as_of_year``.

    Nodes are the three countries; each line is labelled in words with the agreements
    between that pair and their years. Defence treaties are thick solid lines,
    information-sharing agreements dashed, diplomatic and claims agreements dotted;
    three-way instruments sit in a box in the middle, linked to all three.
    """
    links = alliance_links(as_of_year)
    order = list(_ALLIANCE_KINDS)
    fig, ax = new_figure(figsize=(10, 6.5))
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(-0.32, 1.0)
    ax.axis("off")
    for pair, group in links[links["pair"] != "three-way"].groupby("pair"):
        a, b = pair.split("-")
        (x1, y1), (x2, y2) = _ALLIANCE_NODES[a], _ALLIANCE_NODES[b]
        strongest = min(group["kind"], key=order.index)
        style, width, _ = _ALLIANCE_KINDS[strongest]
        ax.plot([x1, x2], [y1, y2], linestyle=style, linewidth=width, color=INK, zorder=1)
        label = "\n".join(f"{_short_name(r.name)} ({r.signed})\n= {_short_name(r.description)}" for r in group.itertuples())
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        if pair == "JPN-KOR":
            my -= 0.04
            va, ha = "top", "center"
        elif "JPN" in pair:  # right-hand side of the triangle: label outside, to the right
            mx += 0.06
            va, ha = "center", "left"
        else:
            mx -= 0.06
            va, ha = "center", "right"
        ax.text(mx, my, label, fontsize=7.5, ha=ha, va=va, color=INK, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#9ca3af"})
    three = links[links["pair"] == "three-way"]
    if not three.empty:
        cx, cy = 0.5, 0.45
        for node in _ALLIANCE_NODES.values():
            ax.plot([cx, node[0]], [cy, node[1]], linestyle=(0, (1, 3)), linewidth=1.0, color="#6b7280", zorder=0)
        label = "Three-way:\n" + "\n".join(f"{_short_name(r.name)} ({r.signed})\n= {_short_name(r.description)}" for r in three.itertuples())
        ax.text(cx, cy, label, fontsize=7.5, ha="center", va="center", color=INK, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "#f3f4f6", "edgecolor": "#6b7280"})
    for code, (x, y) in _ALLIANCE_NODES.items():
        ax.text(x, y, _ALLIANCE_NAMES[code], fontsize=12, fontweight="bold", ha="center", va="center",
                color="white", zorder=4, bbox={"boxstyle": "round,pad=0.5", "facecolor": "#1d4ed8"})
    year = int(links["signed"].max()) if not links.empty else as_of_year
    ax.set_title(f"Who is allied with whom: agreements signed by {int(as_of_year)}")
    parts = []
    for pair, group in links.groupby("pair", sort=False):
        who = "All three" if pair == "three-way" else " and ".join(_ALLIANCE_NAMES[p] for p in pair.split("-"))
        what = "; ".join(f"{r.name} ({r.signed}, {r.description})" for r in group.itertuples())
        parts.append(f"{who}: {what}.")
    has_defence = links[(links["pair"] == "JPN-KOR") & (links["kind"] == "defence_treaty")]
    alt = (
        f"Network diagram of the United States, Japan and South Korea, agreements signed up to {int(as_of_year)} "
        f"(latest {year}). " + " ".join(parts)
        + (" There is no defence treaty between Japan and South Korea." if has_defence.empty else "")
    )
    return finish(fig, alt, "alliances")


#: Each kind of instrument in words, for tables students read.
_ALLIANCE_KIND_WORDS = {
    "peace_treaty": "peace treaty",
    "defence_treaty": "defence treaty",
    "intelligence_agreement": "information-sharing agreement (binding)",
    "intelligence_arrangement": "information-sharing arrangement (not binding)",
    "political_commitment": "political commitment to consult (not binding)",
    "normalisation_treaty": "treaty establishing diplomatic relations",
    "claims_agreement": "claims settlement",
}


def _parties_in_words(parties: str) -> str:
    codes = [p.strip() for p in str(parties).split(";") if p.strip()]
    # governments in alphabetical order (the course's rule), any "and N others" entry last
    names = sorted(_ALLIANCE_NAMES[c] for c in codes if c in _ALLIANCE_NAMES)
    names += [c.removeprefix("and ") for c in codes if c not in _ALLIANCE_NAMES]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def alliances_table():
    """Return the `alliances` dataset with readable headers and values, in date order.

    Columns: Agreement, Parties (country names, not codes), Signed, In force (missing
    where an instrument has no entry into force) and Kind (in words).
    """
    from helpers.data import load_dataset

    df = load_dataset("alliances").sort_values("signed", kind="stable")
    return df.assign(
        parties=df["parties"].map(_parties_in_words),
        kind=df["kind"].map(lambda k: _ALLIANCE_KIND_WORDS.get(k, str(k).replace("_", " "))),
    )[["name", "parties", "signed", "in_force", "kind"]].rename(columns={
        "name": "Agreement", "parties": "Parties", "signed": "Signed", "in_force": "In force", "kind": "Kind",
    }).reset_index(drop=True)
