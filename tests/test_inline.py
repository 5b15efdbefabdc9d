"""The inline notation compiles to exact code-point offsets and renders back unchanged."""

from __future__ import annotations

from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.corpus.inline import parse_inline, render_article, render_inline

from .conftest import SEED_JSONL

SOURCE = """\
# a comment before the first article
=== article ukr-1
split: test
meta: {"title": "Kyiv and Türkiye", "lang": "en"}
actor: UKR | Ukraine | GOV
actor: TUR | Türkiye | GOV
actor: RUS | Russia | GOV
stance: TUR -> UKR | SUPPORT | "Ankara sent drones to Kyiv"
stance: AUTHOR -> RUS | OPPOSE | "Kyiv"@2
stance: RUS -> UKR | OPPOSE | 0:4
text:
[Kyiv](UKR) thanked [Türkiye’s president](TUR) — [Ankara](TUR) sent drones to [Kyiv](UKR).

[Moscow](RUS) called it \\[sic\\] a provocation.

=== article second
actor: X | Xavier | GOV
text:
[Xavier](X) spoke.
"""


def test_exact_offsets_with_non_ascii_and_escapes():
    located, issues = parse_inline(SOURCE)
    assert issues == []
    (line, article), (second_line, second) = located
    assert (line, second_line) == (2, 16)
    text = "Kyiv thanked Türkiye’s president — Ankara sent drones to Kyiv.\n\nMoscow called it [sic] a provocation."
    assert article.text == text
    assert article.split == "test" and article.meta == {"title": "Kyiv and Türkiye", "lang": "en"}
    assert [(m.start, m.end, m.text, m.actor) for m in article.mentions] == [
        (0, 4, "Kyiv", "UKR"),
        (13, 32, "Türkiye’s president", "TUR"),
        (35, 41, "Ankara", "TUR"),
        (57, 61, "Kyiv", "UKR"),
        (64, 70, "Moscow", "RUS"),
    ]
    evidence = [[(s.start, s.end) for s in stance.evidence] for stance in article.stances]
    assert evidence == [[(35, 61)], [(57, 61)], [(0, 4)]]
    assert second.text == "Xavier spoke."


def test_render_then_parse_is_identity(seed_article):
    located, _ = parse_inline(SOURCE)
    articles = [article for _, article in located]
    rendered = render_inline(articles)
    again, issues = parse_inline(rendered)
    assert issues == []
    assert [a for _, a in again] == articles
    (seed_again,) = [a for _, a in parse_inline(render_article(seed_article))[0]]
    assert seed_again == seed_article


def test_text_that_looks_like_markup_survives(seed_article):
    tricky = seed_article.model_copy(
        update={"id": "tricky", "text": "a [b] \\c\n=== article x\n\n", "mentions": [], "actors": [], "stances": []}
    )
    (back,) = [a for _, a in parse_inline(render_article(tricky))[0]]
    assert back.text == tricky.text


def test_syntax_errors_are_located():
    source = """=== article bad
actor: A | Alpha | GOV
stance: A -> B | SUPPORT | "not in the text"
text:
[Alpha](A) met [Beta.

=== article worse
actor: A | Alpha
text:
x
=== article nobody
unknown: 1
"""
    _, issues = parse_inline(source, "f.txt")
    assert [str(issue) for issue in issues] == [
        "f.txt:5: article bad: text: mention '[' is never closed",
        "f.txt:8: article worse: actor: expected 'actor: ID | name | ROLE'",
        "f.txt:12: article nobody: header: unknown key 'unknown' (expected split, meta, actor, stance or text)",
    ]
    _, issues = parse_inline('=== article e\nstance: A -> B | SUPPORT | "zzz"\ntext:\nabc\n', "g.txt")
    assert str(issues[0]) == "g.txt:2: article e: evidence: 'zzz' occurs 0 time(s) in the text, not 1"


def test_cli_round_trip(tmp_path):
    inline = tmp_path / "seed.txt"
    back = tmp_path / "back.jsonl"
    runner = CliRunner()
    assert runner.invoke(app, ["convert", str(SEED_JSONL), str(inline), "--to", "inline"]).exit_code == 0
    assert runner.invoke(app, ["convert", str(inline), str(back), "--from", "inline"]).exit_code == 0
    assert back.read_bytes() == SEED_JSONL.read_bytes()
    inline.write_text(inline.read_text(encoding="utf-8").replace("| GOV", "| STATE", 1), encoding="utf-8")
    result = runner.invoke(app, ["convert", str(inline), str(back), "--from", "inline"])
    assert result.exit_code == 1 and "actors[0].role: 'STATE' is not in the label set" in result.output
