"""The learned nominal linker: features, the choice, its training data from a gold article, the file."""

from __future__ import annotations

import json
import math

import pytest

from actorstance.grouping import TaggedSpan, fit_mention_linker, linking_examples, resolve_actors
from actorstance.linking import LINKER_FILE, Candidate, MentionLinker, candidate_kind, fit_linker, head_noun, pair_features

from .conftest import make_article


def test_head_noun_is_the_last_word_before_a_preposition():
    assert head_noun("the country's largest labour federation") == "federation"
    assert head_noun("the ministry of defence") == "ministry"
    assert head_noun("its forces") == "forces"
    assert head_noun("a retired teacher from Martuni") == "teacher"
    assert head_noun("42") == ""


def test_candidate_kind_comes_from_the_dictionary_else_the_name():
    assert candidate_kind("Jordan", "country") == "country"
    assert candidate_kind("Petra News Agency", None) == "organisation_like"
    assert candidate_kind("Daniel Chapo", None) == "person_like"
    assert candidate_kind("Tasis", None) == "name"


def test_pair_features_of_a_hand_made_pair():
    candidate = Candidate("JOR", "GOV", "country", frozenset({"jordan", "amman"}), ((0, 0), (50, 2), (90, 4)))
    features = pair_features("its government", "GOV", 60, 3, candidate, rank=1)
    assert features == {
        "bias_pair": 1.0,
        "role=GOV|cand=GOV": 1.0,
        "same_role": 1.0,
        "head=government|kind=country": 1.0,
        "head=government|cand=GOV": 1.0,
        "role=GOV|kind=country": 1.0,
        "head_in_names": 0.0,
        "rank=1": 1.0,
        "before=1": 1.0,  # last mention before: sentence 2, the nominal is in sentence 3
        "after=1": 1.0,  # next mention after: sentence 4
        "log_mentions_before": math.log1p(2),
        "possessive|rank=1": 1.0,
    }


def test_the_linker_picks_the_likeliest_candidate_above_the_threshold():
    country = Candidate("JOR", "GOV", "country", frozenset({"jordan"}), ((0, 0),))
    person = Candidate("name:abdullah", "GOV", "person_like", frozenset({"abdullah"}), ((20, 1),))
    linker = MentionLinker({"head=government|kind=country": 3.0, "head=government|kind=person_like": -3.0}, bias=0.0)
    assert linker.probability({"head=government|kind=country": 1.0}) == pytest.approx(1 / (1 + math.exp(-3)))
    assert linker.choose("the government", "GOV", 40, 2, [person, country], threshold=0.5) == "JOR"
    assert linker.choose("the government", "GOV", 40, 2, [person], threshold=0.5) is None  # sigmoid(-3) = 0.047
    assert linker.choose("the government", "GOV", 40, 2, [person], threshold=0.04) == "name:abdullah"


def test_fitting_learns_that_a_government_is_a_country_not_the_nearer_person():
    country = Candidate("C", "GOV", "country", frozenset(), ((0, 0),))
    person = Candidate("P", "GOV", "person_like", frozenset(), ((10, 1),))
    from actorstance.linking import LinkingExample

    examples = [LinkingExample("the government", "GOV", 30, 2, (country, person), "C")] * 20
    examples += [LinkingExample("the president", "GOV", 30, 2, (country, person), "P")] * 20
    linker = fit_linker(examples)
    assert linker.choose("the government", "GOV", 30, 2, [country, person], 0.2) == "C"
    assert linker.choose("the president", "GOV", 30, 2, [country, person], 0.2) == "P"
    assert linker.fitted_on == {"nominals": 40, "linked": 40, "pairs": 80, "c": 1.0}
    with pytest.raises(ValueError, match="needs right and wrong candidates, got 2 pairs labelled \\[0\\]"):
        fit_linker([LinkingExample("the government", "GOV", 30, 2, (country, person), None)])


