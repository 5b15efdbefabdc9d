"""Mentions into actors, the way the annotation guidelines group them (docs/annotation.md, section 2).

1. **Names link to the actor dictionary** (`actor_dictionary`): "Jordan", "Jordanian", "Amman" and
   "the Hashemite Kingdom" are all ``JOR``; a state's armed forces are a separate actor, keyed by the
   mention's role ("Russian troops" tagged MIL -> ``RUS_MIL``; an army noun makes it MIL whatever
   the tagger says: "the Jordanian army" -> ``JOR_MIL``). The key doubles as the actor's ``code``,
   the same in every article. A name inside a hyphenated modifier makes no name ("a US-backed rebel
   group" is a nominal).
2. **Names the dictionary lacks** go through the alias table learnt from the training split, then
   group by their normalised surface.
3. **Short forms of a name** join it: "Radaa" and "the Radaa Special Deterrence Force", "Dbeibah" and
   "Abdul Hamid Dbeibah", "SSA" and "the Stability Support Apparatus" (same side; the words of one are
   the first or last words of the other, or its initials). A surname joins its person whatever the
   tagger's role for each ("Safadi" after "Ayman Safadi").
4. **Nominals and metonyms** ("the kingdom", "the regime", "its forces", "the militants", "the
   channel") join a named actor of the same role in the article, else of the same side (REB, MILITIA
   and TERROR are one side: "the group" after "Al-Shabaab"): the only one, else the one mentioned
   nearest before (else after). For roles whose bare nominals usually denote a group of their own
   (CIV, MEDIA, POL: "residents", "witnesses", "journalists") only a definite singular one refers
   back ("the company", "the party", "its leader").
5. **Unsure unnamed actors are dropped**: an actor with no name whose most confident mention is
   below ``actors.min_unnamed_confidence`` ("a displaced mother" at 0.6) is mostly a group the
   guidelines do not annotate; the floor was chosen on the validation split (README, "Actors").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .aliases import normalize_surface, unique_actor_id
from .schema import Actor, Article, Mention

__all__ = ["TaggedSpan", "resolve_actors", "article_date", "NOMINAL_ROLES"]

NOMINAL_ROLES = frozenset({"GOV", "MIL", "REB", "MILITIA", "TERROR", "IGO"})
"""Roles whose unnamed mentions ("the regime", "the troops") refer back to a named actor of the article."""

_LEADING_THE = re.compile(r"^(?i:the)\s+")
_WORD = re.compile(r"[\w-]+")
_DEFINITE = re.compile(r"^(?i:the|its|their|his|her|our|my)\s+\S")


@dataclass(frozen=True)
class TaggedSpan:
    """A mention found by the tagger (or given): character span, role and confidence."""

    start: int
    end: int
    role: str
    confidence: float = 1.0


@dataclass
class _Group:
    key: str
    name: str
    code: str | None
    named: bool
    members: list[TaggedSpan] = field(default_factory=list)


def article_date(article: Article) -> datetime.date | None:
    """``meta.date`` (ISO 8601, a date or a timestamp) as a date, for dated dictionary roles; None if absent or unreadable."""
    value = (article.meta or {}).get("date")
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _written_words(text: str) -> frozenset[str]:
    """Every word of ``text`` as written (a run of word characters and hyphens), for `_is_name`."""
    return frozenset(_WORD.findall(text))


def _is_name(text: str, span: TaggedSpan, dictionary, written: frozenset[str]) -> bool:
    """A name has a capitalised word (or a digit) after any leading "the". A sentence's first word is
    capitalised anyway: it counts only when the text never writes it in lower case and the dictionary
    does not know it as a common noun (`_is_common_noun`: "Residents fled" is no name, "Iran denied" is)."""
    surface = text[span.start : span.end]
    stripped = _LEADING_THE.sub("", surface)
    words = stripped.split()
    before = text[: span.start + len(surface) - len(stripped)].rstrip(" \t\"“‘'(")
    starts_sentence = not before or before.endswith((".", "!", "?", "\n", ":"))
    for position, word in enumerate(words):
        if not (word[:1].isupper() or any(c.isdigit() for c in word)) or _is_compound_modifier(word):
            continue
        if position > 0 or not starts_sentence or not _is_common_noun(word, text, dictionary, written):
            return True
    return False


def _is_compound_modifier(word: str) -> bool:
    """A name inside a hyphenated modifier ("US-backed", "Iran-led") describes the noun; it does not name it."""
    parts = word.split("-")
    return len(parts) > 1 and parts[-1][:1].islower() and parts[-1].isalpha()


def _is_common_noun(word: str, text: str, dictionary, written: frozenset[str]) -> bool:
    """``text`` writes ``word`` in lower case somewhere, or the dictionary knows it as an agent noun
    ("army"). ``written`` is `_written_words` of ``text``, computed once per article rather than
    searched per word."""
    lower = word.lower()
    if _WORD.fullmatch(lower):
        in_lower_case = lower in written
    else:  # a word with punctuation ("U.S."): look for it as written
        in_lower_case = re.search(rf"(?<![\w-]){re.escape(lower)}(?![\w-])", text) is not None
    return in_lower_case or (dictionary is not None and dictionary.agent(word) is not None)


def _display(surface: str) -> str:
    return _LEADING_THE.sub("", surface)


def _dictionary_key(dictionary, surface: str, role: str, when: datetime.date | None) -> tuple[str, str, str] | None:
    """(key, code, name) of a mention the dictionary links, the role splitting a state's forces off."""
    if dictionary is None:
        return None
    from .actor_dictionary import actor_key

    link = dictionary.link(surface, when)
    if link is None:
        return None
    if link.kind == "country":
        role = "MIL" if link.agent == "MIL" else role  # "the Jordanian army" is the forces, whatever the tagger says
        code = link.code if role == "GOV" else f"{link.code}_{role}"
        name = link.name if role == "GOV" else f"{link.name} ({role})"
        return code, code, name
    key = actor_key(link)
    return key, key, link.name


