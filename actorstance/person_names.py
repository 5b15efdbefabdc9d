"""One node per person across an archive: "Biden", "President Biden" and "Joe Biden" are one actor.

Within an article the grouping joins a surname to its person ("Safadi" after "Ayman Safadi"). Across
articles the network keys an actor by its dictionary code, else its normalised name, so an article
that only writes "Biden", "Mr Sunak" or "Prime Minister Rishi Sunak" made a node of its own beside
"Joe Biden" (``USA:Joe Biden``) and "Rishi Sunak". `person_merges` finds those variants over the
whole archive:

1. A name less its leading titles (`titles.bare_name`: "Prime Minister Rishi Sunak" -> "Rishi Sunak") that
   is another node's full name is that node.
2. A lone surname ("Biden", "Mr Sunak") is the one person of the archive whose name of two or three
   capitalised words ends in it, when there is exactly one. A node is a person when the dictionary
   links it to a leader, when its first name begins a leader's name in the dictionary ("Joe",
   "Yevgeny"), or when the archive writes its surname after a title ("Mr Sunak", "President Biden").
   A surname is never a given name itself ("Charles"), a word any of its articles writes in lower
   case or after "the" ("the North", "brown"), a common noun the dictionary knows ("King"), nor a
   word that stands beside another name in most of its mentions ("Times" of "Financial Times"):
   `SurnameEvidence`.

Two persons sharing a surname ("Vitali Klitschko", "Wladimir Klitschko") leave it alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .aliases import normalize_surface
from .schema import Actor, Article
from .text import inside_any
from .titles import PERSON_TITLES, TITLE_MODIFIERS, bare_name

__all__ = ["NodeName", "SurnameEvidence", "could_be_surname", "person_merges"]

_TITLE_WORDS = PERSON_TITLES | TITLE_MODIFIERS


@dataclass
class SurnameEvidence:
    """How a one-word name is written where it names an actor: in lower case or after "the" in one of
    its articles ("brown", "the North"), and the capitalised word beside each mention outside headlines
    (where every word is capitalised), if any, a title aside: "Times" of "Financial Times", "North" of
    "North Korea", but also "Trump" of a "Donald Trump" the tagger cut, which `person_merges` forgives
    when the word is the person's first name."""

    common: bool = False
    mentions: int = 0
    beside: Counter[str] = field(default_factory=Counter)

    def add(self, word: str, article: Article, actor: Actor, headlines: Callable[[], list[tuple[int, int]]]) -> None:
        """Count ``actor``'s mentions in ``article``, whose name less its titles is ``word``
        (``headlines()``: the article's `text.headline_spans`, asked for only when a mention has a
        capitalised neighbour, since it costs a pass over the article)."""
        text = article.text
        self.common = self.common or re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", text) is not None
        for mention in article.mentions:
            if mention.actor != actor.id:
                continue
            before = _WORD_BEFORE.search(text, max(mention.start - _NEIGHBOUR_REACH, 0), mention.start)
            after = _WORD_AFTER.match(text, mention.end)
            if text[mention.start : mention.end].casefold().startswith("the ") or (before and before.group(1).casefold() == "the"):
                self.common = True
            self.mentions += 1
            neighbour = next((match.group(1) for match in (before, after) if match and _is_name_word(match.group(1))), None)
            if neighbour is not None and not inside_any(headlines(), mention.start, mention.end):
                self.beside[neighbour.casefold()] += 1

    def absorb(self, other: SurnameEvidence) -> None:
        self.common = self.common or other.common
        self.mentions += other.mentions
        self.beside.update(other.beside)

    def lone_surname_of(self, first_name: str) -> bool:
        """Whether the name stands alone as the surname of a person called ``first_name`` in most of its mentions."""
        beside_other_names = sum(count for word, count in self.beside.items() if word != first_name)
        return not self.common and 2 * beside_other_names < self.mentions


_NEIGHBOUR_REACH = 64  # characters looked back for the word before a mention
_WORD_BEFORE = re.compile(r"(?<![^\s\"“‘(])([^\W\d_][\w\-]*) $")
_WORD_AFTER = re.compile(r" ([^\W\d_][\w\-]*)")


def could_be_surname(name: str) -> bool:
    """A single capitalised word that is no acronym ("Biden", not "NATO", "army" or "Joe Biden")."""
    return " " not in name and len(name) > 1 and name[:1].isupper() and not name.isupper()


def _is_name_word(word: str) -> bool:
    """A capitalised word other than a title ("Then-President" is one)."""
    return word[:1].isupper() and word.casefold().split("-")[-1] not in _TITLE_WORDS


@dataclass(frozen=True)
class NodeName:
    """What the network knows of a node for `person_merges`."""

    key: str
    name: str  # its most frequent name
    articles: int
    linked_person: bool  # the dictionary links it to a leader (code "USA:Joe Biden")
    surname: SurnameEvidence | None = None  # for a one-word name less its titles


def _words(name: str) -> tuple[str, ...]:
    return tuple(normalize_surface(name).split())


def _full_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 3 and all(word[:1].isupper() for word in words)


def person_merges(nodes: Iterable[NodeName], dictionary) -> dict[str, str]:
    """Node key -> the key of the node it is a variant of (module docstring), for the nodes that are one."""
    nodes = list(nodes)
    bare = {node.key: bare_name(node.name) for node in nodes}
    merges: dict[str, str] = {}
    # 1. One full name, with or without titles, is one node: the linked one, else the most written.
    full_names: dict[tuple[str, ...], list[NodeName]] = {}
    for node in nodes:
        if _full_name(bare[node.key][0]):
            full_names.setdefault(_words(bare[node.key][0]), []).append(node)
    by_surname: dict[str, list[tuple[tuple[str, ...], NodeName]]] = {}
    for words, group in full_names.items():
        if sum(node.linked_person for node in group) > 1:
            continue  # two leaders of one name: leave them be
        target = min(group, key=lambda node: (not node.linked_person, -node.articles, node.key))
        merges.update({node.key: target.key for node in group if node is not target})
        by_surname.setdefault(words[-1], []).append((words, target))
    # 2. A lone surname is the archive's one full name ending in it, if that is a person's.
    titled = {_words(name)[0] for name, was_titled in bare.values() if was_titled and len(name.split()) == 1}
    for node in nodes:
        name = bare[node.key][0]
        if node.linked_person or node.surname is None or not could_be_surname(name):
            continue
        (surname,) = _words(name) or ("",)
        candidates = by_surname.get(surname, [])
        if len(candidates) != 1 or dictionary.is_given_name(surname) or dictionary.agent(surname):
            continue  # no full name ends in it, or two do ("Vitali Klitschko", "Wladimir Klitschko")
        ((words, target),) = candidates
        person = target.linked_person or dictionary.is_given_name(words[0]) or surname in titled
        if person and node.surname.lone_surname_of(words[0]):
            merges[node.key] = target.key
    return merges
