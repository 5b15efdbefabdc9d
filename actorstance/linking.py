"""A learned choice of the named actor an unnamed mention refers to.

The rule of `grouping` (same role, nearest before) sends "the government" to a news agency or a
minister quoted just before it, and "the prime minister" to a state. This linker scores every named
actor of the article for a nominal with a logistic regression over a few pair features (its head
noun against the candidate's kind and role, the candidate's distance and recency, whether the head
noun is in the candidate's own names) and picks the best one when it is likely enough; otherwise
the nominal starts an actor of its own. It is fitted on the training split's own grouping (gold
mentions and roles) and saved in the run directory as ``linker.json``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .run import read_versioned, write_versioned

__all__ = ["LINKER_FILE", "Candidate", "LinkingExample", "MentionLinker", "candidate_kind", "head_noun", "up_to_head", "pair_features", "fit_linker"]

LINKER_FILE = "linker.json"
_FORMAT = 1

_POSSESSIVE_START = re.compile(r"^(?i:its|their|his|her|our)\s")
_HEAD_END = re.compile(r"\s(?:of|in|from|for|based|that|which|who|with|on|at)\s")
_WORD = re.compile(r"[^\W\d_]+")
_ORGANISATION_WORDS = frozenset(
    "agency army authority bank board brigade bureau command committee council court directorate force forces front "
    "group guard guards league ministry mission movement network news office organisation organization party police "
    "press radio service station television tv union".split()
)


@dataclass(frozen=True)
class Candidate:
    """A named actor of the article as the linker sees it: its role, what kind of name it has, the
    lower-case words of its mentions, and the sentence of each mention (with its start offset)."""

    key: str
    role: str
    kind: str  # a dictionary kind ("country", "country_forces", "organisation", "nonstate", "person"), else `candidate_kind`'s
    words: frozenset[str]
    mentions: tuple[tuple[int, int], ...]  # (start offset, sentence index), sorted


def up_to_head(surface: str) -> str:
    """A noun phrase cut before its first preposition or relative clause, so that it ends in its head
    ("the ministry of defence" -> "the ministry")."""
    return _HEAD_END.split(f" {surface} ", maxsplit=1)[0]


def head_noun(surface: str) -> str:
    """The nominal's head: its last word before a preposition or relative clause, lower case ("the
    country's largest labour federation" -> "federation", "the ministry of defence" -> "ministry")."""
    words = _WORD.findall(up_to_head(surface))
    return words[-1].lower() if words else ""


def candidate_kind(name: str, dictionary_kind: str | None) -> str:
    """The candidate's kind: its dictionary link's kind, else the shape of its name."""
    if dictionary_kind is not None:
        return dictionary_kind
    words = name.split()
    if {word.lower() for word in _WORD.findall(name)} & _ORGANISATION_WORDS:
        return "organisation_like"
    if 2 <= len(words) <= 3 and all(word[:1].isupper() for word in words):
        return "person_like"
    return "name"


