"""SUPPORT that a mention's own words state: "Iran-backed militias", "pro-Iranian forces".

The guidelines make these phrases stances (docs/annotation.md 6.2: "X-backed Y" and "Y backed by X"
give X -> Y SUPPORT, "pro-X Y" gives Y -> X SUPPORT, "X-led Y" none), yet X is written inside Y's
mention, not as a mention of its own, so no context of the pair classifier marks it ("Magawir
al-Thawra, a US-backed rebel group" holds no mention of the United States). Here each such mention
gives its actor that edge with the article's actor the words name: the one whose dictionary code they
link to ("Tehran" -> IRN: the actor with that code, else, for actors given without codes, the one most
of whose mentions link to it), else the one with a mention written as they are ("pro-junta" -> "the junta").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from functools import cache

from .aliases import normalize_surface
from .nominals import support_phrase
from .schema import AUTHOR, Article, Span, Stance

__all__ = ["SUPPORT", "sponsorship_edges"]

SUPPORT = "SUPPORT"


def sponsorship_edges(
    article: Article, link: Callable[[str], str | None], decided: Collection[tuple[str, str]] = ()
) -> list[Stance]:
    """The SUPPORT edges ``article``'s mentions state with their sponsors, in mention order, one per
    ordered pair.

    ``link``: the actor code a sponsor's words link to (`grouping.sponsor_key`), or None; ``decided``:
    the ordered pairs that already have an edge, which keep it. Each edge has its mention as evidence and
    is scored as the mention (1.0 for a given mention without a score)."""
    mentions = sorted(article.mentions, key=lambda m: m.start)
    surfaces = [article.text[mention.start : mention.end] for mention in mentions]
    stated = [support_phrase(surface) for surface in surfaces]
    if not any(stated):
        return []
    link = cache(link)  # an article repeats its names ("Iran", "the government"): look each up once
    by_surface: dict[str, str] = {}
    linked: dict[str, Counter[str]] = {}
    for mention, surface, phrase in zip(mentions, surfaces, stated):
        by_surface.setdefault(normalize_surface(surface), mention.actor)
        code = link(surface) if phrase is None else None  # a sponsored mention is never its sponsor's
        if code is not None:
            linked.setdefault(code, Counter())[mention.actor] += 1
    # an actor's own code first, else the actor most of whose mentions link there ("Belgrade-backed": Serbia,
    # named three times, not its president, named once); ties: the one mentioned first
    by_code = {code: counts.most_common(1)[0][0] for code, counts in linked.items()}
    by_code |= {actor.code: actor.id for actor in article.actors if actor.code}
    found: dict[tuple[str, str], Stance] = {}
    for mention, phrase in zip(mentions, stated):
        if phrase is None or mention.actor == AUTHOR:
            continue
        words, sponsor_holds = phrase
        code = link(words)
        sponsor = (by_code.get(code) if code is not None else None) or by_surface.get(normalize_surface(words))
        if sponsor is None or sponsor in (mention.actor, AUTHOR):
            continue
        pair = (sponsor, mention.actor) if sponsor_holds else (mention.actor, sponsor)
        if pair in decided or pair in found:
            continue
        score = 1.0 if mention.score is None else mention.score
        found[pair] = Stance(holder=pair[0], target=pair[1], label=SUPPORT, evidence=[Span(start=mention.start, end=mention.end)], score=score)
    return list(found.values())
