"""SUPPORT edges that a mention's own words state ("Iran-backed militias"): `actorstance.sponsorship`."""

from __future__ import annotations

from actorstance.decision import PairDecision, PairScore
from actorstance.predictor import Predictor
from actorstance.sponsorship import sponsorship_edges

from .conftest import make_article

TEXT = (
    "Iran sent advisers. Iran-backed militias shelled the town. "
    "Magawir al-Thawra, a US-backed rebel group, held it with the US. "
    "Pro-junta fighters joined the junta's patrols."
)
MENTIONS = [
    ("Iran", "IRN"), ("Iran-backed militias", "MILITIAS"), ("Magawir al-Thawra", "MAGAWIR"),
    ("a US-backed rebel group", "MAGAWIR"), ("the US", "USA"), ("Pro-junta fighters", "FIGHTERS"), ("the junta", "JUNTA"),
]  # fmt: skip
CODES = {"Iran": "IRN", "US": "USA"}


def _article(mentions=MENTIONS, text=TEXT, scores=None):
    article = make_article("doc-0", text, mentions)
    for actor in article.actors:
        actor.code = {"IRN": "IRN", "USA": "USA"}.get(actor.id)
    for mention in article.mentions:
        mention.score = (scores or {}).get(mention.text)
    return article


def _edges(found) -> list[tuple]:
    return [(s.holder, s.target, s.label, s.score, [(e.start, e.end) for e in s.evidence]) for s in found]


def test_backed_gives_the_sponsor_support_and_pro_gives_it_to_the_actor():
    found = sponsorship_edges(_article(), CODES.get)
    backed, us_backed, pro = (TEXT.index(surface) for surface in ("Iran-backed", "a US-backed", "Pro-junta"))
    assert _edges(found) == [
        ("IRN", "MILITIAS", "SUPPORT", 1.0, [(backed, backed + len("Iran-backed militias"))]),
        ("USA", "MAGAWIR", "SUPPORT", 1.0, [(us_backed, us_backed + len("a US-backed rebel group"))]),
        ("FIGHTERS", "JUNTA", "SUPPORT", 1.0, [(pro, pro + len("Pro-junta fighters"))]),  # by the junta's own mention
    ]


def test_a_decided_pair_keeps_its_edge_and_a_sponsor_that_is_no_actor_gives_none():
    assert [e[:2] for e in _edges(sponsorship_edges(_article(), CODES.get, decided={("IRN", "MILITIAS")}))] == [
        ("USA", "MAGAWIR"), ("FIGHTERS", "JUNTA")
    ]  # fmt: skip
    without_us = [m for m in MENTIONS if m[1] != "USA"]
    assert [e[:2] for e in _edges(sponsorship_edges(_article(without_us), CODES.get))] == [("IRN", "MILITIAS"), ("FIGHTERS", "JUNTA")]


def test_actors_given_without_codes_are_found_by_their_mentions_links():
    text = "Tehran sent advisers. Iran-backed militias shelled the town."
    article = make_article("doc-2", text, [("Tehran", "STATE"), ("Iran-backed militias", "MILITIAS")])
    links = {"Iran": "IRN", "Tehran": "IRN"}
    assert [e[:3] for e in _edges(sponsorship_edges(article, links.get))] == [("STATE", "MILITIAS", "SUPPORT")]
    assert sponsorship_edges(article, {"Iran": "IRN"}.get) == []  # "Tehran" links nowhere: no actor is Iran


def test_the_sponsor_is_the_actor_most_of_whose_mentions_link_to_it():
    text = "Vucic spoke. Serbia, Belgrade and Serbia again. Belgrade-backed Srpska Lista won."
    mentions = [("Vucic", "VUCIC"), ("Serbia", "SRB"), ("Belgrade", "SRB"), ("Serbia", "SRB"), ("Belgrade-backed Srpska Lista", "SL")]
    article = make_article("doc-3", text, mentions)
    links = {"Vucic": "SRB", "Serbia": "SRB", "Belgrade": "SRB"}  # a leader's name read as his government's
    assert [e[:2] for e in _edges(sponsorship_edges(article, links.get))] == [("SRB", "SL")]
    article.actors[0].code = "SRB"  # an actor's own code comes first
    assert [e[:2] for e in _edges(sponsorship_edges(article, links.get))] == [("VUCIC", "SL")]


