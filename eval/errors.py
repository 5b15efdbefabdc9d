"""Error analysis: the worst false positives and false negatives, each with the sentence it is in.

Mention errors come from the end-to-end predictions (the same one-to-one matching as the span
metrics); stance errors from the gold-mention predictions (stances given gold actors). False
positives are ranked by the model's confidence (most confident first: those are the worst);
false negatives by the confidence of the wrong prediction that replaced them, if any, then by
position in the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache, partial

from actorstance.labels import NONE_LABEL
from actorstance.schema import AUTHOR, Article
from actorstance.text import sentence_index, sentence_spans

from .metrics import align_actors, match_mentions, mention_spans, stance_pairs

__all__ = [
    "sentence_around", "actor_sentences", "gold_edge_distances", "EDGE_STEPS", "edge_losses", "EDGE_SOURCES", "edge_sources", "mention_errors",
    "stance_errors", "error_analysis",
]  # fmt: skip

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


def actor_sentences(article: Article) -> dict[str, set[int]]:
    """Actor id -> the indices of the sentences that mention it."""
    spans = _sentences(article.text)
    sentences: dict[str, set[int]] = {}
    for mention in article.mentions:
        sentences.setdefault(mention.actor, set()).add(sentence_index(spans, mention.start) if spans else 0)
    return sentences


def gold_edge_distances(article: Article) -> list[int | None]:
    """Per gold stance of ``article``, how many sentences apart its holder's and target's nearest
    mentions are (0: one sentence mentions both; None: an actor without mentions, such as AUTHOR).
    Prediction proposes a pair only within ``stance.max_sentence_distance``: the rest are out of reach."""
    sentences = actor_sentences(article)
    return [
        min((abs(a - b) for a in sentences.get(s.holder, ()) for b in sentences.get(s.target, ())), default=None)
        for s in article.stances
    ]


EDGE_STEPS = ("actor without mentions", "apart", "actor not found", "not together", "below threshold", "wrong label", "right")
"""Where the end-to-end stance graph loses a gold edge, in pipeline order (`edge_losses`)."""


def edge_losses(gold: Article, scored: Article, threshold: float, alignment: Mapping[str, str] | None = None) -> Counter:
    """Each gold stance of ``gold`` by what became of it in ``scored``, an end-to-end prediction of
    the same text that holds every candidate pair with its score (``min_score=0``). An edge kept at
    ``threshold`` between the actors aligned to the gold pair (`metrics.align_actors`) is right or
    has the wrong label; any other is counted at the first step of `EDGE_STEPS` that loses it: an
    actor without mentions (AUTHOR), actors no sentence mentions together, an actor no predicted
    actor aligns to, aligned actors whose predicted mentions share no sentence (no pair proposed),
    a pair scored below the threshold. ``alignment``: `metrics.align_actors` of the two, if already made."""
    sentences = actor_sentences(scored)
    alignment = align_actors(gold, scored) if alignment is None else alignment
    found = {gold_id: predicted_id for predicted_id, gold_id in alignment.items()}
    edges = {(s.holder, s.target): s for s in scored.stances}
    counts: Counter = Counter()
    for stance, distance in zip(gold.stances, gold_edge_distances(gold)):
        holder, target = found.get(stance.holder), found.get(stance.target)
        edge = edges.get((holder, target)) if holder and target else None
        if edge is not None and (edge.score or 0.0) >= threshold:
            step = "right" if edge.label == stance.label else "wrong label"
        elif distance is None:
            step = "actor without mentions"
        elif distance > 0:
            step = "apart"
        elif holder is None or target is None:
            step = "actor not found"
        elif not sentences.get(holder, set()) & sentences.get(target, set()):
            step = "not together"
        else:
            step = "below threshold"
        counts[step] += 1
    return counts


EDGE_SOURCES = (
    "right", "wrong label", "reverse of a gold edge", "pair without a stance", "actor split off a gold actor",
    "actor with other boundaries", "actor not annotated",
)  # fmt: skip
"""What each end-to-end edge is, against the gold graph (`edge_sources`): the precision side of `EDGE_STEPS`."""


def edge_sources(gold: Article, scored: Article, threshold: float, alignment: Mapping[str, str] | None = None) -> Counter:
    """Each edge of ``scored`` kept at ``threshold`` by what it is in ``gold``: between the actors
    aligned to a gold pair (`metrics.align_actors`), right, a wrong label, the reverse of a gold edge
    (the gold graph has only the other direction) or a pair the gold graph has no stance for; else
    from an actor no gold actor aligns to, by what its mentions are, the first that holds of the
    edge's two actors in `EDGE_SOURCES` order: a gold mention's exact span (a piece of a gold actor
    that was split, whose larger piece took the alignment), only an overlap with gold mentions
    (other boundaries), or no gold mention at all (an actor the annotation does not have).
    ``alignment``: `metrics.align_actors` of the two, if already made."""
    alignment = align_actors(gold, scored) if alignment is None else alignment
    gold_edges = {(s.holder, s.target): s.label for s in gold.stances}
    gold_spans = [(m.start, m.end) for m in gold.mentions]
    exact = set(gold_spans)
    spans_of: dict[str, list[tuple[int, int]]] = {}
    for mention in scored.mentions:
        spans_of.setdefault(mention.actor, []).append((mention.start, mention.end))

    def unaligned(actor: str) -> str:
        spans = spans_of.get(actor, [])
        if any(span in exact for span in spans):
            return "actor split off a gold actor"
        if any(start < gold_end and gold_start < end for start, end in spans for gold_start, gold_end in gold_spans):
            return "actor with other boundaries"
        return "actor not annotated"

    counts: Counter = Counter()
    for edge in scored.stances:
        if (edge.score or 0.0) < threshold:
            continue
        holder, target = alignment.get(edge.holder), alignment.get(edge.target)
        if holder is None or target is None:
            found = {unaligned(actor) for actor, aligned in ((edge.holder, holder), (edge.target, target)) if aligned is None}
            source = min(found, key=EDGE_SOURCES.index)
        elif (holder, target) in gold_edges:
            source = "right" if gold_edges[(holder, target)] == edge.label else "wrong label"
        else:
            source = "reverse of a gold edge" if (target, holder) in gold_edges else "pair without a stance"
        counts[source] += 1
    return counts


def _context(text: str, marks: Sequence[tuple[int, int, str]]) -> dict:
    """The sentence(s) around ``marks`` and the marks as ``[start, end, kind]`` relative to it.

    Kinds: ``predicted`` / ``gold`` (mention spans; a boundary error has one of each, overlapping)
    and ``holder`` / ``target`` (the mentions of a stance's two actors).
    """
    if not marks:
        return {"sentence": "", "marks": []}
    start, end = sentence_around(text, min(s for s, _, _ in marks), max(e for _, e, _ in marks))
    if end - start > 600:  # spans far apart: the sentence of the first one only
        start, end = sentence_around(text, *marks[0][:2])
    inside = sorted({(s - start, e - start, kind) for s, e, kind in marks if start <= s and e <= end})
    return {"sentence": text[start:end], "marks": [list(mark) for mark in inside]}


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
                marks = [(start, end, "predicted")]
                if match.gold and match.gold[:2] != (start, end):
                    marks.append((*match.gold[:2], "gold"))
                false_positives.append((entry, partial(_context, gold.text, marks)))
            else:
                start, end, role = match.gold
                entry = {"article": gold.id, "start": start, "end": end, "text": gold.text[start:end], "gold": role,
                         "predicted": NONE_LABEL, "kind": "missed", "score": None}  # fmt: skip
                false_negatives.append((entry, partial(_context, gold.text, [(start, end, "gold")])))
    return {
        "false_positive_count": len(false_positives),
        "false_negative_count": len(false_negatives),
        "false_positives": _rank(false_positives, limit),
        "false_negatives": _rank(false_negatives, limit, by_score=False),
    }


def _stance_region(gold: Article, predicted: Article, holder: str, target: str, use_predicted: bool) -> tuple[int, int]:
    """Where the stance is: its evidence (predicted or gold), else the first sentence with mentions of both
    actors, else the target's first mention."""
    sources = (predicted, gold) if use_predicted else (gold, predicted)
    for article in sources:
        for stance in article.stances:
            if (stance.holder, stance.target) == (holder, target) and stance.evidence:
                return stance.evidence[0].start, stance.evidence[0].end
    spans = _sentences(gold.text)
    actors_by_sentence: dict[int, set[str]] = {}
    for mention in gold.mentions:
        if spans:
            actors_by_sentence.setdefault(sentence_index(spans, mention.start), set()).add(mention.actor)
    for index in sorted(actors_by_sentence):
        if target in actors_by_sentence[index] and (holder == AUTHOR or holder in actors_by_sentence[index]):
            return spans[index]
    first = next((m for m in gold.mentions if m.actor == target), None)
    return (first.start, first.end) if first else (0, 0)


def _stance_context(gold: Article, predicted: Article, holder: str, target: str, use_predicted: bool) -> dict:
    """The stance's sentence with the mentions of its holder and its target marked."""
    start, end = sentence_around(gold.text, *_stance_region(gold, predicted, holder, target, use_predicted))
    marks = [
        (mention.start, mention.end, kind)
        for mention in gold.mentions
        for actor, kind in ((holder, "holder"), (target, "target"))
        if mention.actor == actor and start <= mention.start and mention.end <= end
    ]
    return _context(gold.text, marks or [(start, end, "evidence")])


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
