"""From annotated articles to model examples: BIO role tagging, marked actor pairs, splits.

Train and predict build their inputs with the same functions here (`encode_sentences`,
`stance_contexts`, `encode_contexts`), so what the model sees at serving time is exactly what
it was trained on.
"""

from __future__ import annotations

import hashlib
import logging
from bisect import bisect_left, bisect_right
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from datasets import Dataset, DatasetDict

from .labels import NONE_LABEL, LabelSchema
from .options import RoleOptions, SplitOptions, StanceOptions
from .schema import AUTHOR, SPLITS, Article
from .text import sentence_index, sentence_spans, undotted

__all__ = [
    "RoleOptions",
    "StanceOptions",
    "SplitOptions",
    "StanceContext",
    "assign_splits",
    "split_articles",
    "encode_sentences",
    "role_examples",
    "stance_contexts",
    "encode_contexts",
    "stance_examples",
    "swapped_names",
    "build_dataset_dict",
    "IGNORE_INDEX",
    "PadCollator",
]

IGNORE_INDEX = -100
logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- splits


def assign_splits(articles: Sequence[Article], options: SplitOptions = SplitOptions()) -> dict[str, str]:
    """Article id -> split. A pinned ``split`` wins; others get a split from a seeded hash of their id,
    so the assignment never depends on corpus order or on which other articles are present."""
    total = options.train + options.validation + options.test
    if total <= 0:
        raise ValueError("split ratios must sum to a positive number")
    bounds = (options.train / total, (options.train + options.validation) / total)
    result: dict[str, str] = {}
    for article in articles:
        if article.split:
            result[article.id] = article.split
            continue
        digest = hashlib.sha256(f"{options.seed}:{article.id}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        result[article.id] = "train" if draw < bounds[0] else "validation" if draw < bounds[1] else "test"
    return result


def split_articles(articles: Sequence[Article], options: SplitOptions = SplitOptions()) -> dict[str, list[Article]]:
    assignment = assign_splits(articles, options)
    groups: dict[str, list[Article]] = {name: [] for name in SPLITS}
    for article in articles:
        groups[assignment[article.id]].append(article)
    return groups


# --------------------------------------------------------------------------- roles


@dataclass
class EncodedSentence:
    """One tokenised window of one sentence, with absolute character offsets per token (-1 for specials)."""

    article_id: str
    input_ids: list[int]
    offsets: list[tuple[int, int]]
    word_ids: list[int]


def encode_sentences(tokenizer, texts: Sequence[str], ids: Sequence[str], options: RoleOptions) -> list[EncodedSentence]:
    """Tokenise every sentence of every text; sentences longer than ``max_length`` become windows with stride."""
    pieces: list[tuple[str, int, str]] = []
    for article_id, text in zip(ids, texts):
        pieces.extend((article_id, start, text[start:end]) for start, end in sentence_spans(text))
    if not pieces:
        return []
    readable = [undotted(piece) for _, _, piece in pieces]  # "U.S." read as "US"; offsets mapped back below
    encoding = tokenizer(
        [piece for piece, _ in readable],
        truncation=True,
        max_length=options.max_length,
        stride=options.stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    result = []
    for row, source in enumerate(encoding["overflow_to_sample_mapping"]):
        article_id, shift, _ = pieces[source]
        origin = readable[source][1]
        word_ids = encoding.word_ids(row)
        offsets = [
            ((origin[start] if origin else start) + shift, (origin[end] if origin else end) + shift) if word is not None else (-1, -1)
            for (start, end), word in zip(encoding["offset_mapping"][row], word_ids)
        ]
        result.append(
            EncodedSentence(
                article_id=article_id,
                input_ids=encoding["input_ids"][row],
                offsets=offsets,
                word_ids=[-1 if word is None else word for word in word_ids],
            )
        )
    return result


def _token_tags(encoded: EncodedSentence, spans: list[tuple[int, int, str]], options: RoleOptions) -> list[str | None]:
    """BIO tag per token (None where the loss ignores the token)."""
    tags: list[str | None] = []
    previous_word = None
    for (start, end), word in zip(encoded.offsets, encoded.word_ids):
        if word == -1 or start == end:
            tags.append(None)
            previous_word = None
            continue
        tag = "O"
        for span_start, span_end, role in spans:
            if span_start <= start < span_end:
                tag = f"B-{role}" if start == span_start else f"I-{role}"
                break
        if word == previous_word and not options.label_all_tokens:
            tags.append(None)
        elif word == previous_word and tag.startswith("B-"):
            tags.append("I-" + tag[2:])  # later sub-tokens of a word that starts a mention
        else:
            tags.append(tag)
        previous_word = word
    return tags


def role_examples(articles: Sequence[Article], tokenizer, labels: LabelSchema, options: RoleOptions) -> list[dict]:
    tag_ids = {tag: index for index, tag in enumerate(labels.bio_labels)}
    encoded = encode_sentences(tokenizer, [a.text for a in articles], [a.id for a in articles], options)
    spans_by_article = {
        article.id: sorted((m.start, m.end, article.role_of(m)) for m in article.mentions) for article in articles
    }
    examples = []
    for sentence in encoded:
        tags = _token_tags(sentence, spans_by_article[sentence.article_id], options)
        examples.append(
            {
                "task": "roles",
                "article_id": sentence.article_id,
                "input_ids": sentence.input_ids,
                "labels": [IGNORE_INDEX if tag is None else tag_ids[tag] for tag in tags],
                "stance_labels": IGNORE_INDEX,
                "holder_index": 0,
                "target_index": 0,
                "offsets": [list(pair) for pair in sentence.offsets],
            }
        )
    return examples


# --------------------------------------------------------------------------- stance


@dataclass(frozen=True)
class StanceContext:
    """A stretch of whole sentences where a holder and a target are both mentioned."""

    article_id: str
    holder: str
    target: str
    start: int
    end: int
    holder_spans: tuple[tuple[int, int], ...]
    target_spans: tuple[tuple[int, int], ...]
    label: str = NONE_LABEL
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    holder_role: str | None = None  # the actors' roles, for typed markers (gold in training, predicted at serving time)
    target_role: str | None = None
    reverse_label: str | None = None  # joint directions: the label of target -> holder in the same stretch

    def reversed(self) -> StanceContext:
        """The same stretch with holder and target swapped (the other direction of a joint context)."""
        return replace(
            self, holder=self.target, target=self.holder, holder_spans=self.target_spans, target_spans=self.holder_spans,
            label=self.reverse_label or NONE_LABEL, reverse_label=self.label, holder_role=self.target_role,
            target_role=self.holder_role,
        )  # fmt: skip

    @property
    def stated(self) -> bool:
        """A stance is stated in this stretch (in either direction, for a joint context)."""
        return self.label != NONE_LABEL or self.reverse_label not in (None, NONE_LABEL)


def stance_contexts(
    article: Article, options: StanceOptions, actor_ids: Iterable[str] | None = None
) -> list[StanceContext]:
    """Candidate contexts for every ordered actor pair within ``max_sentence_distance`` sentences.

    Labels come from the article's stances: a context overlapping a stance's evidence (or any
    context of the pair, when the stance has no evidence) gets its label; the rest are ``NONE``.
    A gold stance whose evidence no candidate covers gets one extra context spanning the evidence
    and the nearest mentions of both actors, so no annotated stance is lost from training.
    With ``directions: joint`` the two directions of a pair in one stretch are one context
    (`joint_directions`).
    """
    sentences = sentence_spans(article.text)
    if not sentences:
        return []
    by_actor: dict[str, list[tuple[int, int, int]]] = {}
    for mention in article.mentions:
        by_actor.setdefault(mention.actor, []).append(
            (sentence_index(sentences, mention.start), mention.start, mention.end)
        )
    actors = [a for a in (actor_ids if actor_ids is not None else by_actor) if a in by_actor]
    gold = {(s.holder, s.target): s for s in article.stances}
    roles = {actor.id: actor.role for actor in article.actors}
    contexts: list[StanceContext] = []

    # Per actor, its mentions ordered by start: the mentions inside a context are found by bisection,
    # not by scanning every mention of the actor for every context (long articles have thousands).
    by_start = {actor: sorted(range(len(items)), key=lambda i: items[i][1]) for actor, items in by_actor.items()}
    starts = {actor: [by_actor[actor][i][1] for i in order] for actor, order in by_start.items()}

    def inside(actor: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
        items = by_actor.get(actor)
        if not items:
            return ()
        candidates = by_start[actor][bisect_left(starts[actor], start) : bisect_right(starts[actor], end)]
        return tuple((items[i][1], items[i][2]) for i in sorted(candidates) if items[i][2] <= end)

    def make(holder: str, target: str, first: int, last: int, label: str) -> StanceContext:
        start, end = sentences[first][0], sentences[last][1]
        return StanceContext(
            article.id, holder, target, start, end, inside(holder, start, end), inside(target, start, end), label,
            holder_role=roles.get(holder), target_role=roles.get(target),
        )  # fmt: skip

    def label_for(holder: str, target: str, start: int, end: int) -> str:
        return _gold_label(gold.get((holder, target)), start, end)

    holders = ([AUTHOR] if options.include_author else []) + actors
    for holder in holders:
        for target in actors:
            if holder == target:
                continue
            ranges: set[tuple[int, int]] = set()
            if holder == AUTHOR:
                ranges = {(sentence, sentence) for sentence, _, _ in by_actor[target]}
            else:
                ranges = _pair_ranges(
                    {s for s, _, _ in by_actor[holder]}, {s for s, _, _ in by_actor[target]}, options.max_sentence_distance
                )
            # Keep the tightest ranges: a two-sentence range is redundant when one of its sentences holds both.
            ranges = {r for r in ranges if not _holds_tighter(r, ranges)}
            pair_contexts = [
                make(holder, target, first, last, label_for(holder, target, sentences[first][0], sentences[last][1]))
                for first, last in sorted(ranges)
            ]
            stance = gold.get((holder, target))
            if stance and stance.evidence and all(c.label == NONE_LABEL for c in pair_contexts):
                pair_contexts.append(_covering_context(article, sentences, by_actor, stance, make))
            contexts.extend(pair_contexts)
    if options.directions == "joint":
        return joint_directions(contexts, lambda context: label_for(context.target, context.holder, context.start, context.end))
    return contexts


def joint_directions(contexts: Sequence[StanceContext], reverse_label) -> list[StanceContext]:
    """One context per unordered pair and stretch of text, in first-seen order: its holder is the actor
    the stretch mentions first (AUTHOR, never a target, always), its ``reverse_label`` the label of the
    other direction (from its own context when there is one, else ``reverse_label(context)``)."""
    groups: dict[tuple, list[StanceContext]] = {}
    for context in contexts:
        groups.setdefault((context.article_id, frozenset((context.holder, context.target)), context.start, context.end), []).append(context)

    def opening(spans: tuple[tuple[int, int], ...]) -> int:
        return min((start for start, _ in spans), default=-1)

    joint = []
    for group in groups.values():
        first = min(group, key=lambda c: (opening(c.holder_spans), c.holder))
        if first.holder_spans and first.target_spans and opening(first.target_spans) < opening(first.holder_spans):
            # only the other direction was a context (a stance's covering stretch): turn it round
            first = replace(first.reversed(), label=reverse_label(first))
        other = next((c for c in group if c.holder == first.target), None)
        joint.append(replace(first, reverse_label=other.label if other is not None else reverse_label(first)))
    return joint


def _gold_label(stance, start: int, end: int) -> str:
    """A stance labels a stretch of text that overlaps its evidence (any stretch, when it has none)."""
    if stance is None:
        return NONE_LABEL
    if not stance.evidence or any(span.start < end and start < span.end for span in stance.evidence):
        return stance.label
    return NONE_LABEL


def _pair_ranges(holder_sentences: set[int], target_sentences: set[int], distance: int) -> set[tuple[int, int]]:
    """``(first, last)`` sentence ranges joining a holder and a target sentence at most ``distance`` apart."""
    ranges = set()
    for holder_sentence in holder_sentences:
        if 2 * distance + 1 <= len(target_sentences):
            near = (s for s in range(holder_sentence - distance, holder_sentence + distance + 1) if s in target_sentences)
        else:
            near = (s for s in target_sentences if abs(holder_sentence - s) <= distance)
        ranges.update((min(holder_sentence, s), max(holder_sentence, s)) for s in near)
    return ranges


def _holds_tighter(candidate: tuple[int, int], ranges: set[tuple[int, int]]) -> bool:
    """True when another range of ``ranges`` lies inside ``candidate``."""
    first, last = candidate
    width = last - first + 1
    if width * (width + 1) // 2 > len(ranges):
        return any(other != candidate and first <= other[0] and other[1] <= last for other in ranges)
    return any(
        (inner_first, inner_last) != candidate and (inner_first, inner_last) in ranges
        for inner_first in range(first, last + 1)
        for inner_last in range(inner_first, last + 1)
    )


def _covering_context(article, sentences, by_actor, stance, make) -> StanceContext:
    evidence_first = min(sentence_index(sentences, span.start) for span in stance.evidence)
    evidence_last = max(sentence_index(sentences, max(span.end - 1, span.start)) for span in stance.evidence)
    first, last = evidence_first, evidence_last
    for actor in (stance.holder, stance.target):
        if actor == AUTHOR or actor not in by_actor:
            continue
        nearest = min((abs(s - evidence_first), s) for s, _, _ in by_actor[actor])[1]
        first, last = min(first, nearest), max(last, nearest)
    return make(stance.holder, stance.target, first, last, stance.label)


def encode_contexts(
    tokenizer,
    texts: dict[str, str],
    contexts: Sequence[StanceContext],
    options: StanceOptions,
    names: Sequence[tuple[str, str] | None] | None = None,
) -> dict:
    """Insert holder/target markers into each context and tokenise; also returns the marker token indices.
    ``names`` (training only, `swapped_names`): per context, the names written for the holder's and the
    target's mentions instead of the text's, or None to keep the text."""
    marked_texts = []
    marker_chars = []
    for index, context in enumerate(contexts):
        swap = names[index] if names else None
        text = texts[context.article_id]
        holder_open, target_open = (
            _opening_marker(marker, role if options.typed_markers else None)
            for marker, role in ((options.holder_markers[0], context.holder_role), (options.target_markers[0], context.target_role))
        )
        inserts = [(s, holder_open, 0, "h") for s, _ in context.holder_spans]
        inserts += [(e, " " + options.holder_markers[1], 1, None) for _, e in context.holder_spans]
        inserts += [(s, target_open, 0, "t") for s, _ in context.target_spans]
        inserts += [(e, " " + options.target_markers[1], 1, None) for _, e in context.target_spans]
        pieces, cursor, first_marker = [], context.start, {}
        length, inside = 0, None
        for position, marker, _, kind in sorted(inserts, key=lambda item: (item[0], -item[2])):
            piece = undotted(text[cursor:position])[0]  # "U.S." read as "US", as the tagger reads it
            if swap and inside:  # a mention, between its opening and its closing marker
                piece = swap[0] if inside == "h" else swap[1]
            pieces.append(piece)
            length += len(piece)
            if kind and kind not in first_marker:
                first_marker[kind] = length
            pieces.append(marker)
            length += len(marker)
            cursor, inside = position, kind
        pieces.append(undotted(text[cursor : context.end])[0])
        marked_texts.append("".join(pieces))
        marker_chars.append(first_marker)
    encoding = tokenizer(marked_texts)
    rows, holder_index, target_index, lost = [], [], [], 0
    for row, first_marker in enumerate(marker_chars):
        markers = {kind: encoding.char_to_token(row, first_marker[kind]) for kind in first_marker}
        ids, markers, dropped = _fit_window(encoding["input_ids"][row], markers, options.max_length)
        lost += dropped
        rows.append(ids)
        holder_index.append(markers.get("h") or 0)  # AUTHOR has no marker: the pair head reads [CLS]
        target_index.append(markers.get("t") or 0)
    return {"input_ids": rows, "holder_index": holder_index, "target_index": target_index, "markers_lost": lost}


def _opening_marker(marker: str, role: str | None) -> str:
    """``"<< "``, or with a role typed into it ``"<< gov : "`` (the role as lower-case words an uncased or
    cased tokenizer already knows, so no new embeddings are needed)."""
    return f"{marker} {role.lower().replace('_', ' ')} : " if role else f"{marker} "


def _fit_window(ids: list[int], markers: dict[str, int | None], max_length: int) -> tuple[list[int], dict[str, int | None], int]:
    """Cut a too-long row to ``max_length`` tokens around its markers: ``[CLS] window [SEP]``, the window
    centred between the first holder and the first target marker (on the holder's when both cannot
    fit). Returns the row, the markers'
    new indices (None for one that could not fit) and how many markers were lost."""
    if len(ids) <= max_length:
        return ids, markers, 0
    budget = max_length - 2
    content = ids[1:-1]
    inside = [index - 1 for index in markers.values() if index is not None]
    middle = (min(inside) + max(inside)) // 2 if inside else 0
    if inside and max(inside) - min(inside) >= budget:  # both cannot fit: keep the first (the holder's)
        middle = inside[0]
    start = min(max(middle - budget // 2, 0), len(content) - budget)
    moved = {kind: (index - start if index is not None and 0 <= index - 1 - start < budget else None) for kind, index in markers.items()}
    lost = sum(1 for kind in markers if markers[kind] is not None and moved[kind] is None)
    return [ids[0], *content[start : start + budget], ids[-1]], moved, lost


# --------------------------------------------------------------------------- stance windows


@dataclass
class StanceWindow:
    """Consecutive sentences encoded once with every mention marked; all actor pairs in it are
    classified from that one encoding (pooled mention representations and a pair head)."""

    article_id: str
    start: int
    end: int
    input_ids: list[int]
    mention_tokens: list[int]  # token index of each kept mention's opening marker
    mention_actors: list[int]  # index into ``actors`` of each kept mention
    actors: list[str]
    pairs: list[tuple[int, int]]  # (holder, target) indices into ``actors``
    labels: list[str]
    markers_lost: int = 0


def _sentence_groups(lengths: Sequence[int], budget: int, overlap: int) -> list[tuple[int, int]]:
    """``(first, last)`` sentence ranges of at most ``budget`` tokens (a longer sentence stands alone);
    each range starts ``overlap`` sentences before the previous one ended, so sentences at most
    ``overlap`` apart share a range."""
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(lengths):
        last, total = first, lengths[first]
        while last + 1 < len(lengths) and total + lengths[last + 1] <= budget:
            last += 1
            total += lengths[last]
        groups.append((first, last))
        if last == len(lengths) - 1:
            break
        first = max(last + 1 - overlap, first + 1)
    return groups


def stance_windows(article: Article, tokenizer, options: StanceOptions) -> list[StanceWindow]:
    """The windows of one article and their candidate pairs (actors mentioned at most
    ``max_sentence_distance`` sentences apart inside the window), labelled from the article's stances."""
    sentences = sentence_spans(article.text)
    mentions = sorted(article.mentions, key=lambda m: (m.start, m.end))
    if not sentences or not mentions:
        return []
    opening, closing = options.holder_markers[0] + " ", " " + options.holder_markers[1]
    marker_tokens = len(tokenizer(opening + closing, add_special_tokens=False)["input_ids"])
    sentence_of = [sentence_index(sentences, m.start) for m in mentions]
    lengths = [len(ids) for ids in tokenizer([article.text[a:b] for a, b in sentences], add_special_tokens=False)["input_ids"]]
    for sentence in sentence_of:
        lengths[sentence] += marker_tokens
    gold = {(s.holder, s.target): s for s in article.stances}
    windows = []
    for first, last in _sentence_groups(lengths, options.max_length - 2, options.max_sentence_distance):
        start, end = sentences[first][0], sentences[last][1]
        inside = [i for i, m in enumerate(mentions) if start <= m.start and m.end <= end]
        if len({mentions[i].actor for i in inside}) < 2:
            continue
        pieces, cursor, offsets = [], start, []
        for i in inside:
            pieces += [undotted(article.text[cursor : mentions[i].start])[0], opening]
            offsets.append(sum(len(piece) for piece in pieces) - len(opening))
            pieces += [undotted(article.text[mentions[i].start : mentions[i].end])[0], closing]
            cursor = mentions[i].end
        pieces.append(undotted(article.text[cursor:end])[0])
        encoding = tokenizer("".join(pieces), truncation=True, max_length=options.max_length)
        kept = [(i, encoding.char_to_token(0, offset)) for i, offset in zip(inside, offsets)]
        lost = sum(token is None for _, token in kept)
        kept = [(i, token) for i, token in kept if token is not None]
        actors = list(dict.fromkeys(mentions[i].actor for i, _ in kept))
        index = {actor: position for position, actor in enumerate(actors)}
        near: set[tuple[str, str]] = set()
        for a, _ in kept:
            for b, _ in kept:
                if mentions[a].actor != mentions[b].actor and abs(sentence_of[a] - sentence_of[b]) <= options.max_sentence_distance:
                    near.add((mentions[a].actor, mentions[b].actor))
        pairs = sorted(near, key=lambda pair: (index[pair[0]], index[pair[1]]))
        windows.append(
            StanceWindow(
                article.id, start, end, encoding["input_ids"], [token for _, token in kept],
                [index[mentions[i].actor] for i, _ in kept], actors, [(index[h], index[t]) for h, t in pairs],
                [_gold_label(gold.get(pair), start, end) for pair in pairs], lost,
            )  # fmt: skip
        )
    return windows


def window_row(window: StanceWindow) -> dict:
    """The model inputs of one window (no labels)."""
    return {
        "input_ids": window.input_ids,
        "mention_tokens": window.mention_tokens,
        "mention_actors": window.mention_actors,
        "pair_holders": [h for h, _ in window.pairs],
        "pair_targets": [t for _, t in window.pairs],
    }


def stance_window_examples(
    articles: Sequence[Article], tokenizer, labels: LabelSchema, options: StanceOptions,
    negative_ratio: float | None = None, seed: int = 0,
) -> list[dict]:  # fmt: skip
    """One example per window; with ``negative_ratio`` NONE pairs are kept at random (their label is
    ignored otherwise) so that about that many NONE pairs train per stated pair."""
    class_ids = {label: index for index, label in enumerate(labels.stance_classes)}
    windows = [window for article in articles for window in stance_windows(article, tokenizer, options)]
    positives = sum(label != NONE_LABEL for window in windows for label in window.labels)
    negatives = sum(label == NONE_LABEL for window in windows for label in window.labels)
    keep = 1.0 if negative_ratio is None or not negatives else min(1.0, negative_ratio * max(positives, 1) / negatives)
    draw = random.Random(seed)
    examples = []
    for window in windows:
        stance_labels = [
            class_ids[label] if label != NONE_LABEL or draw.random() < keep else IGNORE_INDEX for label in window.labels
        ]
        examples.append(
            {
                "task": "stance",
                "article_id": window.article_id,
                **window_row(window),
                "labels": [IGNORE_INDEX] * len(window.input_ids),
                "stance_labels": stance_labels,
                "offsets": [[window.start, window.end]],
            }
        )
    return examples


def stance_pair_counts(
    articles: Sequence[Article], tokenizer, options: StanceOptions, negative_ratio: float | None = None
) -> tuple[int, int]:
    """(stated, NONE) labels of ordered candidate pairs of ``articles`` as the stance design sees them;
    with ``negative_ratio``, those that training keeps (pair contexts: `stance_examples`' sample)."""
    if options.design == "windows":
        labels = [label for article in articles for window in stance_windows(article, tokenizer, options) for label in window.labels]
    else:
        contexts = _sampled_contexts(articles, options, negative_ratio)
        labels = [label for c in contexts for label in ((c.label, c.reverse_label) if options.directions == "joint" else (c.label,))]
    positives = sum(label != NONE_LABEL for label in labels)
    return positives, len(labels) - positives


def _sampled_contexts(
    articles: Sequence[Article], options: StanceOptions, negative_ratio: float | None, seed: int = 0
) -> list[StanceContext]:
    """The articles' contexts; with ``negative_ratio``, contexts that state no stance are drawn at
    random down to that many per context that states one, ``options.hard_negatives`` of them from the
    stretches of text whose other pairs state a stance."""
    contexts = [context for article in articles for context in stance_contexts(article, options)]
    if negative_ratio is None:
        return contexts
    positives = [c for c in contexts if c.stated]
    negatives = [c for c in contexts if not c.stated]
    keep = min(len(negatives), int(round(negative_ratio * max(len(positives), 1))))
    draw = random.Random(seed)
    if options.hard_negatives:
        stated_stretches = {(c.article_id, c.start, c.end) for c in positives}
        hard = [c for c in negatives if (c.article_id, c.start, c.end) in stated_stretches]
        hard = draw.sample(hard, min(len(hard), int(round(options.hard_negatives * keep))))
        chosen = set(map(id, hard))
        negatives = hard + draw.sample([c for c in negatives if id(c) not in chosen], keep - len(hard))
    else:
        negatives = draw.sample(negatives, keep)
    return sorted(positives + negatives, key=lambda c: (c.article_id, c.start, c.holder, c.target))


def swapped_names(articles: Sequence[Article], contexts: Sequence[StanceContext], share: float, seed: int = 0) -> list[tuple[str, str] | None]:
    """For ``share`` of ``contexts`` (drawn with ``seed``), the names of two other actors of ``articles`` to
    write for the context's holder and target (`stance.name_swap`); None for the others, and for a
    context whose holder and target spans overlap or that has fewer than two other names to draw."""
    names = sorted({actor.name for article in articles for actor in article.actors if actor.id != AUTHOR})
    own = {(article.id, actor.id): actor.name for article in articles for actor in article.actors}
    draw = random.Random(f"name-swap-{seed}")
    result: list[tuple[str, str] | None] = []
    for context in contexts:
        if draw.random() >= share or not (context.holder_spans and context.target_spans):
            result.append(None)
            continue
        spans = sorted(context.holder_spans + context.target_spans)
        overlapping = any(end > start for (_, end), (start, _) in zip(spans, spans[1:]))
        pair = {own.get((context.article_id, context.holder)), own.get((context.article_id, context.target))}
        others = [name for name in names if name not in pair]
        result.append(tuple(draw.sample(others, 2)) if not overlapping and len(others) >= 2 else None)
    return result


def stance_examples(
    articles: Sequence[Article],
    tokenizer,
    labels: LabelSchema,
    options: StanceOptions,
    negative_ratio: float | None = None,
    seed: int = 0,
    name_swap: float = 0.0,
) -> list[dict]:
    """Marked pair examples; ``NONE`` examples are subsampled to ``negative_ratio`` x positives if given;
    ``name_swap`` of them are written with other actors' names (`swapped_names`)."""
    class_ids = {label: index for index, label in enumerate(labels.stance_classes)}
    contexts = _sampled_contexts(articles, options, negative_ratio, seed)
    if not contexts:
        return []
    names = swapped_names(articles, contexts, name_swap, seed) if name_swap else None
    encoded = encode_contexts(tokenizer, {a.id: a.text for a in articles}, contexts, options, names)
    if encoded["markers_lost"]:
        logger.warning("%d holder/target markers did not fit in max_length=%d tokens", encoded["markers_lost"], options.max_length)
    return [
        {
            "task": "stance",
            "article_id": context.article_id,
            "input_ids": encoded["input_ids"][row],
            "labels": [IGNORE_INDEX] * len(encoded["input_ids"][row]),
            "stance_labels": (
                [class_ids[context.label], class_ids[context.reverse_label or NONE_LABEL]]
                if options.directions == "joint"
                else class_ids[context.label]
            ),
            "holder_index": encoded["holder_index"][row],
            "target_index": encoded["target_index"][row],
            "offsets": [[context.start, context.end]],
        }
        for row, context in enumerate(contexts)
    ]


# --------------------------------------------------------------------------- dataset dict


def build_dataset_dict(
    articles: Sequence[Article],
    tokenizer,
    labels: LabelSchema,
    tasks: Sequence[str] = ("roles", "stance"),
    roles: RoleOptions = RoleOptions(),
    stance: StanceOptions = StanceOptions(),
    splits: SplitOptions = SplitOptions(),
    seed: int = 0,
) -> DatasetDict:
    """One `DatasetDict` (train / validation / test) holding the examples of every requested task.

    Role rows carry token ``labels`` and ``stance_labels = -100``; stance rows the reverse, so one
    shared encoder trains on both in the same batches. Only the train split is negative-sampled.
    """
    unknown = set(tasks) - {"roles", "stance"}
    if unknown:
        raise ValueError(f"unknown task(s) {sorted(unknown)}; expected 'roles' and/or 'stance'")
    result = {}
    for name, group in split_articles(articles, splits).items():
        parts = []
        if "roles" in tasks:
            role_rows = role_examples(group, tokenizer, labels, roles) if roles.tagger else []
            if roles.decision == "actor":
                from .actor_roles import actor_role_examples  # (actor_roles imports this module)

                role_rows += actor_role_examples(group, tokenizer, labels, roles.actor_max_length)
            if stance.design == "windows" and "stance" in tasks:
                role_rows = [_as_window_row(row) for row in role_rows]
            elif stance.directions == "joint" and "stance" in tasks:  # stance rows carry a label per direction
                role_rows = [row | {"stance_labels": [IGNORE_INDEX, IGNORE_INDEX]} for row in role_rows]
            parts.append(role_rows)
        if "stance" in tasks:
            ratio = stance.negative_ratio if name == "train" else None
            if stance.design == "windows":
                parts.append(stance_window_examples(group, tokenizer, labels, stance, negative_ratio=ratio, seed=seed))
            else:
                swap = stance.name_swap if name == "train" else 0.0
                parts.append(stance_examples(group, tokenizer, labels, stance, negative_ratio=ratio, seed=seed, name_swap=swap))
        rows = [row for part in parts for row in part]
        if "roles" in tasks and roles.decision == "actor":  # every row needs the actor fields: empty where not an actor row
            rows = [row if "actor_window_ids" in row else row | {key: [] for key in _ACTOR_ROW_FIELDS} for row in rows]
        result[name] = Dataset.from_list(rows) if rows else _empty_dataset()
    return DatasetDict(result)


_ACTOR_FIELDS = {"actor_mention_windows": 0, "actor_mention_tokens": 0, "actor_mention_actors": -1}
"""The per-mention list inputs of the actor decision, with their padding values (windows and targets are padded apart)."""
_ACTOR_ROW_FIELDS = ("actor_window_ids", *_ACTOR_FIELDS, "actor_role_targets")


def _as_window_row(row: dict) -> dict:
    """A role row with the (empty) pair fields of the windows design, so both kinds share one schema."""
    row = {key: value for key, value in row.items() if key not in ("holder_index", "target_index")}
    return row | {"stance_labels": [], **{key: [] for key in _WINDOW_FIELDS}}


_WINDOW_FIELDS = {"mention_tokens": 0, "mention_actors": -1, "pair_holders": 0, "pair_targets": 0}
"""The per-window list inputs of the windows design, with their padding values."""


def _empty_dataset() -> Dataset:
    return Dataset.from_dict(
        {
            "task": [],
            "article_id": [],
            "input_ids": [],
            "labels": [],
            "stance_labels": [],
            "holder_index": [],
            "target_index": [],
            "offsets": [],
        }
    )


@dataclass(frozen=True)
class PadCollator:
    """Dynamic padding to the longest row of the batch (optionally to a multiple of 8 for tensor cores).

    ``fixed_length`` pads every row to that length instead: the pad-to-max-length baseline.
    """

    pad_token_id: int
    pad_to_multiple_of: int | None = None
    fixed_length: int | None = None

    def __call__(self, features: list[dict]) -> dict:
        import torch

        longest = self.fixed_length or max(len(feature["input_ids"]) for feature in features)
        if self.pad_to_multiple_of:
            longest = -(-longest // self.pad_to_multiple_of) * self.pad_to_multiple_of
        batch: dict[str, list] = {"input_ids": [], "attention_mask": []}
        has_labels = "labels" in features[0]
        if has_labels:
            batch["labels"] = []
        for feature in features:
            padding = longest - len(feature["input_ids"])
            batch["input_ids"].append(list(feature["input_ids"]) + [self.pad_token_id] * padding)
            batch["attention_mask"].append([1] * len(feature["input_ids"]) + [0] * padding)
            if has_labels:
                batch["labels"].append(list(feature["labels"]) + [IGNORE_INDEX] * padding)
        lists = {key: pad for key, pad in _WINDOW_FIELDS.items() if key in features[0]}
        if lists and "stance_labels" in features[0]:
            lists["stance_labels"] = IGNORE_INDEX
        for key, pad in lists.items():  # at least one slot, so every batch has the same outputs
            width = max(1, max(len(feature[key]) for feature in features))
            batch[key] = [list(feature[key]) + [pad] * (width - len(feature[key])) for feature in features]
        if "actor_window_ids" in features[0]:
            batch.update(self._actor_batch(features))
        for key in ("stance_labels", "holder_index", "target_index"):
            if key in features[0] and key not in batch:
                batch[key] = [feature[key] for feature in features]
        return {key: torch.tensor(value, dtype=torch.long) for key, value in batch.items()}

    def _actor_batch(self, features: list[dict]) -> dict[str, list]:
        """The actor-head inputs padded to (rows, windows, tokens), (rows, mentions) and (rows, actors, outputs);
        at least one slot each, so every batch has the same outputs (a tagger row has no windows)."""
        windows = max(1, max(len(f["actor_window_ids"]) for f in features))
        length = max([1] + [len(ids) for f in features for ids in f["actor_window_ids"]])
        batch: dict[str, list] = {"actor_window_ids": [], "actor_window_mask": []}
        for feature in features:
            rows = [list(ids) for ids in feature["actor_window_ids"]] + [[]] * (windows - len(feature["actor_window_ids"]))
            batch["actor_window_ids"].append([ids + [self.pad_token_id] * (length - len(ids)) for ids in rows])
            batch["actor_window_mask"].append([[1] * len(ids) + [0] * (length - len(ids)) for ids in rows])
        for key, pad in _ACTOR_FIELDS.items():
            width = max(1, max(len(f[key]) for f in features))
            batch[key] = [list(f[key]) + [pad] * (width - len(f[key])) for f in features]
        outputs = max([1] + [len(target) for f in features for target in f["actor_role_targets"]])
        actors = max(1, max(len(f["actor_role_targets"]) for f in features))
        ignored = [IGNORE_INDEX] * outputs
        batch["actor_role_targets"] = [
            [list(target) for target in f["actor_role_targets"]] + [ignored] * (actors - len(f["actor_role_targets"])) for f in features
        ]
        return batch