def test_linking_examples_of_a_gold_article_and_the_grouping_with_a_linker():
    text = "Jordan hosted talks. Petra quoted officials. The government said the kingdom would help Syria."
    article = make_article(
        "a", text, [("Jordan", "JOR"), ("Petra", "PETRA"), ("The government", "JOR"), ("the kingdom", "JOR"), ("Syria", "SYR")],
        roles={"PETRA": "MEDIA"},
    )
    examples = linking_examples(article)
    assert [(e.surface, e.answer, sorted(c.key for c in e.candidates)) for e in examples] == [
        ("The government", "name:jordan", ["name:jordan", "name:petra", "name:syria"]),  # names are grouped before nominals
        ("the kingdom", "name:jordan", ["name:jordan", "name:petra", "name:syria"]),
    ]
    linker = MentionLinker({"same_role": -4.0}, bias=2.0)  # never links a nominal to an actor of its own role
    spans = [TaggedSpan(m.start, m.end, "MEDIA" if m.actor == "PETRA" else "GOV") for m in article.mentions]
    mentions, actors = resolve_actors(text, spans, linker=linker, link_threshold=0.5)
    grouped = {actor.id: [m.text for m in mentions if m.actor == actor.id] for actor in actors}
    assert grouped["PETRA"] == ["Petra", "The government", "the kingdom"]  # the only other-role candidate
    rule = resolve_actors(text, spans)[1]
    assert len(rule) == 3


def test_a_linker_round_trips_through_its_file_and_a_corrupt_one_is_named(tmp_path):
    linker = MentionLinker({"same_role": 1.5}, bias=-2.0, fitted_on={"split": "train"})
    assert linker.save(tmp_path) == tmp_path / LINKER_FILE
    assert MentionLinker.load(tmp_path) == linker
    assert MentionLinker.load(tmp_path / "nothing-here") is None
    (tmp_path / LINKER_FILE).write_text(json.dumps({"format": 1, "bias": -2.0}))
    with pytest.raises(ValueError, match=rf"{LINKER_FILE}: corrupt linker file \(KeyError: 'weights'\)"):
        MentionLinker.load(tmp_path)
    (tmp_path / LINKER_FILE).write_text(json.dumps({"format": 99, "bias": 0, "weights": {}}))
    with pytest.raises(ValueError, match="format 99, this version reads 1"):
        MentionLinker.load(tmp_path)


def test_fit_mention_linker_counts_its_articles():
    text = "Jordan hosted talks. Petra quoted officials. The government said the kingdom would help."
    article = make_article("a", text, [("Jordan", "JOR"), ("Petra", "PETRA"), ("The government", "JOR"), ("the kingdom", "JOR")],
                           roles={"PETRA": "MEDIA"})  # fmt: skip
    linker = fit_mention_linker([article, article.model_copy(update={"id": "b"})])
    assert linker.fitted_on == {"nominals": 4, "linked": 4, "pairs": 8, "c": 1.0, "articles": 2}