def _bucket(value: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def pair_features(surface: str, role: str, start: int, sentence: int, candidate: Candidate, rank: int) -> dict[str, float]:
    """Features of (nominal, candidate). ``rank``: the candidate's recency among the article's
    candidates (1: the one mentioned last before the nominal; 0: none mentioned before it)."""
    head = head_noun(surface)
    before = bisect.bisect_left(candidate.mentions, (start, -1))  # mentions starting before the nominal
    after = bisect.bisect_right(candidate.mentions, (start, math.inf))
    distance_before = sentence - candidate.mentions[before - 1][1] if before else None
    distance_after = candidate.mentions[after][1] - sentence if after < len(candidate.mentions) else None
    features = {
        "bias_pair": 1.0,
        f"role={role}|cand={candidate.role}": 1.0,
        "same_role": float(role == candidate.role),
        f"head={head}|kind={candidate.kind}": 1.0,
        f"head={head}|cand={candidate.role}": 1.0,
        f"role={role}|kind={candidate.kind}": 1.0,
        "head_in_names": float(bool(head) and head in candidate.words),
        f"rank={_bucket(rank, (0, 1, 2, 3))}": 1.0,
        f"before={_bucket(distance_before, (0, 1, 2, 5)) if distance_before is not None else 'none'}": 1.0,
        f"after={_bucket(distance_after, (0, 1, 2, 5)) if distance_after is not None else 'none'}": 1.0,
        "log_mentions_before": math.log1p(before),
    }
    if _POSSESSIVE_START.match(surface):
        features[f"possessive|rank={_bucket(rank, (0, 1, 2))}"] = 1.0
    return features


@dataclass
class MentionLinker:
    """Logistic regression weights over named features; ``fitted_on`` says on what."""

    weights: dict[str, float]
    bias: float
    fitted_on: dict = field(default_factory=dict)

    def probability(self, features: dict[str, float]) -> float:
        score = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(min(score, 50.0), -50.0)))

    def choose(
        self, surface: str, role: str, start: int, sentence: int, candidates: Sequence[Candidate], threshold: float
    ) -> str | None:
        """The key of the candidate the nominal refers to, or None: none is likely enough (``threshold``)."""
        ranks = _recency_ranks(start, candidates)
        best, best_probability = None, threshold
        for candidate in candidates:
            probability = self.probability(pair_features(surface, role, start, sentence, candidate, ranks[candidate.key]))
            if probability >= best_probability:
                best, best_probability = candidate.key, probability
        return best

    def save(self, run_dir: str | Path) -> Path:
        payload = {"bias": self.bias, "weights": self.weights, "fitted_on": self.fitted_on}
        return write_versioned(run_dir, LINKER_FILE, _FORMAT, payload, indent=1, sort_keys=True)

    @classmethod
    def load(cls, run_dir: str | Path) -> MentionLinker | None:
        """The run's linker, or None for a run trained before linkers were saved."""

        def parse(data: dict) -> MentionLinker:
            weights = {str(name): float(weight) for name, weight in data["weights"].items()}
            return cls(weights, float(data["bias"]), dict(data.get("fitted_on") or {}))

        return read_versioned(run_dir, LINKER_FILE, _FORMAT, parse, "linker")


def _recency_ranks(start: int, candidates: Sequence[Candidate]) -> dict[str, int]:
    last_before = {}
    for candidate in candidates:
        before = bisect.bisect_left(candidate.mentions, (start, -1))
        last_before[candidate.key] = candidate.mentions[before - 1][0] if before else None
    order = sorted((p, key) for key, p in last_before.items() if p is not None)[::-1]
    ranks = {key: 0 for key in last_before}
    ranks.update({key: rank for rank, (_, key) in enumerate(order, start=1)})
    return ranks


@dataclass(frozen=True)
class LinkingExample:
    """One nominal of a training article with its candidates and the key of the right one (None: none is)."""

    surface: str
    role: str
    start: int
    sentence: int
    candidates: tuple[Candidate, ...]
    answer: str | None


def fit_linker(examples: Sequence[LinkingExample], c: float = 1.0) -> MentionLinker:
    """Logistic regression (scikit-learn, L2 with inverse strength ``c``) on every (nominal,
    candidate) pair of ``examples``: 1 for the right candidate, 0 for the others."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels = [], []
    for example in examples:
        ranks = _recency_ranks(example.start, example.candidates)
        for candidate in example.candidates:
            rows.append(pair_features(example.surface, example.role, example.start, example.sentence, candidate, ranks[candidate.key]))
            labels.append(int(candidate.key == example.answer))
    if len(set(labels)) < 2:
        raise ValueError(f"fit_linker: needs right and wrong candidates, got {len(labels)} pairs labelled {sorted(set(labels))}")
    vectorizer = DictVectorizer()
    model = LogisticRegression(C=c, max_iter=5000).fit(vectorizer.fit_transform(rows), np.array(labels))
    weights = {name: float(weight) for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0]) if weight != 0.0}
    fitted_on = {"nominals": len(examples), "linked": sum(e.answer is not None for e in examples), "pairs": len(labels), "c": c}
    return MentionLinker(weights, float(model.intercept_[0]), fitted_on)
