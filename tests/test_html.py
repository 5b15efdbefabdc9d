"""The HTML page: self-contained, every mention highlighted with its exact text, tables, and the stance network view."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from actorstance.aliases import normalize_surface
from actorstance.html import render_html, role_colours, stance_colours
from actorstance.labels import LabelSchema
from actorstance.schema import Actor, Article, Mention, Span, Stance

from .conftest import make_article

MARK = re.compile(r'<mark class="mention" data-actor="([^"]*)" data-role="([^"]*)"[^>]*>(.*?)</mark>', re.S)


NETWORK = re.compile(r'<div class="network-view" id="([^"]+)"><script type="application/json">(.*?)</script></div>', re.S)


def _self_contained(page: str) -> None:
    """Nothing is fetched: no src, link or import; the only addresses are the SVG namespace and the licence headers."""
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    lowered = page.lower()
    for external in ("src=", "<link", "@import", "url(http", "url(//", "//cdn", "fetch(", "xmlhttprequest"):
        assert external not in lowered, external
    addresses = set(re.findall(r"https?://[^\s\"']+", page))
    assert all(a == "http://www.w3.org/2000/svg" or a.startswith("https://d3js.org/") for a in addresses), addresses
    assert set(re.findall(r"<script[^>]*>", page)) <= {"<script>", '<script type="application/json">'}  # no src


def _networks(page: str) -> list[dict]:
    return [json.loads(payload.replace("<\\/", "</")) for _, payload in NETWORK.findall(page)]


def test_seed_article_page(seed_article):
    page = render_html([seed_article], labels=LabelSchema.default(), title="seed")
    _self_contained(page)
    marks = MARK.findall(page)
    assert len(marks) == len(seed_article.mentions)
    roles = {actor.id: actor.role for actor in seed_article.actors}
    for (actor, role, shown), mention in zip(marks, sorted(seed_article.mentions, key=lambda m: m.start)):
        assert unescape(shown) == mention.text == seed_article.text[mention.start : mention.end]
        assert (actor, role) == (mention.actor, roles[mention.actor])
    # Legend, tables and the network view (the script inlined once).
    assert all(f">{role}</span>" in page for role in LabelSchema.default().roles)
    (network,) = _networks(page)
    assert page.count("<script>") == 1 and page.count("forceSimulation") == 2  # d3-force's definition and the view's call
    names = {actor.id: actor.name for actor in seed_article.actors}
    edges = {(edge["source"], edge["target"]): edge["counts"] for edge in network["edges"]}
    expected: dict = {}
    for stance in seed_article.stances:
        key = (normalize_surface(names[stance.holder]), normalize_surface(names[stance.target]))
        expected.setdefault(key, {}).setdefault(stance.label, 0)
        expected[key][stance.label] += 1
    assert edges == expected
    assert "<th>holder → target</th>" in page and "<th>evidence</th>" in page
    first = seed_article.stances[0]
    evidence = " ".join(seed_article.text[first.evidence[0].start : first.evidence[0].end].split())
    assert evidence[:60].replace("'", "&#x27;").replace('"', "&quot;") in page


def test_arrows_are_coloured_by_label():
    article = make_article(
        "a", "Iran backs Hezbollah. Oman does not take sides. Israel fought Hezbollah.",
        [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("Oman", "OMN"), ("Israel", "ISR"), ("Hezbollah", "HEZ")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah"), ("OMN", "IRN", "NEUTRAL", "does not take sides"),
         ("ISR", "HEZ", "OPPOSE", "Israel fought Hezbollah"), ("HEZ", "ISR", "OPPOSE", "Israel fought Hezbollah")],
    )  # fmt: skip
    page = render_html([article])
    colours = stance_colours(["SUPPORT", "OPPOSE", "NEUTRAL"])
    assert colours == {"SUPPORT": "#1a9641", "OPPOSE": "#d7191c", "NEUTRAL": "#7f7f7f"}
    (network,) = _networks(page)
    assert network["stance_colours"] == colours
    assert sorted((e["source"], e["target"], e["label"]) for e in network["edges"]) == [
        ("hez", "isr", "OPPOSE"), ("irn", "hez", "SUPPORT"), ("isr", "hez", "OPPOSE"), ("omn", "irn", "NEUTRAL"),
    ]  # keyed by normalised name: make_article names actors after their ids


def test_text_is_escaped_and_odd_characters_survive():
    text = 'A <b>bold</b> "claim" & 🙂 Россия\x00 said <script>alert(1)</script> Iran acts.'
    start = text.index("Россия")
    article = Article(
        id="<odd>", text=text, actors=[Actor(id="RUS", name="Russia <gov>", role="GOV")],
        mentions=[Mention(start=start, end=start + 6, text="Россия", actor="RUS", score=0.91)],
    )  # fmt: skip
    page = render_html([article])
    _self_contained(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<b>" not in page
    assert [unescape(m[2]) for m in MARK.findall(page)] == ["Россия"]
    assert "Russia &lt;gov&gt;" in page and "&lt;odd&gt;" in page and "no stances to draw" in page


def test_empty_inputs():
    assert "no articles" in render_html([])
    page = render_html([Article(id="e", text="")])
    _self_contained(page)
    assert "no actors" in page and "no stances to draw" in page and "<script" not in page


def test_role_colours_are_stable_and_distinct():
    roles = LabelSchema.default().roles
    colours = role_colours(roles)
    assert list(colours) == roles and len(set(colours.values())) == len(roles)
    assert role_colours(roles) == colours


def test_overlapping_or_out_of_range_mentions_are_skipped():
    text = "Iran backs Hezbollah."
    article = Article(
        id="x", text=text, actors=[Actor(id="A", name="A", role="GOV")],
        mentions=[Mention(start=0, end=10, text=text[0:10], actor="A"), Mention(start=5, end=20, text=text[5:20], actor="A"),
                  Mention(start=15, end=99, text="", actor="A")],
        stances=[Stance(holder="A", target="B", label="SUPPORT", evidence=[Span(start=0, end=4)])],
    )  # fmt: skip
    page = render_html([article])
    assert [unescape(m[2]) for m in MARK.findall(page)] == ["Iran backs"]
    assert "Iran backs</mark> Hezbollah." in page  # the text itself is complete


@pytest.fixture(scope="module")
def predicted(predictor):
    return predictor, predictor.predict(["Iran backs Hezbollah. The UN condemned the attack.", "Daesh attacked villagers."])


def test_page_of_predictions(predicted):
    predictor, articles = predicted
    page = render_html(articles, labels=predictor.labels)
    _self_contained(page)
    assert page.count('<section class="article"') == 2
    assert len(_networks(page)) == sum(1 for a in articles if a.stances)
    shown = [unescape(m[2]) for m in MARK.findall(page)]
    assert shown == [m.text for a in articles for m in sorted(a.mentions, key=lambda m: m.start)]