def resolve_actors(
    text: str,
    spans: Sequence[TaggedSpan],
    aliases: dict[str, str] | None = None,
    dictionary=None,
    when: datetime.date | None = None,
    resolve_nominals: bool = True,
    min_unnamed_confidence: float = 0.0,
) -> tuple[list[Mention], list[Actor]]:
    """Group tagged spans into actors; returns the mentions (by start) and the actors (by first mention).

    ``aliases``: normalised surface -> canonical name (the run's alias table); ``dictionary``: an
    `actor_dictionary.ActorDictionary` (None: no linking); ``when``: the article's date, for dated
    dictionary roles; ``resolve_nominals=False`` keeps steps 3 and 4 out (each nominal or short form
    groups only with the same normalised surface); ``min_unnamed_confidence``: an actor without a
    name whose most confident mention scores below it is dropped (step 5).
    """
    aliases = aliases or {}
    groups: dict[str, _Group] = {}
    nominals: list[TaggedSpan] = []
    assignment: dict[TaggedSpan, str] = {}
    written = _written_words(text)
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        surface = text[span.start : span.end]
        named = _is_name(text, span, dictionary, written)
        found = _dictionary_key(dictionary, surface, span.role, when) if named else None
        if found is None and named:
            canonical = aliases.get(normalize_surface(surface))
            if canonical:
                found = _dictionary_key(dictionary, canonical, span.role, when) or (
                    "name:" + normalize_surface(canonical), None, canonical
                )
            else:
                found = ("name:" + normalize_surface(surface), None, _display(surface))
        if found is None:
            if resolve_nominals and (span.role in NOMINAL_ROLES or _refers_back(surface)):
                nominals.append(span)
                continue
            found = ("nominal:" + span.role + ":" + normalize_surface(surface), None, _display(surface))
        key, code, name = found
        group = groups.setdefault(key, _Group(key, name, code, named))
        group.members.append(span)
        assignment[span] = key
    if resolve_nominals:
        _merge_short_forms(groups, assignment, lambda word: _is_common_noun(word, text, dictionary, written))
    for span in nominals:
        surface = text[span.start : span.end]
        possessor = _possessor(surface, span, groups, assignment, dictionary, when)
        if possessor is not None:
            key, code, name = possessor
            group = groups.setdefault(key, _Group(key, name, code, True))
            group.members.append(span)
            assignment[span] = key
            continue
        fallback = "unnamed:" + span.role if span.role in _STATE_ROLES else "nominal:" + span.role + ":" + normalize_surface(surface)
        key = _antecedent(span, groups, assignment) or fallback
        group = groups.setdefault(key, _Group(key, _display(surface), None, False))
        group.members.append(span)
        assignment[span] = key
    kept = [group for group in groups.values() if group.named or max(m.confidence for m in group.members) >= min_unnamed_confidence]
    return _records(text, kept)


def _refers_back(surface: str) -> bool:
    """A definite singular nominal ("the company", "its president") rather than a generic plural ("residents")."""
    return bool(_DEFINITE.match(surface)) and not surface.rstrip().endswith("s")


