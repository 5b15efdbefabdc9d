"""What a nominal's own words rule out about the actor it refers to (grouping's step 5).

* **A sponsor.** "Iran-backed militias", "the US-led forces", "militias backed by Tehran" and
  "pro-Iranian fighters" name who stands behind them, so they are never that sponsor nor its forces
  (of the 24 annotated mentions whose sponsor the dictionary links, one shares an actor with its
  sponsor's officers), nor any state or state's forces ("pro-Iranian forces" are not "the kingdom's
  forces": no annotated sponsored mention of the training and validation splits, 38, shares an actor
  with another state's names), nor an actor another of whose mentions names a different sponsor
  ("Iran-backed militias" is not the group that is "a US-backed rebel group").
* **A state form.** "The kingdom", "the sultanate", "the Islamic Emirate" are a state whose names in
  the actor dictionary have that word ("Hashemite Kingdom of Jordan", "Sultanate of Oman"), never a
  republic mentioned nearer.

The same words can state a stance: "Iran-backed militias" is Iran's SUPPORT for them, "pro-Iranian
forces" theirs for Iran (`support_phrase`, read by `sponsorship`).

The words are read here; what a sponsor or a state is comes from the caller's dictionary lookups.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .linking import head_noun

__all__ = ["NominalConstraints", "sponsor_phrase", "support_phrase", "state_form"]

_SPONSOR_VERBS = "backed|led|sponsored|supported|aligned|allied|funded|affiliated|linked|armed|trained"
_SPONSORED = re.compile(
    rf"(?<![\w.'’-])(?P<compound>[\w.'’-]+?)-(?P<compound_verb>{_SPONSOR_VERBS})\b"  # "Iran-backed", "al-Qaeda-linked"
    r"|(?<![\w-])[Pp]ro-(?P<pro>[\w.'’-]+)"  # "pro-Iranian"
    rf"|\b(?P<agent_verb>{_SPONSOR_VERBS}) by (?:the )?(?P<agent>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)"  # "backed by Tehran"
)
# The sponsor verbs that state support (docs/annotation.md 6.2: "X-backed Y" is X -> Y SUPPORT); "X-led",
# "X-linked", "X-aligned" name a sponsor without stating a stance
_BACKING_VERBS = frozenset({"backed", "sponsored", "supported", "funded", "armed", "trained"})
_STATE_FORMS = ("kingdom", "emirate", "sultanate", "principality")
_STATE_KINDS = frozenset({"country", "country_forces"})  # `grouping._dictionary_key`'s kinds of a state and its forces


def sponsor_phrase(surface: str) -> str | None:
    """The words naming who backs or leads the nominal ("Iran" of "Iran-backed militias", "Tehran" of
    "militias backed by Tehran", "Iranian" of "pro-Iranian forces"), else None."""
    match = _SPONSORED.search(surface)
    if match is None:
        return None
    return match["compound"] or match["pro"] or match["agent"]


def support_phrase(surface: str) -> tuple[str, bool] | None:
    """The words naming an actor the nominal's own words give a SUPPORT stance with, and whether that
    actor holds it (("Iran", True) of "Iran-backed militias" and ("Tehran", True) of "militias backed by
    Tehran": the sponsor backs them) or is its target (("Iranian", False) of "pro-Iranian forces": they
    back it); None for "the US-led forces", which states no stance (docs/annotation.md 6.2)."""
    for match in _SPONSORED.finditer(surface):
        if match["pro"]:
            return match["pro"], False
        verb = match["compound_verb"] or match["agent_verb"]
        if verb in _BACKING_VERBS:
            return match["compound"] or match["agent"], True
    return None


def state_form(surface: str) -> str | None:
    """The form of state the nominal's head noun names ("kingdom" of "the island kingdom", "emirate"
    of "the Islamic Emirate"), else None."""
    head = head_noun(surface)
    return next((form for form in _STATE_FORMS if head.startswith(form)), None)


class NominalConstraints:
    """Which named groups a nominal may join. ``link`` gives the actor key a name links to (a state's
    code for a country) or None; ``state_words`` the words of a state code's dictionary names; without
    them (grouping without a dictionary) nothing is ruled out. The sponsors each group's mentions name
    are noted as mentions join it (`note`)."""

    def __init__(
        self, link: Callable[[str], str | None] | None = None, state_words: Callable[[str], frozenset[str]] | None = None
    ) -> None:
        self._link, self._state_words = link, state_words
        self._sponsors: dict[str, set[str]] = {}
        self._sponsor_of: dict[str, str | None] = {}
        self._form_of: dict[str, str | None] = {}

    def sponsor(self, surface: str) -> str | None:
        """The linked key of the nominal's sponsor, or None (no sponsor, or one the dictionary lacks)."""
        if self._link is None:
            return None
        if surface not in self._sponsor_of:  # an article repeats its nominals: look each up once
            phrase = sponsor_phrase(surface)
            self._sponsor_of[surface] = self._link(phrase) if phrase else None
        return self._sponsor_of[surface]

    def note(self, key: str, surface: str) -> None:
        """A mention written ``surface`` is (or will be, for an appositive) in the group ``key``."""
        sponsor = self.sponsor(surface)
        if sponsor is not None:
            self._sponsors.setdefault(key, set()).add(sponsor)

    def allows(self, surface: str, key: str, code: str | None, kind: str | None) -> bool:
        """May the nominal written ``surface`` join the group ``key`` (its dictionary ``code`` and ``kind``)?"""
        sponsor = self.sponsor(surface)
        if sponsor is not None:
            if kind in _STATE_KINDS or (code is not None and (code == sponsor or code.startswith(sponsor + "_"))):
                return False
            if self._sponsors.get(key, set()) - {sponsor}:
                return False
        if self._state_words is None:
            return True
        if surface not in self._form_of:  # asked once per named group: read each surface once
            self._form_of[surface] = state_form(surface)
        form = self._form_of[surface]
        if form is not None:
            return kind == "country" and code is not None and any(word.startswith(form) for word in self._state_words(code))
        return True
