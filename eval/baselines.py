"""Baselines with the predictor interface (``labels`` + ``predict_articles``), scored by the same harness.

* ``majority``: every gold mention's actor gets the training split's most frequent role; every
  ordered pair of actors mentioned in the same sentence gets the most frequent stance label.
  It detects nothing, so its end-to-end predictions are empty (all end-to-end scores 0).
* ``gazetteer``: mention surfaces and actor names of the training split -> role and canonical
  name; longest-match tagging (case-sensitive, on word boundaries); mentions sharing a canonical
  name form one actor; stances from cue words between two mentions of one sentence.
* ``spacy``: ``en_core_web_sm`` named entities mapped to roles (GPE/NORP/PERSON -> GOV,
  ORG -> IGO, where the label set has them), grouped and linked as the gazetteer does. Available
  only when spaCy and the model are installed (`BaselineUnavailable` otherwise).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from actorstance.aliases import normalize_surface, unique_actor_id
from actorstance.labels import LabelSchema
from actorstance.schema import Actor, Article, Mention, Span, Stance
from actorstance.text import sentence_index, sentence_spans

from .metrics import TASKS

__all__ = [
    "BASELINES",
    "BaselineUnavailable",
    "MajorityBaseline",
    "GazetteerBaseline",
    "SpacyBaseline",
    "cue_stances",
    "make_baseline",
]


class BaselineUnavailable(RuntimeError):
    """The baseline needs something that is not installed."""


def _strip(articles: Sequence[Article], gold_mentions: bool) -> list[Article]:
    """Copies holding only what a predictor may see."""
    if gold_mentions:
        return [a.model_copy(update={"stances": []}, deep=True) for a in articles]
    return [a.model_copy(update={"actors": [], "mentions": [], "stances": []}, deep=True) for a in articles]


def _cooccurring_pairs(article: Article) -> list[tuple[str, str, int]]:
    """Ordered pairs of distinct actors with mentions in one sentence, with that sentence's index."""
    spans = sentence_spans(article.text)
    by_sentence: dict[int, list[str]] = defaultdict(list)
    for mention in sorted(article.mentions, key=lambda m: m.start):
        index = sentence_index(spans, mention.start) if spans else 0
        if mention.actor not in by_sentence[index]:
            by_sentence[index].append(mention.actor)
    pairs, seen = [], set()
    for index in sorted(by_sentence):
        for holder in by_sentence[index]:
            for target in by_sentence[index]:
                if holder != target and (holder, target) not in seen:
                    seen.add((holder, target))
                    pairs.append((holder, target, index))
    return pairs


class MajorityBaseline:
    name = "majority"
    tasks = TASKS

    def __init__(self, labels: LabelSchema, role: str, stance: str | None):
        self.labels, self.role, self.stance = labels, role, stance

    @classmethod
    def fit(cls, train: Sequence[Article], labels: LabelSchema) -> MajorityBaseline:
        roles: Counter[str] = Counter()
        stances: Counter[str] = Counter()
        for article in train:
            role_of = {actor.id: actor.role for actor in article.actors}
            roles.update(role_of[m.actor] for m in article.mentions if m.actor in role_of)
            stances.update(s.label for s in article.stances)
        role = roles.most_common(1)[0][0] if roles else labels.roles[0]
        stance = stances.most_common(1)[0][0] if stances else None
        return cls(labels, role, stance)

    def predict_articles(self, articles: Sequence[Article], *, gold_mentions: bool = False) -> list[Article]:
        results = _strip(articles, gold_mentions)
        if not gold_mentions:
            return results
        for article in results:
            article.actors = [actor.model_copy(update={"role": self.role}) for actor in article.actors]
            if self.stance is not None:
                spans = sentence_spans(article.text)
                article.stances = [
                    Stance(holder=h, target=t, label=self.stance, evidence=[Span(start=spans[i][0], end=spans[i][1])] if spans else [])
                    for h, t, i in _cooccurring_pairs(article)
                ]
        return results


# --------------------------------------------------------------------------- stance cues

