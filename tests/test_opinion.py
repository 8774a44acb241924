"""Opinion series: the margin for a change, the series break after 2023, and readable tables."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from helpers import opinion
from helpers.figures import ChartError

ROWS = list(csv.DictReader(open(Path(__file__).parents[1] / "datasets" / "opinion.csv", encoding="utf-8")))


def test_margin_for_a_change_is_about_root_two_times_one_samples():
    # one sample of 1,000 near 50%: 196 x sqrt(0.25 / 1000) = 196 x 0.0158114 = 3.0990 points;
    # two such samples: sqrt(3.0990^2 + 3.0990^2) = 3.0990 x 1.41421 = 4.3827 points
    assert opinion.margin_of_change(50, 1000) == pytest.approx(4.3827, abs=1e-4)
    # 1,000 and 4,000: sqrt(3.0990^2 + 1.5495^2) = sqrt(9.6038 + 2.4010) = 3.4648 points
    assert opinion.margin_of_change(50, 1000, 50, 4000) == pytest.approx(3.4648, abs=1e-4)
    # near 20% and 50%: 196 x sqrt(0.16 / 1000) = 2.4792; sqrt(2.4792^2 + 3.0990^2) = 3.9687
    assert opinion.margin_of_change(20, 1000, 50, 1000) == pytest.approx(3.9687, abs=1e-4)


@pytest.mark.parametrize("before, after, words", [
    (31.7, 12.3, "well beyond"),
    (30.4, 37.4, "probably real"),
    (30.6, 28.9, "may be noise"),
])
def test_read_change_sorts_changes_by_the_margin_for_a_change(before, after, words):
    assert words in opinion.read_change(before, after)


def test_read_change_refuses_non_numbers_plainly():
    with pytest.raises(ChartError, match="must be percentages"):
        opinion.read_change("a lot", 30)


def test_margin_table_has_human_headers_and_the_change_column():
    table = opinion.margin_of_error_table()
    assert all("_" not in c for c in table.columns)
    change = next(c for c in table.columns if c.startswith("Change"))
    assert table.loc[table["People in each sample"] == 1000, change].item() == 4.4


def test_overview_table_reads_as_words():
    table = opinion.opinion_overview()
    assert len(table) == len(ROWS)
    assert all("_" not in c for c in table.columns)
    assert not table["Who was asked"].str.contains("_").any()


def test_joint_survey_records_the_mode_of_each_side():
    for r in ROWS:
        if r["survey"].startswith("Genron"):
            side = "visit-and-leave" if "_jp_" in r["obs_id"] else "face-to-face"
            assert side in r["method"], r["obs_id"]


def test_the_rounds_after_2023_are_a_separate_non_comparable_series():
    later = [r for r in ROWS if int(r["year"]) >= 2024 and r["obs_id"].startswith(("genron", "eai"))]
    assert {r["year"] for r in later} >= {"2024", "2025"}
    assert all(r["comparable"] == "false" and "online" in r["method"] for r in later)
    assert not any(r["survey"].startswith("Genron") for r in later)
    names = opinion.opinion_series()
    online = [n for n in names if n.startswith("EAI online")]
    assert len(online) == 2
    kr = opinion.opinion_table(next(n for n in online if "South Korean" in n))
    assert list(kr["value_pct"]) == [41.7, 52.4]


def test_2019_fieldwork_before_and_2020_after_the_july_2019_controls():
    by_id = {r["obs_id"]: r for r in ROWS}
    assert "Jul" not in by_id["genron_eai_kr_2019"]["fieldwork"]
    assert "May" in by_id["genron_eai_kr_2019"]["fieldwork"]
    assert "Sep" in by_id["genron_eai_kr_2020"]["fieldwork"]
    moved = [r["obs_id"] for r in ROWS if "moved" in r["note"].lower()]
    assert moved == ["genron_eai_jp_2020", "genron_eai_kr_2020"]


def test_chart_description_counts_a_single_point_in_the_singular():
    alt = opinion.opinion_chart(event_ids=[]).alt_text
    assert "1 point, 2025 24.8%" in alt
    assert not re.search(r"(?<!\d)1 points", alt)


def test_joint_survey_lines_are_not_broken_by_wording_of_the_sample_size():
    """The Japanese side's method text varies ('about 1,000' or '1,000 respondents');
    the mode (visit-and-leave) is the same, so the line must stay one segment."""
    for name in opinion.opinion_series():
        if name.startswith("Genron"):
            assert len(opinion._segments(opinion.opinion_table(name))) == 1, name
    assert opinion._method_family("joint survey, Japan side: visit-and-leave (1,000)") == "visit-and-leave"


def test_hollow_marker_key_appears_only_when_a_low_confidence_point_is_drawn():
    fig = opinion.opinion_chart(event_ids=[])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    has_low = any(r["confidence"] == "low" for r in ROWS)
    assert any("hollow" in label for label in labels) == has_low
    assert ("Hollow markers" in fig.alt_text) == has_low


def test_cabinet_office_points_are_reported_values_with_fieldwork():
    office = [r for r in ROWS if r["survey"].startswith("Cabinet Office")]
    assert not any(r["source"].startswith("derived") for r in office)
    by_year = {int(r["year"]): float(r["value_pct"]) for r in office if r["obs_id"] != "cabinet_office_2016_01"}
    assert by_year[2019] == 26.7 and by_year[2023] == 52.8 and by_year[2024] == 56.3
    assert all(r["comparable"] == ("true" if int(r["year"]) < 2020 else "false") for r in office)


def test_margin_of_error_table_holds_the_hand_computed_margins():
    # margin of one result = 100 x 1.96 x sqrt(p(1 - p) / n) points; of a change between two
    # samples of n each = sqrt(2) x that. Worked by hand, rounded to 0.1 point:
    #   n=250:  p=.5 196 x sqrt(.25/250)  = 196 x .031623 = 6.198 -> 6.2; p=.2 196 x .025298 = 4.958 -> 5.0;
    #           change 6.198 x 1.41421 = 8.765 -> 8.8
    #   n=500:  196 x .022361 = 4.383 -> 4.4; 196 x .017889 = 3.506 -> 3.5; 4.383 x 1.41421 = 6.198 -> 6.2
    #   n=1000: 196 x .015811 = 3.099 -> 3.1 (the lesson's "about 3 points"); 196 x .012649 = 2.479 -> 2.5;
    #           3.099 x 1.41421 = 4.383 -> 4.4
    #   n=2000: 196 x .011180 = 2.191 -> 2.2; 196 x .008944 = 1.753 -> 1.8; 2.191 x 1.41421 = 3.099 -> 3.1
    #   n=4000: 196 x .007906 = 1.550 (1.5495) -> 1.5; 196 x .006325 = 1.240 -> 1.2; 1.5495 x 1.41421 = 2.191 -> 2.2
    table = opinion.margin_of_error_table()
    assert list(table.columns) == ["People in each sample", "One result near 50% (± points)",
                                   "One result near 20% (± points)",
                                   "Change between two samples, near 50% (± points)"]
    assert table.values.tolist() == [
        [250, 6.2, 5.0, 8.8],
        [500, 4.4, 3.5, 6.2],
        [1000, 3.1, 2.5, 4.4],
        [2000, 2.2, 1.8, 3.1],
        [4000, 1.5, 1.2, 2.2],
    ]


def test_margin_of_error_table_follows_its_arguments():
    # n=100, p=.3: 196 x sqrt(.21/100) = 196 x .045826 = 8.982 -> 9.0; change near 30%: 8.982 x 1.41421 = 12.702 -> 12.7
    table = opinion.margin_of_error_table(sample_sizes=(100,), shares=(30.0,))
    assert list(table.columns) == ["People in each sample", "One result near 30% (± points)",
                                   "Change between two samples, near 30% (± points)"]
    assert table.values.tolist() == [[100, 9.0, 12.7]]
