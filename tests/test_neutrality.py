"""Declared neutrality toward a conflict's sides named in other sentences (`actorstance.neutrality`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actorstance.decision import PairDecision, PairScore
from actorstance.neutrality import declared_neutrality, read_cues, shipped_cues
from actorstance.predictor import Predictor
from actorstance.schema import Article, Mention, Stance

from .conftest import make_article

TEXT = (
    "Sudan's army shelled RSF positions in Omdurman. "
    "The RSF later attacked an army base. "
    "Chad says it is not a party to the war."
)
MENTIONS = [("Sudan's army", "SAF"), ("RSF", "RSF"), ("The RSF", "RSF"), ("army", "SAF"), ("Chad", "TCD")]


def _war(extra_mentions=(), text=TEXT, codes=None) -> Article:
    article = make_article("war", text, [*MENTIONS, *extra_mentions])
    for actor in article.actors:
        actor.code = (codes or {}).get(actor.id)
    return article


WAR = {("SAF", "RSF"): 0.9, ("RSF", "SAF"): 0.7}


def _edges(found) -> list[tuple]:
    return [(s.holder, s.target, s.label, s.score) for s in found]


def test_a_lone_actor_declaring_neutrality_gets_neutral_edges_toward_both_sides():
    found = declared_neutrality(_war(), WAR)
    sentence = TEXT.index("Chad says")
    assert _edges(found) == [("TCD", "RSF", "NEUTRAL", 0.7), ("TCD", "SAF", "NEUTRAL", 0.7)]
    assert [(e.start, e.end) for e in found[0].evidence] == [(sentence, len(TEXT))]


def test_no_edge_when_the_sentence_names_another_actor_or_the_cue_comes_first():
    named = TEXT.replace("Chad says it is not a party to the war.", "Chad says it is not a party to the war with the RSF.")
    assert declared_neutrality(_war([("the RSF", "RSF")], text=named), WAR) == []
    first = TEXT.replace("Chad says it is not a party to the war.", "Not a party to the war, says Chad.")
    assert declared_neutrality(_war(text=first), WAR) == []


def test_no_edge_without_a_conflict_fought_both_ways_or_a_cue():
    assert declared_neutrality(_war(), {}) == []
    assert declared_neutrality(_war(), {("SAF", "RSF"): 0.9}) == []
    calm = TEXT.replace("is not a party to the war", "neither confirmed nor denied the report")
    assert declared_neutrality(_war(text=calm), WAR) == []


def test_a_pair_the_classifier_scored_keeps_its_decision():
    assert _edges(declared_neutrality(_war(), WAR, scored_pairs={("TCD", "RSF")})) == [("TCD", "SAF", "NEUTRAL", 0.7)]


def test_the_main_conflict_is_the_most_mentioned_pair_and_never_the_holders_own_state():
    text = TEXT + " Chadian troops clashed with the RSF."
    extra = [("Chadian troops", "TCD_MIL"), ("the RSF", "RSF")]
    opposed = {("SAF", "RSF"): 0.6, ("RSF", "SAF"): 0.6, ("TCD_MIL", "RSF"): 0.95, ("RSF", "TCD_MIL"): 0.95}
    article = _war(extra, text=text)
    assert [s.target for s in declared_neutrality(article, opposed)] == ["RSF", "SAF"]  # SAF-RSF: 5 mentions; TCD_MIL-RSF: 4
    article.mentions += [Mention(start=text.index("Chadian"), end=text.index("Chadian") + 7, text="Chadian", actor="TCD_MIL")] * 2
    assert [s.target for s in declared_neutrality(article, opposed)] == ["RSF", "TCD_MIL"]  # now the larger pair
    linked = _war(extra, text=text, codes={"TCD": "TCD", "TCD_MIL": "TCD_MIL"})
    linked.mentions = article.mentions
    assert [s.target for s in declared_neutrality(linked, opposed)] == ["RSF", "SAF"]  # Chad's own forces are not a side it can stay out of
    leader = _war(extra, text=text, codes={"TCD": "TCD:Mahamat Deby", "TCD_MIL": "TCD_MIL"})  # a leader's code
    leader.mentions = article.mentions
    assert [s.target for s in declared_neutrality(leader, opposed)] == ["RSF", "SAF"]  # nor are his state's forces


def test_the_shipped_cues_read_the_guidelines_wording():
    cues = shipped_cues()
    for declared in ("is not a party to the conflict", "does not take sides", "takes no side", "backs neither army",
                     "remained impartial", "was not aimed at Vietnam", "stays neutral", "has no hostility toward",
                     "has taken no side", "declined to take sides", "We don’t take sides", "does not amount to taking sides"):
        assert cues.search(declared), declared
    for other in ("neither confirmed nor denied", "the party said", "took part in the talks", "a partial ceasefire",
                  "accused the mission of taking sides", "has taken sides with the army", "it is not impartial",
                  "called for an independent and impartial investigation", "talks at a neutral venue"):
        assert not cues.search(other), other


def test_a_cue_file_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "cues.txt"
    path.write_text("# comment\nneutral # stays neutral\n\nnot (a party\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cues\.txt, line 4: not a regular expression .*'not \(a party'"):
        read_cues(path)
    path.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cues\.txt: no cue patterns"):
        read_cues(path)
    path.write_text("neutral\nno side # said of a conflict\n", encoding="utf-8")
    assert read_cues(path).search("It takes NO SIDE.") and not read_cues(path).search("neutrals")


def test_the_predictor_reads_the_conflict_at_its_own_threshold_and_filters_by_min_score(run_dir, monkeypatch):
    given = [{"start": m.start, "end": m.end, "actor": m.actor} for m in _war().mentions]
    pooled = {
        ("doc-0", "SAF", "RSF"): PairScore("doc-0", "SAF", "RSF", 0.9, "OPPOSE", (0, 47)),
        ("doc-0", "RSF", "SAF"): PairScore("doc-0", "RSF", "SAF", 0.8, "OPPOSE", (48, 85)),
        ("doc-0", "SAF", "TCD"): PairScore("doc-0", "SAF", "TCD", 0.3, "OPPOSE", (0, 47)),  # below the threshold
        ("doc-0", "TCD", "SAF"): PairScore("doc-0", "TCD", "SAF", 0.3, "OPPOSE", (0, 47)),
    }
    neutral = [("TCD", "RSF", "NEUTRAL", 0.8)]  # TCD -> SAF was scored: the classifier's decision stands
    for option, min_score, expected in ((False, None, []), (True, None, neutral), (True, 0.0, neutral), (True, 0.85, [])):
        predictor = Predictor.from_pretrained(run_dir, device="cpu", overrides=[f"stance.declared_neutrality={str(option).lower()}"])
        monkeypatch.setattr(predictor, "pair_scores", lambda articles, batch_size, stated_only=False: pooled)
        predictor.decision = PairDecision(threshold=0.5)  # no reverse margin: both directions stand
        result = predictor.predict(TEXT, mentions=given, min_score=min_score)
        assert _edges(s for s in result.stances if s.label == "NEUTRAL") == expected, (option, min_score)


@pytest.mark.parametrize(
    ("option", "stances", "message"),
    [
        ("declared_neutrality", ["SUPPORT", "OPPOSE"], "stance.declared_neutrality needs the stance labels NEUTRAL, OPPOSE; two-way lacks NEUTRAL"),
        ("sponsorship_edges", ["OPPOSE", "NEUTRAL"], "stance.sponsorship_edges needs the stance label SUPPORT; two-way lacks it"),
    ],
)
def test_a_label_set_without_the_labels_a_rule_writes_refuses_the_rule(run_dir, option, stances, message):
    from actorstance.labels import LabelSchema

    predictor = Predictor.from_pretrained(run_dir, device="cpu")
    schema = LabelSchema(name="two-way", roles=predictor.labels.roles, stances=stances)
    config = predictor.config.model_copy(update={"stance": predictor.config.stance.model_copy(update={option: True})})
    with pytest.raises(ValueError, match=message):
        Predictor(config, schema, predictor.models, predictor.tokenizer, predictor.aliases, predictor.device)


def test_the_model_card_says_which_pairs_get_stances():
    from actorstance.card import render_card
    from actorstance.config import load_config
    from actorstance.labels import LabelSchema

    counts = {"articles": 1, "mentions": 2, "stances": 1}
    for option, expected in (
        ("false", "- Stances are predicted only between actors mentioned in one sentence;\n"),
        ("true", "- Stances are predicted only between actors mentioned in one sentence, and NEUTRAL edges from an actor "
                 "that declares itself neutral toward the two sides of the article's main conflict (`stance.declared_neutrality`);\n"),
    ):
        overrides = [f"stance.declared_neutrality={option}", "stance.sponsorship_edges=false"]
        config = load_config(Path(__file__).parents[1] / "configs" / "default.yaml", overrides)
        assert expected in render_card(config, LabelSchema.default(), {}, counts)