_NEUTRAL = r"not aimed at|is not a party to|not a party to|does not take sides|did not take sides|backs neither|neutral"
_SUPPORT_PASSIVE = r"(?:backed|supported|armed|funded|financed|sponsored|aided|trained|equipped|protected) by"
_OPPOSE_PASSIVE = r"(?:attacked|condemned|targeted|accused|sanctioned|killed|bombed|critici[sz]ed|threatened|fought|opposed|shelled) by"
_SUPPORT = (
    r"back(?:s|ed|ing)?|support(?:s|ed|ing)?|all(?:y|ies|ied)|cooperat\w*|loyal|arm(?:s|ed|ing)|fund(?:s|ed|ing)|aid(?:s|ed)?|"
    r"help(?:s|ed)?|welcom\w*|prais\w*|endors\w*|negotiat\w*|sid(?:e|ed|es) with|alongside|partner\w*|coordinat\w*"
)
_OPPOSE = (
    r"fight(?:s|ing)?|fought|condemn\w*|accus\w*|attack\w*|against|sanction\w*|threat\w*|critici[sz]\w*|oppos\w*|clash\w*|"
    r"struck|strike(?:s)?|kill(?:s|ed|ing)?|bomb\w*|target\w*|concern\w*|fear\w*|warn\w*|denounc\w*|blam\w*|shell\w*"
)
_CUES = [
    ("NEUTRAL", False, re.compile(rf"\b(?:{_NEUTRAL})\b", re.IGNORECASE)),
    ("SUPPORT", True, re.compile(rf"\b{_SUPPORT_PASSIVE}\b", re.IGNORECASE)),
    ("OPPOSE", True, re.compile(rf"\b{_OPPOSE_PASSIVE}\b", re.IGNORECASE)),
    ("OPPOSE", False, re.compile(rf"\b(?:{_OPPOSE})\b", re.IGNORECASE)),
    ("SUPPORT", False, re.compile(rf"\b(?:{_SUPPORT})\b", re.IGNORECASE)),
]
"""(label, passive, pattern) in priority order: a passive cue ("backed by") reverses the edge."""


def cue_stances(article: Article, stance_labels: Sequence[str]) -> list[Stance]:
    """Edges from cue words between two mentions of different actors in one sentence.

    For mentions A ... B in a sentence, the first matching cue class in the text between them
    decides: ``A backed B`` -> A -> B SUPPORT; ``A backed by B`` -> B -> A SUPPORT; and so on. The
    first edge found for an ordered pair wins; labels outside ``stance_labels`` are never emitted.
    """
    spans = sentence_spans(article.text)
    mentions = sorted(article.mentions, key=lambda m: m.start)
    found: dict[tuple[str, str], Stance] = {}
    for i, first in enumerate(mentions):
        for second in mentions[i + 1 :]:
            if second.actor == first.actor or second.start < first.end:
                continue
            if spans and sentence_index(spans, first.start) != sentence_index(spans, second.start):
                break
            between = article.text[first.end : second.start]
            for label, passive, pattern in _CUES:
                if label in stance_labels and pattern.search(between):
                    holder, target = (second.actor, first.actor) if passive else (first.actor, second.actor)
                    found.setdefault(
                        (holder, target),
                        Stance(holder=holder, target=target, label=label, evidence=[Span(start=first.start, end=second.end)]),
                    )
                    break
    return list(found.values())


# --------------------------------------------------------------------------- grouping


def _group(text: str, spans: list[tuple[int, int, str, str]]) -> tuple[list[Mention], list[Actor]]:
    """``(start, end, role, canonical name)`` spans -> mentions and actors, one actor per normalised name."""
    members: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for span in spans:
        members[normalize_surface(span[3]) or normalize_surface(text[span[0] : span[1]])].append(span)
    taken: set[str] = set()
    mentions, actors = [], []
    for key, group in members.items():
        name = group[0][3]
        actor_id = unique_actor_id(name, taken)
        role = Counter(span[2] for span in group).most_common(1)[0][0]
        actors.append(Actor(id=actor_id, name=name, role=role))
        mentions.extend(Mention(start=s, end=e, text=text[s:e], actor=actor_id) for s, e, _, _ in group)
    mentions.sort(key=lambda m: m.start)
    return mentions, actors


