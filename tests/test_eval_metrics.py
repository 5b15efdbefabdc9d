"""Hand-computed cases for eval.metrics: every expected number below was worked out on paper."""

from __future__ import annotations

import warnings

import pytest
from tests.test_eval_helpers import GOLD_MENTIONS, GOLD_ROLES, article, gold_article

from actorstance.labels import LabelSchema
from eval.metrics import (
    ArticleMismatch,
    align_actors,
    label_scores,
    match_mentions,
    pair_articles,
    score_articles,
    tag_scores,
    tag_spans,
)

LABELS = LabelSchema.default()


def score(gold, predicted):
    return score_articles([gold], [predicted], LABELS)


def test_perfect_prediction_scores_one_everywhere():
    gold = gold_article(stances=[("DAESH", "JOR", "OPPOSE"), ("JOR", "IRN", "SUPPORT"), ("IRN", "DAESH", "NEUTRAL")])
    metrics = score(gold, gold)
    assert all(value == 1.0 for value in metrics["headline"].values())
    strict = metrics["mentions"]["strict"]
    assert (strict["COR"], strict["INC"], strict["PAR"], strict["MIS"], strict["SPU"]) == (4, 0, 0, 0, 0)
    # every actor pair is mentioned within one sentence: the 3 pairs without an edge are NONE, both sides
    assert metrics["stances"]["confusion"] == [[3, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert metrics["actors"]["role_accuracy"] == 1.0


def test_macro_f1_counts_a_schema_label_absent_from_gold_and_predictions_as_zero():
    """As sklearn's f1_score(labels=schema labels, average="macro", zero_division=0) does."""
    gold = gold_article()  # SUPPORT and OPPOSE only; the schema also has NEUTRAL
    metrics = score(gold, gold)
    assert metrics["stances"]["accuracy"] == 1.0 and metrics["end_to_end"]["f1"] == 1.0
    assert metrics["headline"]["stance_macro_f1"] == pytest.approx(2 / 3)
    assert metrics["headline"]["e2e_stance_macro_f1"] == pytest.approx(2 / 3)


def test_empty_prediction_scores_zero_and_counts_misses():
    gold = gold_article()
    empty = gold.model_copy(update={"actors": [], "mentions": [], "stances": []})
    metrics = score(gold, empty)
    # only the 4 co-mentioned pairs without a gold edge are right (NONE on both sides)
    assert metrics["headline"].pop("stance_accuracy") == pytest.approx(4 / 6)
    assert all(value == 0.0 for value in metrics["headline"].values())
    for mode in ("strict", "exact", "partial", "type"):
        m = metrics["mentions"][mode]
        assert (m["COR"], m["MIS"], m["SPU"], m["possible"], m["actual"]) == (0, 4, 0, 4, 0)
    # both gold edges become (gold label, NONE); the other 4 candidate pairs are correct NONEs
    assert metrics["stances"]["confusion"] == [[4, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert metrics["stances"]["per_label"]["SUPPORT"]["recall"] == 0.0
    assert metrics["end_to_end"]["gold"] == 2 and metrics["end_to_end"]["predicted"] == 0
    assert metrics["actors"]["role_accuracy"] == 0.0 and metrics["actors"]["aligned"] == 0


def test_boundary_error_in_the_four_modes():
    gold = gold_article()
    mentions = [("Jordan", "JOR"), ("Iran", "IRN"), ("Daesh attacked", "DAESH"), ("Jordan2", "JOR")]
    predicted = article(mentions, GOLD_ROLES, [("DAESH", "JOR", "OPPOSE"), ("JOR", "IRN", "SUPPORT")])
    m = score(gold, predicted)["mentions"]
    assert (m["strict"]["COR"], m["strict"]["INC"], m["strict"]["PAR"]) == (3, 1, 0)
    assert m["strict"]["f1"] == pytest.approx(0.75)
    assert m["exact"]["f1"] == pytest.approx(0.75)
    assert (m["partial"]["COR"], m["partial"]["PAR"]) == (3, 1)
    assert m["partial"]["precision"] == pytest.approx(3.5 / 4) and m["partial"]["recall"] == pytest.approx(3.5 / 4)
    assert (m["type"]["COR"], m["type"]["INC"]) == (4, 0)
    assert m["type"]["f1"] == 1.0


def test_role_error_in_the_four_modes_per_role_and_macro():
    gold = gold_article()
    predicted = article(GOLD_MENTIONS, {"JOR": "GOV", "IRN": "MIL", "DAESH": "TERROR"}, [])
    metrics = score(gold, predicted)
    m = metrics["mentions"]
    assert m["strict"]["f1"] == pytest.approx(0.75) and m["type"]["f1"] == pytest.approx(0.75)
    assert m["exact"]["f1"] == 1.0 and m["partial"]["f1"] == 1.0
    gov = m["strict"]["per_role"]["GOV"]
    assert gov["precision"] == 1.0 and gov["recall"] == pytest.approx(2 / 3) and gov["f1"] == pytest.approx(0.8)
    assert m["strict"]["per_role"]["MIL"]["f1"] == 0.0 and m["strict"]["per_role"]["MIL"]["SPU"] == 0
    assert m["strict"]["macro_f1"] == pytest.approx((0.8 + 0.0 + 1.0) / 3)  # GOV, MIL, TERROR present
    # the exact mode credits MIL's prediction (same span), the strict mode does not
    assert m["exact"]["per_role"]["MIL"]["precision"] == 1.0
    actors = metrics["actors"]
    assert actors["role_accuracy"] == pytest.approx(2 / 3) and actors["f1"] == 1.0
    labels = actors["confusion_labels"]
    assert actors["confusion"][labels.index("GOV")][labels.index("MIL")] == 1


def test_reversed_stance_direction_is_a_false_positive_and_a_false_negative():
    gold = gold_article()
    predicted = gold_article(stances=[("JOR", "DAESH", "OPPOSE"), ("JOR", "IRN", "SUPPORT")])
    metrics = score(gold, predicted)
    stances = metrics["stances"]
    assert stances["pairs"] == 6  # all 6 ordered pairs of the 3 actors are candidates
    assert stances["accuracy"] == pytest.approx(4 / 6)
    assert stances["confusion"] == [[3, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert stances["per_label"]["NONE"]["recall"] == pytest.approx(3 / 4)
    assert stances["per_label"]["OPPOSE"]["f1"] == 0.0 and stances["per_label"]["SUPPORT"]["f1"] == 1.0
    assert stances["macro_f1"] == pytest.approx(1 / 3)  # SUPPORT 1, OPPOSE 0, NEUTRAL 0
    e2e = metrics["end_to_end"]
    assert (e2e["precision"], e2e["recall"], e2e["f1"]) == (0.5, 0.5, 0.5)
    assert e2e["unlabeled"]["correct"] == 1


def test_author_stance_counts_through_the_actor_alignment():
    gold = gold_article(stances=[("AUTHOR", "DAESH", "OPPOSE")])
    renamed = article(
        [("Jordan", "J"), ("Iran", "I"), ("Daesh", "D"), ("Jordan2", "J")],
        {"J": "GOV", "I": "GOV", "D": "TERROR"},
        [("AUTHOR", "D", "OPPOSE"), ("AUTHOR", "J", "OPPOSE")],
    )
    metrics = score(gold, renamed)
    e2e = metrics["end_to_end"]
    assert (e2e["correct"], e2e["predicted"], e2e["gold"]) == (1, 2, 1)
    assert e2e["precision"] == 0.5 and e2e["recall"] == 1.0 and e2e["f1"] == pytest.approx(2 / 3)
    # given gold actors the renamed ids are unknown pairs: (AUTHOR, DAESH) missed, two spurious,
    # and the 6 candidate pairs of gold actors correctly left without an edge
    assert metrics["stances"]["pairs"] == 9 and metrics["stances"]["accuracy"] == pytest.approx(6 / 9)
    same_ids = gold_article(stances=[("AUTHOR", "DAESH", "OPPOSE")])
    assert score(gold, same_ids)["stances"]["accuracy"] == 1.0


def test_actor_alignment_is_one_to_one_on_shared_spans():
    gold = gold_article(stances=[("DAESH", "JOR", "OPPOSE")])
    split_jordan = article(
        [("Jordan", "J1"), ("Iran", "IRN"), ("Daesh", "DAESH"), ("Jordan2", "J2")],
        {"J1": "GOV", "IRN": "GOV", "DAESH": "TERROR", "J2": "GOV"},
        [("DAESH", "J2", "OPPOSE")],
    )
    alignment = align_actors(gold, split_jordan)
    assert alignment == {"AUTHOR": "AUTHOR", "J1": "JOR", "IRN": "IRN", "DAESH": "DAESH"}
    metrics = score(gold, split_jordan)
    actors = metrics["actors"]
    assert (actors["gold"], actors["predicted"], actors["aligned"]) == (3, 4, 3)
    assert actors["f1"] == pytest.approx(6 / 7)
    assert metrics["end_to_end"]["f1"] == 0.0  # J2 is not aligned, so the edge does not count


def test_match_mentions_prefers_exact_then_overlap_and_is_one_to_one():
    gold = [(0, 10, "GOV"), (20, 30, "MIL")]
    predicted = [(0, 4, "GOV"), (2, 10, "GOV"), (20, 30, "GOV"), (40, 45, "REB")]
    kinds = sorted((m.kind, m.gold, m.pred) for m in match_mentions(gold, predicted))
    assert kinds == [
        ("exact_diff", (20, 30, "MIL"), (20, 30, "GOV")),
        ("overlap_same", (0, 10, "GOV"), (2, 10, "GOV")),  # larger overlap wins
        ("spurious", None, (0, 4, "GOV")),
        ("spurious", None, (40, 45, "REB")),
    ]


def test_missing_and_extra_articles_are_named():
    gold = [gold_article(article_id="a"), gold_article(article_id="b")]
    predicted = [gold_article(article_id="a"), gold_article(article_id="zzz")]
    with pytest.raises(ArticleMismatch, match=r"no prediction for gold article\(s\): b.*not in the gold data: zzz"):
        pair_articles(gold, predicted)
    changed = gold_article(article_id="a").model_copy(update={"text": "Jordan and Iran met. Daesh attacked Jordan!"})
    with pytest.raises(ArticleMismatch, match="article a: the predicted text differs"):
        pair_articles(gold[:1], [changed])


def test_unknown_stance_label_is_an_error_naming_the_article():
    with pytest.raises(ValueError, match="article a: predicted stance label"):
        score(gold_article(), gold_article(stances=[("JOR", "IRN", "LOVES")]))


def test_tag_scores_hand_computed_and_seqeval_default_mode():
    scores = tag_scores([["B-GOV", "I-GOV", "O", "B-MIL"]], [["B-GOV", "I-GOV", "O", "B-REB"]])
    assert scores == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "macro_f1": pytest.approx(1 / 3),
                      "f1_GOV": 1.0, "f1_MIL": 0.0, "f1_REB": 0.0}  # fmt: skip
    # seqeval's default mode (mode=None): a stray I- starts a span, so these two agree ...
    stray = tag_scores([["O", "B-GOV", "I-GOV"]], [["O", "I-GOV", "I-GOV"]])
    assert stray["f1"] == 1.0
    # ... as seqeval itself says in that mode (its mode="strict" with IOB2 would give 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from seqeval.metrics import f1_score

        assert f1_score([["O", "B-GOV", "I-GOV"]], [["O", "I-GOV", "I-GOV"]]) == 1.0
    assert tag_spans(["I-A", "I-B", "B-B", "I-B", "O"]) == [("A", 0, 0), ("B", 1, 1), ("B", 2, 3)]
    assert tag_scores([["O"]], [["O"]]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "macro_f1": 0.0}
    with pytest.raises(ValueError, match="sequence 0"):
        tag_scores([["O", "O"]], [["O"]])


def test_label_scores_hand_computed_and_equal_to_sklearn():
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    references = ["NONE", "SUPPORT", "OPPOSE", "SUPPORT"]
    predictions = ["SUPPORT", "SUPPORT", "NONE", "OPPOSE"]
    labels = ["SUPPORT", "OPPOSE", "NEUTRAL"]
    scores = label_scores(references, predictions, labels)
    assert scores["accuracy"] == 0.25
    assert (scores["precision_SUPPORT"], scores["recall_SUPPORT"], scores["f1_SUPPORT"]) == (0.5, 0.5, 0.5)
    assert scores["macro_f1"] == pytest.approx(0.5 / 3)
    assert scores["f1_NONE"] == 0.0
    assert scores["confusion"] == [[0, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert scores["macro_f1"] == pytest.approx(f1_score(references, predictions, labels=labels, average="macro", zero_division=0))
    _, _, f1, _ = precision_recall_fscore_support(references, predictions, labels=["NONE", *labels], zero_division=0)
    assert [scores[f"f1_{label}"] for label in ["NONE", *labels]] == pytest.approx(list(f1))
    assert scores["confusion"] == confusion_matrix(references, predictions, labels=["NONE", *labels]).tolist()
    # the trainer's call: NONE passed positionally, labels may include it
    assert label_scores(references, predictions, ["NONE", *labels], "NONE")["macro_f1"] == scores["macro_f1"]
