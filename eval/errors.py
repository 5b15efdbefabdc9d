"""Error analysis: the worst false positives and false negatives, each with the sentence it is in.

Mention errors come from the end-to-end predictions (the same one-to-one matching as the span
metrics); stance errors from the gold-mention predictions (stances given gold actors). False
positives are ranked by the model's confidence (most confident first: those are the worst);
false negatives by the confidence of the wrong prediction that replaced them, if any, then by
position in the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache, partial

from actorstance.labels import NONE_LABEL
from actorstance.schema import AUTHOR, Article
from actorstance.text import sentence_index, sentence_spans

from .metrics import match_mentions, mention_spans, stance_pairs

__all__ = ["sentence_around", "mention_errors", "stance_errors", "error_analysis"]

DEFAULT_LIMIT = 20


@lru_cache(maxsize=256)
def _sentences(text: str) -> list[tuple[int, int]]:
    return sentence_spans(text)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The character span of the sentence(s) covering ``[start, end)``."""
    spans = _sentences(text)
    if not spans:
        return 0, len(text)
    first = spans[sentence_index(spans, start)]
    last = spans[sentence_index(spans, max(start, end - 1))]
    return min(first[0], start), max(last[1], end)


def _context(text: str, highlights: Sequence[tuple[int, int]]) -> dict:
    """Sentence text plus highlight offsets relative to it."""
    if not highlights:
        return {"sentence": "", "highlights": []}
    start, end = sentence_around(text, min(s for s, _ in highlights), max(e for _, e in highlights))
    if end - start > 600:  # spans far apart: the sentence of the first one only
        start, end = sentence_around(text, *highlights[0])
    inside = sorted({(s - start, e - start) for s, e in highlights if start <= s and e <= end})
    return {"sentence": text[start:end], "highlights": [list(span) for span in inside]}


def _mention_score(article: Article, span: tuple[int, int, str]) -> float | None:
    for mention in article.mentions:
        if (mention.start, mention.end) == span[:2]:
            return mention.score
    return None


def _rank(errors: list[tuple[dict, Callable[[], dict]]], limit: int, by_score: bool = True) -> list[dict]:
    """The first ``limit`` errors (most confident first when ``by_score``), with their sentences added."""
    order = list(enumerate(errors))
    if by_score:
        order.sort(key=lambda item: (-(item[1][0].get("score") or 0.0), item[0]))
    return [{**entry, **context()} for _, (entry, context) in order[:limit]]


def mention_errors(pairs: Sequence[tuple[Article, Article]], limit: int = DEFAULT_LIMIT) -> dict:
    """Predicted spans that are not strictly correct, and gold spans no prediction touched."""
    false_positives, false_negatives = [], []
    for gold, predicted in pairs:
        for match in match_mentions(mention_spans(gold), mention_spans(predicted)):
            if match.kind == "exact_same":
                continue
            if match.pred is not None:
                start, end, role = match.pred
                entry = {
                    "article": gold.id, "start": start, "end": end, "text": gold.text[start:end], "predicted": role,
                    "gold": match.gold[2] if match.gold else NONE_LABEL,
                    "gold_text": gold.text[match.gold[0] : match.gold[1]] if match.gold else "",
                    "kind": {"spurious": "spurious", "exact_diff": "wrong role"}.get(match.kind, "boundary"),
                    "score": _mention_score(predicted, match.pred),
                }  # fmt: skip
                highlights = [(start, end)] + ([match.gold[:2]] if match.gold else [])
                false_positives.append((entry, partial(_context, gold.text, highlights)))
            else:
                start, end, role = match.gold
                entry = {"article": gold.id, "start": start, "end": end, "text": gold.text[start:end], "gold": role,
                         "predicted": NONE_LABEL, "kind": "missed", "score": None}  # fmt: skip
                false_negatives.append((entry, partial(_context, gold.text, [(start, end)])))
    return {
        "false_positive_count": len(false_positives),
        "false_negative_count": len(false_negatives),
        "false_positives": _rank(false_positives, limit),
        "false_negatives": _rank(false_negatives, limit, by_score=False),
    }


def _stance_highlights(gold: Article, predicted: Article, holder: str, target: str, use_predicted: bool) -> list[tuple[int, int]]:
    """Evidence of the stance (predicted or gold), else the nearest co-occurring mentions of the pair."""
    sources = (predicted, gold) if use_predicted else (gold, predicted)
    for article in sources:
        for stance in article.stances:
            if (stance.holder, stance.target) == (holder, target) and stance.evidence:
                return [(span.start, span.end) for span in stance.evidence[:1]]
    spans = _sentences(gold.text)
    by_sentence: dict[int, dict[str, tuple[int, int]]] = {}
    for mention in gold.mentions:
        if spans:
            by_sentence.setdefault(sentence_index(spans, mention.start), {}).setdefault(
                mention.actor, (mention.start, mention.end)
            )
    for index in sorted(by_sentence):
        found = by_sentence[index]
        if target in found and (holder == AUTHOR or holder in found):
            return [found[actor] for actor in (holder, target) if actor in found]
    return [(m.start, m.end) for m in gold.mentions if m.actor == target][:1]


def _stance_context(gold: Article, predicted: Article, holder: str, target: str, use_predicted: bool) -> dict:
    return _context(gold.text, _stance_highlights(gold, predicted, holder, target, use_predicted))


def stance_errors(pairs: Sequence[tuple[Article, Article]], limit: int = DEFAULT_LIMIT) -> dict:
    """Stances given gold actors: wrong or spurious predicted edges, and gold edges not predicted right."""
    false_positives, false_negatives = [], []
    for gold, predicted in pairs:
        names = {actor.id: actor.name for actor in gold.actors} | {AUTHOR: AUTHOR}
        scores = {(s.holder, s.target): s.score for s in predicted.stances}
        for holder, target, gold_label, pred_label in stance_pairs(gold, predicted):
            if gold_label == pred_label:
                continue
            entry = {
                "article": gold.id, "holder": holder, "target": target,
                "holder_name": names.get(holder, holder), "target_name": names.get(target, target),
                "gold": gold_label, "predicted": pred_label, "score": scores.get((holder, target)),
            }  # fmt: skip
            for wrong, errors, use_predicted in ((pred_label, false_positives, True), (gold_label, false_negatives, False)):
                if wrong != NONE_LABEL:
                    context = partial(_stance_context, gold, predicted, holder, target, use_predicted)
                    errors.append((entry, context))
    return {
        "false_positive_count": len(false_positives),
        "false_negative_count": len(false_negatives),
        "false_positives": _rank(false_positives, limit),
        "false_negatives": _rank(false_negatives, limit),
    }


def error_analysis(
    end_to_end: Sequence[tuple[Article, Article]],
    gold_mentions: Sequence[tuple[Article, Article]] | None,
    limit: int = DEFAULT_LIMIT,
) -> dict:
    return {
        "mentions": mention_errors(end_to_end, limit),
        "stances": stance_errors(gold_mentions if gold_mentions is not None else end_to_end, limit),
    }
