"""Actor grouping for predictions: surface normalisation and the alias table learnt from training data.

"Tehran", "Iran" and "the Islamic Republic" are one actor when the training data says so; the
table maps normalised mention surfaces to the canonical actor names they referred to.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from .schema import Article

__all__ = ["normalize_surface", "build_alias_table", "unique_actor_id"]

_LEADING = re.compile(r"^(?:the|a|an|its|their|his|her)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s?$")


def normalize_surface(surface: str) -> str:
    """Case-, accent-, determiner- and possessive-insensitive key: "the Kremlin’s" -> "kremlin"."""
    text = unicodedata.normalize("NFKD", surface)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"\s+", " ", text).strip()
    text = _LEADING.sub("", text)
    text = _POSSESSIVE.sub("", text)
    return text.casefold()


def build_alias_table(articles: Iterable[Article], min_articles: int = 2) -> dict[str, str]:
    """Normalised name -> the canonical actor name it most often denoted.

    Only names (surfaces with a capital letter: "Tehran", "the Kremlin") are learnt, and only when
    at least ``min_articles`` articles agree: a generic nominal such as "the militants" denotes a
    different actor in every article and must not be merged across them.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        names = {actor.id: actor.name for actor in article.actors}
        pairs = {(normalize_surface(m.text), names[m.actor]) for m in article.mentions if any(c.isupper() for c in m.text)}
        pairs |= {(normalize_surface(actor.name), actor.name) for actor in article.actors}
        for surface, name in pairs:
            votes[surface][name] += 1
    table = {}
    for surface, counter in votes.items():
        name, count = counter.most_common(1)[0]
        if surface and (count >= min_articles or surface == normalize_surface(name)):
            table[surface] = name
    return dict(sorted(table.items()))


def unique_actor_id(name: str, taken: set[str]) -> str:
    """An upper-case id derived from ``name`` ("the Kremlin" -> "KREMLIN"), made unique against ``taken``."""
    base = re.sub(r"[^A-Za-z0-9]+", "_", normalize_surface(name)).strip("_").upper()[:24] or "ACTOR"
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}_{suffix}", suffix + 1
    taken.add(candidate)
    return candidate
