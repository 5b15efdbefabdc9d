"""Property tests: on random corpora the span numbers equal seqeval's and the stance numbers scikit-learn's."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from actorstance.labels import NONE_LABEL, LabelSchema, bio_tags
from actorstance.schema import Actor, Article, Mention, Stance
from eval.bootstrap import CountTable
from eval.metrics import article_counts, headline, label_scores, score_articles, stance_label_lists, pair_articles, tag_scores

ROLES = ["GOV", "MIL", "REB"]
STANCES = ["SUPPORT", "OPPOSE", "NEUTRAL"]
LABELS = LabelSchema(name="test", roles=ROLES, stances=STANCES)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _seqeval():
    from seqeval.metrics import f1_score, precision_score, recall_score

    return precision_score, recall_score, f1_score


tag = st.sampled_from(["O", "O", "B-GOV", "I-GOV", "B-MIL", "I-MIL", "I-REB", "B-REB"])


@st.composite
def tag_pairs(draw, tags=tag):
    lengths = draw(st.lists(st.integers(1, 8), min_size=1, max_size=5))
    references = [draw(st.lists(tags, min_size=n, max_size=n)) for n in lengths]
    predictions = [draw(st.lists(tags, min_size=n, max_size=n)) for n in lengths]
    return references, predictions


def _check_against_seqeval(references, predictions):
    precision_score, recall_score, f1_score = _seqeval()
    ours = tag_scores(references, predictions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ours["precision"] == pytest.approx(precision_score(references, predictions))
        assert ours["recall"] == pytest.approx(recall_score(references, predictions))
        assert ours["f1"] == pytest.approx(f1_score(references, predictions))
        macro = f1_score(references, predictions, average="macro")
        assert ours["macro_f1"] == pytest.approx(0.0 if np.isnan(macro) else macro)
        per_type = [key for key in ours if key.startswith("f1_")]
        if per_type:
            assert [ours[key] for key in sorted(per_type)] == pytest.approx(list(f1_score(references, predictions, average=None)))


@FAST
@given(tag_pairs())
def test_tag_scores_equal_seqeval_default_mode(pair):
    _check_against_seqeval(*pair)


@FAST
@given(tag_pairs(st.sampled_from(["O", "B-GOV", "I-GOV", "E-GOV", "S-MIL", "I-MIL", "E-MIL"])))
def test_tag_scores_follow_seqeval_also_on_iobes_prefixes(pair):
    _check_against_seqeval(*pair)


@st.composite
def token_spans(draw, n_tokens: int):
    """Non-overlapping (start, end, role) token spans."""
    spans, position = [], 0
    while position < n_tokens:
        position += draw(st.integers(0, 2))
        if position >= n_tokens:
            break
        length = draw(st.integers(1, min(3, n_tokens - position)))
        spans.append((position, position + length, draw(st.sampled_from(ROLES))))
        position += length
    return spans


def _article(article_id: str, n_tokens: int, spans) -> Article:
    tokens = [f"w{i}" for i in range(n_tokens)]
    text = " ".join(tokens)
    offsets, cursor = [], 0
    for token in tokens:
        offsets.append((cursor, cursor + len(token)))
        cursor += len(token) + 1
    actors, mentions = [], []
    for index, (start, end, role) in enumerate(spans):
        actor_id = f"A{index}"
        char_start, char_end = offsets[start][0], offsets[end - 1][1]
        actors.append(Actor(id=actor_id, name=actor_id, role=role))
        mentions.append(Mention(start=char_start, end=char_end, text=text[char_start:char_end], actor=actor_id))
    return Article(id=article_id, text=text, actors=actors, mentions=mentions)


@st.composite
def span_corpora(draw):
    gold, predicted, gold_tags, predicted_tags = [], [], [], []
    for index in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 12))
        gold_spans, pred_spans = draw(token_spans(n)), draw(token_spans(n))
        gold.append(_article(f"d{index}", n, gold_spans))
        predicted.append(_article(f"d{index}", n, pred_spans))
        gold_tags.append(bio_tags(n, gold_spans))
        predicted_tags.append(bio_tags(n, pred_spans))
    return gold, predicted, gold_tags, predicted_tags


@FAST
@given(span_corpora())
def test_article_strict_span_scores_equal_seqeval(corpus):
    gold, predicted, gold_tags, predicted_tags = corpus
    precision_score, recall_score, f1_score = _seqeval()
    strict = score_articles(gold, predicted, LABELS)["mentions"]["strict"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert strict["precision"] == pytest.approx(precision_score(gold_tags, predicted_tags))
        assert strict["recall"] == pytest.approx(recall_score(gold_tags, predicted_tags))
        assert strict["f1"] == pytest.approx(f1_score(gold_tags, predicted_tags))
        macro = f1_score(gold_tags, predicted_tags, average="macro")
        assert strict["macro_f1"] == pytest.approx(0.0 if np.isnan(macro) else macro)
        roles = sorted(strict["per_role"])
        if roles:
            assert [strict["per_role"][r]["f1"] for r in roles] == pytest.approx(list(f1_score(gold_tags, predicted_tags, average=None)))
    json.dumps(strict)  # plain JSON values
    assert tag_scores(gold_tags, predicted_tags)["f1"] == pytest.approx(strict["f1"])


ACTORS = ["A", "B", "C", "D"]
edge = st.tuples(st.sampled_from(["AUTHOR", *ACTORS]), st.sampled_from(ACTORS), st.sampled_from(STANCES))


def _stance_article(article_id: str, edges) -> Article:
    text = " ".join(ACTORS)
    actors = [Actor(id=a, name=a, role="GOV") for a in ACTORS]
    mentions = [Mention(start=2 * i, end=2 * i + 1, text=a, actor=a) for i, a in enumerate(ACTORS)]
    stances, seen = [], set()
    for holder, target, label in edges:
        if holder != target and (holder, target) not in seen:
            seen.add((holder, target))
            stances.append(Stance(holder=holder, target=target, label=label))
    return Article(id=article_id, text=text, actors=actors, mentions=mentions, stances=stances)


@st.composite
def stance_corpora(draw):
    n = draw(st.integers(1, 4))
    gold = [_stance_article(f"d{i}", draw(st.lists(edge, max_size=6))) for i in range(n)]
    predicted = [_stance_article(f"d{i}", draw(st.lists(edge, max_size=6))) for i in range(n)]
    return gold, predicted


@FAST
@given(stance_corpora())
def test_stance_scores_equal_sklearn(corpus):
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    gold, predicted = corpus
    y_true, y_pred = stance_label_lists(pair_articles(gold, predicted))
    assume(y_true)
    stances = score_articles(gold, predicted, LABELS)["stances"]
    classes = [NONE_LABEL, *STANCES]
    assert stances["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    assert stances["macro_f1"] == pytest.approx(f1_score(y_true, y_pred, labels=STANCES, average="macro", zero_division=0))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=classes, zero_division=0)
    for index, label in enumerate(classes):
        entry = stances["per_label"][label]
        assert (entry["precision"], entry["recall"], entry["f1"]) == pytest.approx((precision[index], recall[index], f1[index]))
        assert entry["support"] == support[index]
    assert stances["confusion"] == confusion_matrix(y_true, y_pred, labels=classes).tolist()
    simple = label_scores(y_true, y_pred, STANCES)
    assert simple["macro_f1"] == pytest.approx(stances["macro_f1"]) and simple["confusion"] == stances["confusion"]


@FAST
@given(stance_corpora(), st.lists(st.integers(0, 3), min_size=1, max_size=8))
def test_resampled_totals_equal_rescoring_the_resampled_corpus(corpus, draw_rows):
    """The bootstrap's shortcut (weighted count sums) gives what scoring the resampled articles gives."""
    gold, predicted = corpus
    rows = [row % len(gold) for row in draw_rows]
    table = CountTable([g.id for g in gold], [article_counts(g, p, LABELS) for g, p in zip(gold, predicted)])
    weights = np.bincount(rows, minlength=len(gold)).astype(float)[None]
    fast = headline(table.totals(weights), LABELS, None, None)
    rename = lambda article, k: article.model_copy(update={"id": f"{article.id}#{k}"})  # noqa: E731
    slow = score_articles([rename(gold[r], k) for k, r in enumerate(rows)], [rename(predicted[r], k) for k, r in enumerate(rows)], LABELS)
    assert {name: float(value[0]) for name, value in fast.items()} == pytest.approx(slow["headline"])