def test_led_states_no_stance_and_an_actor_never_backs_itself():
    text = "The US-led forces arrived. The US said so. Iran-backed Iran was a headline."
    article = make_article("doc-1", text, [("The US-led forces", "COALITION"), ("The US", "USA"), ("Iran-backed Iran", "IRN")])
    for actor in article.actors:
        actor.code = {"USA": "USA", "IRN": "IRN"}.get(actor.id)
    assert sponsorship_edges(article, CODES.get) == []


def test_the_edge_is_scored_as_its_first_mention():
    text = "Iran-backed militias fired. Iran denied it. Iran-backed militias fired again."
    mentions = [("Iran-backed militias", "MILITIAS"), ("Iran", "IRN"), ("Iran-backed militias", "MILITIAS")]
    article = _article(mentions, text)
    article.mentions[0].score, article.mentions[2].score = 0.42, 0.9
    assert _edges(sponsorship_edges(article, CODES.get)) == [("IRN", "MILITIAS", "SUPPORT", 0.42, [(0, 20)])]


def test_the_predictor_adds_them_beside_the_pair_decision_at_any_min_score(run_dir, monkeypatch):
    text = "Iran sent advisers. Iran-backed militias shelled the town."
    given = [{"start": m.start, "end": m.end, "actor": m.actor} for m in _article(MENTIONS[:2], text).mentions]
    pooled = {("doc-0", "MILITIAS", "IRN"): PairScore("doc-0", "MILITIAS", "IRN", 0.2, "OPPOSE", (20, 58))}  # below the threshold
    stated = [("IRN", "MILITIAS", "SUPPORT")]
    for option, min_score, expected in ((False, None, []), (True, None, stated), (True, 0.0, stated)):
        predictor = Predictor.from_pretrained(run_dir, device="cpu", overrides=[f"stance.sponsorship_edges={str(option).lower()}"])
        monkeypatch.setattr(predictor, "pair_scores", lambda articles, batch_size, stated_only=False: pooled)
        predictor.decision = PairDecision(threshold=0.5)
        result = predictor.predict(text, mentions=given, min_score=min_score)
        assert [(s.holder, s.target, s.label) for s in result.stances if s.label == "SUPPORT"] == expected, (option, min_score)
        assert [(s.holder, s.target) for s in result.stances if s.label == "OPPOSE"] == ([("MILITIAS", "IRN")] if min_score == 0.0 else [])


def test_the_model_card_names_them():
    from pathlib import Path

    from actorstance.card import render_card
    from actorstance.config import load_config
    from actorstance.labels import LabelSchema

    config = load_config(Path(__file__).parents[1] / "configs" / "default.yaml", ["stance.declared_neutrality=false"])
    expected = ("- Stances are predicted only between actors mentioned in one sentence, and SUPPORT edges that a mention's own "
                "words state with the actor they name ('Iran-backed militias', 'pro-Iranian forces': `stance.sponsorship_edges`);\n")  # fmt: skip
    assert expected in render_card(config, LabelSchema.default(), {}, {"articles": 1, "mentions": 2, "stances": 1})


def test_no_actor_one_actor_and_thousands_of_sponsored_mentions(run_dir):
    predictor = Predictor.from_pretrained(run_dir, device="cpu", overrides=["stance.sponsorship_edges=true"])
    assert predictor.predict("Iran-backed militias fired.", mentions=[]).stances == []
    lone = predictor.predict("Iran-backed militias fired.", mentions=[{"start": 0, "end": 20, "actor": "MILITIAS"}])
    assert lone.stances == []  # the sponsor is no actor of the article
    text = "Iran spoke. " + "Iran-backed militias fired. " * 2000
    many = [{"start": 0, "end": 4, "actor": "IRN"}] + [
        {"start": 12 + 28 * i, "end": 12 + 28 * i + 20, "actor": "MILITIAS"} for i in range(2000)
    ]  # fmt: skip
    given = predictor.predict(text, mentions=many, min_score=1.0)  # the classifier's edges filtered out
    assert [(s.holder, s.target, s.label, s.score) for s in given.stances] == [("IRN", "MILITIAS", "SUPPORT", 1.0)]
    assert [(e.start, e.end) for e in given.stances[0].evidence] == [(12, 32)]