class GazetteerBaseline:
    name = "gazetteer"
    tasks = TASKS

    def __init__(self, labels: LabelSchema, entries: dict[str, tuple[str, str]], fallback_role: str):
        """``entries``: surface string -> (role, canonical actor name)."""
        self.labels, self.entries, self.fallback_role = labels, entries, fallback_role
        by_key: dict[str, Counter[str]] = defaultdict(Counter)
        for surface, (role, _) in entries.items():
            by_key[normalize_surface(surface)][role] += 1
        self._role_by_key = {key: counter.most_common(1)[0][0] for key, counter in by_key.items()}
        surfaces = sorted((s for s in entries if len(s) >= 2), key=lambda s: (-len(s), s))
        self._pattern = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in surfaces) + r")(?![\w]|-\w)") if surfaces else None
        )

    @classmethod
    def fit(cls, train: Sequence[Article], labels: LabelSchema) -> GazetteerBaseline:
        votes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        roles: Counter[str] = Counter()
        for article in train:
            actors = article.actor_by_id()
            for mention in article.mentions:
                actor = actors.get(mention.actor)
                if actor is not None:
                    votes[mention.text][(actor.role, actor.name)] += 1
                    roles[actor.role] += 1
            for actor in article.actors:
                votes[actor.name][(actor.role, actor.name)] += 1
        entries = {surface: counter.most_common(1)[0][0] for surface, counter in votes.items() if surface.strip()}
        fallback = roles.most_common(1)[0][0] if roles else labels.roles[0]
        return cls(labels, entries, fallback)

    def tag(self, text: str) -> list[tuple[int, int, str, str]]:
        """Longest leftmost matches: ``(start, end, role, canonical name)``."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), *self.entries[m.group(0)]) for m in self._pattern.finditer(text)]

    def _role_of(self, actor: Actor, mentions: list[Mention]) -> str:
        votes: Counter[str] = Counter()
        for mention in mentions:
            role = self.entries.get(mention.text, (None,))[0] or self._role_by_key.get(normalize_surface(mention.text))
            if role:
                votes[role] += 1
        if not votes:
            role = self._role_by_key.get(normalize_surface(actor.name))
            return role or self.fallback_role
        return votes.most_common(1)[0][0]

    def predict_articles(self, articles: Sequence[Article], *, gold_mentions: bool = False) -> list[Article]:
        results = _strip(articles, gold_mentions)
        for article in results:
            if gold_mentions:
                by_actor: dict[str, list[Mention]] = defaultdict(list)
                for mention in article.mentions:
                    by_actor[mention.actor].append(mention)
                article.actors = [
                    actor.model_copy(update={"role": self._role_of(actor, by_actor[actor.id])}) for actor in article.actors
                ]
            else:
                article.mentions, article.actors = _group(article.text, self.tag(article.text))
            article.stances = cue_stances(article, self.labels.stances)
        return results


_SPACY_ROLES = {"GPE": "GOV", "NORP": "GOV", "PERSON": "GOV", "ORG": "IGO"}
SPACY_MODEL = "en_core_web_sm"


class SpacyBaseline:
    name = "spacy"
    tasks = TASKS

    def __init__(
        self,
        labels: LabelSchema,
        nlp: Callable | None = None,
        role_map: dict[str, str] | None = None,
        model: str = SPACY_MODEL,
    ):
        """``model``: a spaCy pipeline package name or folder, loaded when no ``nlp`` is given."""
        if nlp is None:
            try:
                import spacy
            except ImportError:
                raise BaselineUnavailable("the spacy baseline needs spaCy: pip install spacy") from None
            try:
                nlp = spacy.load(model)
            except OSError as error:
                raise BaselineUnavailable(f"cannot load the spaCy model {model!r} ({error})") from None
        self.labels, self.nlp = labels, nlp
        self.role_map = {k: v for k, v in (role_map or _SPACY_ROLES).items() if v in labels.roles}

    def tag(self, text: str) -> list[tuple[int, int, str, str]]:
        spans = []
        for entity in self.nlp(text).ents:
            role = self.role_map.get(entity.label_)
            if role is not None and entity.text.strip():
                spans.append((entity.start_char, entity.end_char, role, entity.text))
        return spans

    def predict_articles(self, articles: Sequence[Article], *, gold_mentions: bool = False) -> list[Article]:
        results = _strip(articles, gold_mentions)
        for article in results:
            if gold_mentions:
                tagged = self.tag(article.text)
                actors = []
                for actor in article.actors:
                    votes = Counter(
                        role
                        for m in article.mentions
                        if m.actor == actor.id
                        for start, end, role, _ in tagged
                        if start < m.end and m.start < end
                    )
                    role = votes.most_common(1)[0][0] if votes else self.labels.roles[0]
                    actors.append(actor.model_copy(update={"role": role}))
                article.actors = actors
            else:
                article.mentions, article.actors = _group(article.text, self.tag(article.text))
            article.stances = cue_stances(article, self.labels.stances)
        return results


BASELINES = ("majority", "gazetteer", "spacy")


def make_baseline(name: str, train: Sequence[Article], labels: LabelSchema, spacy_model: str = SPACY_MODEL):
    """A fitted baseline by name; raises `BaselineUnavailable` (spacy) or ValueError (unknown name)."""
    if name == "majority":
        return MajorityBaseline.fit(train, labels)
    if name == "gazetteer":
        return GazetteerBaseline.fit(train, labels)
    if name == "spacy":
        return SpacyBaseline(labels, model=spacy_model)
    raise ValueError(f"unknown baseline {name!r}; known: {', '.join(BASELINES)}")