def test_fit_linker_command_writes_the_file_a_run_then_loads(run_dir, tmp_path):
    import shutil
    import warnings

    from typer.testing import CliRunner

    from actorstance.cli import app
    from actorstance.corpus import write_corpus
    from actorstance.predictor import Predictor

    text = "Jordan hosted talks. Petra quoted officials. The government said the kingdom would help."
    article = make_article("a", text, [("Jordan", "JOR"), ("Petra", "PETRA"), ("The government", "JOR"), ("the kingdom", "JOR")],
                           roles={"PETRA": "MEDIA"}, split="train")  # fmt: skip
    write_corpus([article], tmp_path / "gold.jsonl")
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert not (run_dir / LINKER_FILE).exists()  # the tiny corpus has no nominal with a named actor to join
    assert metrics["linker"] == {"skipped": "fit_linker: needs right and wrong candidates, got 8 pairs labelled [0]"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a run that says why it has no linker is no older run
        assert Predictor.from_pretrained(run_dir, device="cpu").linker is None
    old = shutil.copytree(run_dir, tmp_path / "old")
    (old / "metrics.json").write_text(json.dumps({key: value for key, value in metrics.items() if key != "linker"}))
    with pytest.warns(UserWarning, match=rf"no {LINKER_FILE} \(a run from an older version\): nominals join the nearest named actor"):
        assert Predictor.from_pretrained(old, device="cpu").linker is None
    result = CliRunner().invoke(app, ["fit-linker", str(old), "--data", str(tmp_path / "gold.jsonl")])
    assert result.exit_code == 0, result.output
    assert "2 nominals of 1 articles (2 with a named actor to join)" in result.output
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = Predictor.from_pretrained(old, device="cpu")
    assert loaded.linker.fitted_on["split"] == "train" and loaded.linker.fitted_on["articles"] == 1
    (old / LINKER_FILE).write_text("[]")
    with pytest.raises(ValueError, match=rf"{LINKER_FILE}: corrupt linker file"):
        Predictor.from_pretrained(old, device="cpu")
    (old / LINKER_FILE).unlink()
    missing = CliRunner().invoke(app, ["fit-linker", str(old), "--data", str(tmp_path / "gold.jsonl"), "--split", "test"])
    assert missing.exit_code == 1 and "gold.jsonl: no article with split 'test'" in missing.output
    write_corpus([article.model_copy(update={"mentions": article.mentions[:2]})], tmp_path / "names.jsonl")
    nothing = CliRunner().invoke(app, ["fit-linker", str(old), "--data", str(tmp_path / "names.jsonl")])
    assert nothing.exit_code == 1 and "needs right and wrong candidates, got 0 pairs" in nothing.output


def test_the_model_card_says_what_the_linker_was_fitted_on():
    from actorstance.card import _linker

    assert _linker({"linker": {"nominals": 910, "articles": 158, "linked": 674}}) == "`linker.json`, fitted on 910 nominals of 158 training articles"
    assert _linker({"linker": {"skipped": "no nominals"}}) == "none: no nominals (nominals join the nearest named actor of their role)"
    assert _linker({}) == "none (no tagger)"


def test_thousands_of_nominals_of_one_actor_all_join_it():
    """The candidates are updated as nominals join (`grouping._CandidateView`), not rebuilt per nominal."""
    text = "Jordan said the government agreed. " * 2000
    spans, start = [], 0
    for _ in range(2000):
        spans += [TaggedSpan(start, start + 6, "GOV"), TaggedSpan(start + 12, start + 26, "GOV")]
        start += 35
    linker = MentionLinker({"same_role": 4.0, "rank=1": 1.0}, bias=-2.0)
    mentions, actors = resolve_actors(text, spans, linker=linker)
    assert [actor.id for actor in actors] == ["JORDAN"] and len(mentions) == 4000
    assert {m.text for m in mentions} == {"Jordan", "the government"}


def test_an_unsure_nominal_joins_its_likeliest_actor_at_the_unsure_threshold_instead_of_being_dropped():
    text = "CODECO fighters raided the village. The attackers burned homes. The attackers left."
    first, second = text.index("The attackers"), text.rindex("The attackers")
    named, unsure, sure = TaggedSpan(0, 6, "REB"), TaggedSpan(first, first + 13, "REB", 0.6), TaggedSpan(second, second + 13, "REB", 0.95)
    linker = MentionLinker({}, bias=-2.2)  # every candidate 0.0998 likely

    def grouped(spans, **options):
        mentions, actors = resolve_actors(text, spans, linker=linker, link_threshold=0.2, min_unnamed_confidence=0.9, **options)
        return sorted((actor.name, tuple(m.start for m in mentions if m.actor == actor.id)) for actor in actors)

    # alone, the unsure "The attackers" (0.6) is an unnamed actor of its own, which the 0.9 floor drops
    assert grouped([named, unsure]) == [("CODECO", (0,))]
    assert grouped([named, unsure], unsure_link_threshold=0.05) == [("CODECO", (0, first))]
    # the sure one (0.95) still needs link_threshold: it stays apart, and keeps the unsure one without the option
    assert grouped([named, unsure, sure]) == [("CODECO", (0,)), ("attackers", (first, second))]
    assert grouped([named, unsure, sure], unsure_link_threshold=0.05) == [("CODECO", (0, first)), ("attackers", (second,))]
    assert grouped([named, unsure, sure], unsure_link_threshold=0.15) == [("CODECO", (0,)), ("attackers", (first, second))]