def _short_form_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short`` is the first or last words of ``long``, or its initials ("ssa", "stability support apparatus")."""
    initials = "".join(word[0] for word in long if word not in _SMALL_WORDS)
    if len(short) == 1 and len(long) > 1 and short[0] == initials:
        return True
    return 0 < len(short) < len(long) and (long[: len(short)] == short or long[-len(short) :] == short)


def _surname_of(short: str, long: str, common) -> bool:
    """``short`` is one word, no common noun (``common(word)``), and the last word of ``long``, a name
    of two or three capitalised words ("Safadi", "Ayman Safadi"; not "Army", "Kachin Army")."""
    words = long.split()
    return (
        len(short.split()) == 1 and not common(short) and 2 <= len(words) <= 3
        and all(word[:1].isupper() for word in words) and words[-1] == short
    )  # fmt: skip


_SMALL_WORDS = frozenset({"of", "the", "for", "and", "in", "de", "du", "des", "la", "al"})


def _merge_short_forms(groups: dict[str, _Group], assignment: dict[TaggedSpan, str], common) -> None:
    """Merge unlinked named groups into a longer named group that they abbreviate: one of the same
    side (`_same_side`), or of any role when the short form is a person's surname ("Safadi" after
    "Ayman Safadi": the tagger's role for a person wavers, the name does not)."""
    names = {key: tuple(normalize_surface(group.name).replace("-", " ").split()) for key, group in groups.items() if group.named}
    for key in sorted(names, key=lambda k: len(names[k])):
        group = groups[key]
        if group.code is not None:
            continue
        role = _role(group)
        longer = [
            other for other in names
            if other != key and other in groups and _short_form_of(names[key], names[other])
            and (_same_side(_role(groups[other]), role) or _surname_of(group.name, groups[other].name, common))
        ]  # fmt: skip
        if len(longer) != 1:
            continue
        target = groups[longer[0]]
        target.members.extend(group.members)
        for member in group.members:
            assignment[member] = target.key
        del groups[key]


_STATE_ROLES = frozenset({"GOV", "MIL"})
"""Without a named antecedent, an article's unnamed government voices ("the government", "officials",
"the ministry") are one state actor, and its unnamed forces ("the army", "troops") one force."""

_POSSESSED = re.compile(r"^(?:(?i:its|their)|(?P<owner>.+?)[’']s)\s+\S")


def _possessor(surface, span, groups, assignment, dictionary, when) -> tuple[str, str, str] | None:
    """A state's forces named through their state ("the kingdom's forces", "its troops", "Jordan's army"):
    the state's code with the role ("JOR_MIL"), the state being a linked name or the nearest linked
    GOV actor before the mention."""
    match = _POSSESSED.match(surface)
    if match is None or span.role == "GOV":
        return None
    owner = match.group("owner")
    linked = _dictionary_key(dictionary, owner, span.role, when) if owner else None
    if linked is not None:
        return linked
    states = [(other.start, groups[key]) for other, key in assignment.items()
              if other.start < span.start and groups[key].code and _role(groups[key]) == "GOV"]  # fmt: skip
    if not states:
        return None
    state = max(states, key=lambda item: item[0])[1]
    code = f"{state.code}_{span.role}"
    return code, code, f"{state.name} ({span.role})"


def _antecedent(span: TaggedSpan, groups: dict[str, _Group], assignment: dict[TaggedSpan, str]) -> str | None:
    """The named group a nominal refers to, of its role or else of its `_same_side` family: the only
    one, else the nearest before, else after."""
    named = {key: _role(group) for key, group in groups.items() if group.named}
    compatible = {key for key, role in named.items() if role == span.role}
    compatible = compatible or {key for key, role in named.items() if _same_side(role, span.role)}
    if not compatible:
        return None
    if len(compatible) == 1:
        return next(iter(compatible))
    before = [(other.start, key) for other, key in assignment.items() if key in compatible and other.start < span.start]
    if before:
        return max(before)[1]
    after = [(other.start, key) for other, key in assignment.items() if key in compatible]
    return min(after)[1]


_ARMED_GROUP_ROLES = frozenset({"REB", "MILITIA", "TERROR"})
"""Non-state armed roles: the tagger and the articles themselves swap them for one group ("the
insurgents", "the militia", "the jihadists"), so grouping treats them as one side."""


def _same_side(role: str, other: str) -> bool:
    return role == other or (role in _ARMED_GROUP_ROLES and other in _ARMED_GROUP_ROLES)


def _role(group: _Group) -> str:
    weights: dict[str, float] = {}
    for member in group.members:
        weights[member.role] = weights.get(member.role, 0.0) + member.confidence
    return max(weights, key=weights.get)


def _records(text: str, groups: Sequence[_Group]) -> tuple[list[Mention], list[Actor]]:
    taken: set[str] = set()
    mentions, actors = [], []
    for group in sorted(groups, key=lambda g: min(m.start for m in g.members)):
        actor_id = unique_actor_id(group.code or group.name, taken)
        role = _role(group)
        for member in group.members:
            mentions.append(
                Mention(start=member.start, end=member.end, text=text[member.start : member.end], actor=actor_id,
                        score=round(member.confidence, 4))  # fmt: skip
            )
        confidence = sum(m.confidence for m in group.members if m.role == role) / len(group.members)
        actors.append(Actor(id=actor_id, name=group.name, role=role, score=round(confidence, 4), code=group.code))
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions, actors
