"""Corpus counts: what `actorstance stats` prints and what the datasheet's targets are checked on."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..schema import Article

__all__ = ["corpus_stats"]

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def _counts(articles: Sequence[Article]) -> dict[str, Any]:
    roles: Counter[str] = Counter()
    stance_labels: Counter[str] = Counter()
    for article in articles:
        role_of = {actor.id: actor.role for actor in article.actors}
        roles.update(role_of.get(mention.actor, "?") for mention in article.mentions)
        stance_labels.update(stance.label for stance in article.stances)
    return {
        "articles": len(articles),
        "tokens": sum(len(_WORD.findall(article.text)) for article in articles),
        "mentions": sum(len(article.mentions) for article in articles),
        "actors": sum(len(article.actors) for article in articles),
        "stances": sum(len(article.stances) for article in articles),
        "roles": dict(sorted(roles.items())),
        "stance_labels": dict(sorted(stance_labels.items())),
    }


def corpus_stats(articles: Sequence[Article]) -> dict[str, Any]:
    """Totals, plus the same counts per split (articles without a ``split`` field count as ``unassigned``)."""
    by_split: dict[str, list[Article]] = {}
    for article in articles:
        by_split.setdefault(article.split or "unassigned", []).append(article)
    stats = _counts(articles)
    stats["splits"] = {name: _counts(group) for name, group in sorted(by_split.items())}
    return stats
