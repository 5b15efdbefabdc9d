"""What the reports show: boundary errors as two versions of one sentence, stance errors with holder and
target marked, length groups with intervals, article pages linked from the error tables."""

from __future__ import annotations

import re

from actorstance.labels import LabelSchema
from actorstance.schema import Actor, Article, Mention, Stance
from eval.article_pages import article_page, render_article_pages
from eval.report import render_html, render_markdown
from eval.runner import evaluate_predictions, length_groups

LABELS = LabelSchema.default()
TEXT = "The Thai Army Region 4 said this regime fears the rebels. Bangkok backs the army."


def _article(mentions, actors, stances=(), article_id="th-1") -> Article:
    return Article(
        id=article_id, text=TEXT,
        actors=[Actor(id=actor_id, name=name, role=role) for actor_id, name, role in actors],
        mentions=[Mention(start=TEXT.index(surface), end=TEXT.index(surface) + len(surface), text=surface, actor=actor)
                  for surface, actor in mentions],
        stances=[Stance(holder=h, target=t, label=label) for h, t, label in stances],
    )  # fmt: skip


GOLD = _article(
    [("Thai Army Region 4", "ARMY"), ("Bangkok", "THA"), ("the army", "ARMY")],
    [("ARMY", "Thai Army Region 4", "MIL"), ("THA", "Bangkok", "GOV")],
    [("THA", "ARMY", "SUPPORT")],
)
PREDICTED = _article(
    [("Thai Army", "ARMY"), ("Bangkok", "THA"), ("the army", "ARMY")],
    [("ARMY", "Thai Army", "MIL"), ("THA", "Bangkok", "GOV")],
    [("ARMY", "THA", "OPPOSE")],
)


def _metrics() -> dict:
    given = GOLD.model_copy(update={"stances": [Stance(holder="ARMY", target="THA", label="OPPOSE", score=0.9)]})
    return evaluate_predictions([GOLD], [PREDICTED], [given], LABELS, n_bootstrap=20)


def test_a_boundary_error_shows_the_gold_and_the_predicted_span_in_two_versions_of_the_sentence():
    error = _metrics()["errors"]["mentions"]["false_positives"][0]
    assert (error["kind"], error["text"], error["gold_text"]) == ("boundary", "Thai Army", "Thai Army Region 4")
    assert error["sentence"] == "The Thai Army Region 4 said this regime fears the rebels."
    assert error["marks"] == [[4, 13, "predicted"], [4, 22, "gold"]]
    markdown = render_markdown(_metrics())
    assert (
        "gold: The **Thai Army Region 4** said this regime fears the rebels.<br>"
        "predicted: The **Thai Army** Region 4 said this regime fears the rebels. |"
    ) in markdown
    assert "Thai Army Thai Army" not in markdown and "****" not in markdown
    html = render_html(_metrics())
    assert ('<div><span class="version">predicted</span> The <mark class="predicted" title="predicted">Thai Army</mark> '
            "Region 4 said this regime fears the rebels.</div>") in html  # fmt: skip
    assert "Thai Army</mark>Thai Army" not in html


def test_a_stance_error_marks_the_holder_and_the_target_not_the_whole_sentence():
    metrics = _metrics()
    error = metrics["errors"]["stances"]["false_positives"][0]
    assert (error["holder"], error["target"], error["predicted"], error["gold"]) == ("ARMY", "THA", "OPPOSE", "NONE")
    assert error["sentence"] == "Bangkok backs the army."
    assert error["marks"] == [[0, 7, "target"], [14, 22, "holder"]]
    assert "**Bangkok** (target) backs **the army** (holder)." in render_markdown(metrics)


def test_error_tables_link_each_article_to_its_side_by_side_page():
    metrics = _metrics()
    assert article_page("th-1") == "articles/th-1.html" and article_page("a/b c") == "articles/a_b_c.html"
    assert '<td><a href="articles/th-1.html">th-1</a></td>' in render_html(metrics)
    assert "| [th-1](articles/th-1.html) |" in render_markdown(metrics)
    pages = render_article_pages([GOLD], [PREDICTED], None, LABELS)
    page = pages["articles/th-1.html"]
    assert [title for title in re.findall(r"<h2>(.*?)</h2>", page)] == ["gold", "predicted end to end"]
    assert page.count('data-actor="ARMY"') == 4  # two mentions in each panel
    assert ">Thai Army Region 4</mark>" in page and ">Thai Army</mark>" in page
    assert '<a href="../report.html#errors">' in page and '<h2 id="errors">Error analysis</h2>' in render_html(metrics)


def test_length_groups_are_near_equal_and_large_enough():
    assert length_groups([5, 1, 3]) == [[1, 2, 0]]  # under 20 articles: one group
    words = list(range(35, 0, -1))  # 35 articles, the longest first
    groups = length_groups(words)
    assert [len(group) for group in groups] == [11, 12, 12]
    assert [words[row] for row in groups[0]] == list(range(1, 12))


def test_length_groups_carry_intervals_into_the_report():
    bucket = _metrics()["by_length"][0]
    assert (bucket["label"], bucket["articles"]) == ("15 words", 1)
    assert bucket["mention_strict_f1_ci_low"] <= bucket["mention_strict_f1"] <= bucket["mention_strict_f1_ci_high"]
    html = render_html(_metrics())
    assert "Headline metrics by article length (95% bootstrap intervals)" in html and "F1 by article length" not in html


def test_the_end_to_end_section_says_where_each_gold_and_predicted_edge_went():
    metrics = _metrics()
    analysis = metrics["edge_analysis"]
    # gold Bangkok -> the army is proposed (one sentence holds both) but not kept; the prediction has it the other way round
    assert {step: n for step, n in analysis["gold_edges"].items() if n} == {"below threshold": 1}
    assert {source: n for source, n in analysis["predicted_edges"].items() if n} == {"reverse of a gold edge": 1}
    markdown = render_markdown(metrics)
    assert "| below threshold | 1 | 100% |" in markdown and "| reverse of a gold edge | 1 | 100% |" in markdown
    assert '<td>reverse of a gold edge</td><td class="num">1</td><td>100%</td>' in render_html(metrics)
    roles_only = evaluate_predictions([GOLD], [PREDICTED], [GOLD], LABELS, n_bootstrap=0, tasks=("roles",))
    assert roles_only["edge_analysis"] is None and "Predicted edges by what they are" not in render_markdown(roles_only)
