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
   tagger's role for each ("Safadi" after "Ayman Safadi"), and so does a name followed by lower-case
   words ("CODECO" and "the CODECO armed group") and any proper name's short form ("Radaa" and "the
   Radaa Special Deterrence Force"). A name the dictionary lacks joins the
   linked actor of the article it is built on: "Yemen's Houthi movement" the Houthis, "the Afghan
   Taliban" AFG, "the Government of Iraq" IRQ, "Tehreek-e-Taliban Pakistan" the group of "TTP" (its
   initials); never a person ("the Maduro government") nor an institution of a state ("the Central
   Bank of Yemen").
4. **Appositives** join the name they describe: "TotalEnergies, the French energy group", "the
   country's largest labour federation, the National Workers' Union", "Zhanna Avanesyan, a retired
   teacher", "the Inter-Services Public Relations directorate (ISPR)": two mentions with only a comma,
   a dash or an opening parenthesis between them, one of them a description (an article, then a
   lower-case head noun), whatever the roles the tagger gave them. A description followed by "and" or
   "or" is a list item instead ("Mali's army, the police and ...").
5. **Nominals and metonyms** ("the kingdom", "the regime", "its forces", "the militants", "the
   channel") join a named actor of the same role in the article, else of the same side (REB, MILITIA
   and TERROR are one side: "the group" after "Al-Shabaab"): the only one, else the one mentioned
   nearest before (else after). For roles whose bare nominals usually denote a group of their own
   (CIV, MEDIA, POL: "residents", "witnesses", "journalists") only a definite singular one refers
   back ("the company", "the party", "its leader"). With a run's learned linker
   (`linking.MentionLinker`, ``linker.json``) the named actor is the one it finds likeliest
   instead ("the government" goes to the state, not to the agency quoted before it), and a nominal
   no candidate is likely enough for stays an actor of its own. Either way a nominal never joins what
   its own words rule out (`nominals`): "Iran-backed militias" is not Iran nor the actor that is "a
   US-backed rebel group" (the nominals one sponsor backs are one actor when no named one is left),
   and "the kingdom" is a state whose dictionary names say kingdom.
6. **Unsure unnamed actors are dropped**: an actor with no name whose most confident mention is
   below ``actors.min_unnamed_confidence`` ("a displaced mother" at 0.6) is mostly a group the
   guidelines do not annotate; the floor was chosen on the validation split (README, "Actors"). One
   that names its sponsor ("Iran-backed militias", "pro-Iranian forces") stays whatever its score. With
   ``unsure_link_threshold`` such a nominal first gets a second chance in step 5: it joins its
   likeliest named actor at that lower linker probability.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .aliases import normalize_surface, unique_actor_id
from .linking import Candidate, LinkingExample, MentionLinker, candidate_kind, fit_linker, up_to_head
from .nominals import NominalConstraints, sponsor_phrase
from .schema import Actor, Article, Mention
from .text import sentence_index, sentence_spans

__all__ = ["TaggedSpan", "resolve_actors", "sponsor_key", "linking_examples", "fit_mention_linker", "article_date", "NOMINAL_ROLES"]

NOMINAL_ROLES = frozenset({"GOV", "MIL", "REB", "MILITIA", "TERROR", "IGO"})
"""Roles whose unnamed mentions ("the regime", "the troops") refer back to a named actor of the article."""

_LEADING_THE = re.compile(r"^(?i:the)\s+")
_WORD = re.compile(r"[\w-]+")
_DEFINITE = re.compile(r"^(?i:the|its|their|his|her|our|my)\s+\S")
_APPOSITION_GAP = re.compile(r"\s*(?:,|\(|—|–|--)\s*")
_DESCRIPTION = re.compile(r"^(?i:the|an?)\s+(?P<words>[^,;()]+)$")
_LIST_GOES_ON = re.compile(r"^\s*,?\s*(?:and|or)\s")


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
    kind: str | None = None  # the dictionary link's kind (`_dictionary_key`), None for other names
    members: list[TaggedSpan] = field(default_factory=list)  # only ever grows (appended, or extended by a merge)
    role_weights: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # `_role`'s sums so far
    weighed: int = field(default=0, repr=False, compare=False)  # how many members role_weights holds


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


def _dictionary_key(dictionary, surface: str, role: str, when: datetime.date | None) -> tuple[str, str, str, str] | None:
    """(key, code, name, kind) of a mention the dictionary links, the role splitting a state's forces
    off; ``kind``: the link's kind ("country", "organisation", "nonstate", "person"), "country_forces"
    for a state's forces."""
    if dictionary is None:
        return None
    from .actor_dictionary import actor_key

    link = dictionary.link(surface, when)
    if link is None:
        return None
    if link.kind == "country":
        role = "MIL" if link.agent == "MIL" else role  # "the Jordanian army" is the forces, whatever the tagger says
        if role == "GOV":
            return link.code, link.code, link.name, "country"
        code = f"{link.code}_{role}"
        return code, code, f"{link.name} ({role})", "country_forces"
    key = actor_key(link)
    return key, key, link.name, link.kind


def sponsor_key(dictionary, phrase: str, when: datetime.date | None) -> str | None:
    """The actor key the words naming a sponsor link to ("IRN" for "Iran", "Iranian" or "Tehran" of
    "Iran-backed", "pro-Iranian", "backed by Tehran"), else None (also without a ``dictionary``); read as
    a government's name."""
    found = _dictionary_key(dictionary, phrase, "GOV", when)
    return found[0] if found else None


def resolve_actors(
    text: str,
    spans: Sequence[TaggedSpan],
    aliases: dict[str, str] | None = None,
    dictionary=None,
    when: datetime.date | None = None,
    resolve_nominals: bool = True,
    min_unnamed_confidence: float = 0.0,
    appositions: bool = True,
    named_heads: bool = True,
    linker: MentionLinker | None = None,
    link_threshold: float = 0.2,
    nominal_constraints: bool = True,
    unsure_link_threshold: float | None = None,
) -> tuple[list[Mention], list[Actor]]:
    """Group tagged spans into actors; returns the mentions (by start) and the actors (by first mention).

    ``aliases``: normalised surface -> canonical name (the run's alias table); ``dictionary``: an
    `actor_dictionary.ActorDictionary` (None: no linking); ``when``: the article's date, for dated
    dictionary roles; ``resolve_nominals=False`` keeps steps 3 and 5 out (each nominal or short form
    groups only with the same normalised surface); ``appositions=False`` keeps step 4 out;
    ``named_heads=False`` keeps the names built on another actor's name apart (the end of step 3);
    ``linker``: a fitted `linking.MentionLinker` that picks a nominal's named actor in step 5 instead
    of the nearest-before rule, when one is at least ``link_threshold`` likely (``unsure_link_threshold``, if
    given, for a nominal scored below ``min_unnamed_confidence``: joined to a named actor at that lower
    probability rather than dropped in step 6 as an unsure actor of its own);
    ``min_unnamed_confidence``: an actor without a name whose most confident mention scores below it
    is dropped, unless a mention names its sponsor (step 6); ``nominal_constraints=False`` lets a
    nominal join what its own words rule out (`nominals`: its sponsor, a republic for "the kingdom").
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    described = _appositions(text, ordered) if appositions else {}
    groups, assignment, nominals = _named_groups(
        text, ordered, aliases or {}, dictionary, when, resolve_nominals, described, resolve_nominals and named_heads
    )

    def choose(span: TaggedSpan, surface: str, view: _CandidateView, allowed: set[str]) -> str | None:
        if linker is None:
            return _antecedent(span, groups, assignment, allowed)
        candidates = [candidate for candidate in view.candidates() if candidate.key in allowed]
        unsure = unsure_link_threshold is not None and span.confidence < min_unnamed_confidence
        threshold = unsure_link_threshold if unsure else link_threshold
        return linker.choose(surface, span.role, span.start, view.sentence_of(span), candidates, threshold)

    constraints = _nominal_constraints(text, groups, assignment, described, dictionary if nominal_constraints else None, when)
    _join_nominals(text, nominals, groups, assignment, dictionary, when, choose, constraints)
    for description in described:
        anchor = _anchor(description, described)
        groups[assignment[anchor]].members.append(description)
        assignment[description] = assignment[anchor]
    kept = [group for group in groups.values() if group.named or _sure_unnamed(text, group, min_unnamed_confidence)]
    return _records(text, kept)


def _sure_unnamed(text: str, group: _Group, floor: float) -> bool:
    """Whether an actor without a name stays (step 6): its most confident mention reaches ``floor``, or
    one of its mentions names its sponsor ("Iran-backed militias", "the government-backed peace
    committee"): such a phrase picks out one side of the conflict, and the annotation marks nearly
    every one of them as an actor."""
    if max(m.confidence for m in group.members) >= floor:
        return True
    return any(sponsor_phrase(text[m.start : m.end]) is not None for m in group.members)


def linking_examples(
    article: Article, aliases: dict[str, str] | None = None, dictionary=None, nominal_constraints: bool = True
) -> list[LinkingExample]:
    """The linker's training data from one annotated article: each nominal that step 5 would link, with
    the named groups steps 1-4 make of the gold mentions (gold roles) and the one holding most of the
    nominal's gold actor (None: no named group does). Earlier nominals join their right group
    (teacher forcing), so later ones see the groups a perfect linker would have built."""
    roles = {actor.id: actor.role for actor in article.actors}
    gold_actor = {TaggedSpan(m.start, m.end, roles[m.actor]): m.actor for m in article.mentions}
    ordered = sorted(gold_actor, key=lambda s: (s.start, s.end))
    text, when = article.text, article_date(article)
    described = _appositions(text, ordered)
    groups, assignment, nominals = _named_groups(text, ordered, aliases or {}, dictionary, when, True, described, True)
    examples = []

    def answer(span: TaggedSpan, surface: str, view: _CandidateView, allowed: set[str]) -> str | None:
        candidates = [candidate for candidate in view.candidates() if candidate.key in allowed]
        shares = {c.key: sum(gold_actor[m] == gold_actor[span] for m in groups[c.key].members) for c in candidates}
        right = max(shares, key=shares.get) if shares and max(shares.values()) > 0 else None
        examples.append(LinkingExample(surface, span.role, span.start, view.sentence_of(span), tuple(candidates), right))
        return right

    constraints = _nominal_constraints(text, groups, assignment, described, dictionary if nominal_constraints else None, when)
    _join_nominals(text, nominals, groups, assignment, dictionary, when, answer, constraints)
    return examples


def fit_mention_linker(
    articles: Sequence[Article], aliases: dict[str, str] | None = None, dictionary=None, nominal_constraints: bool = True
) -> MentionLinker:
    """The linker of step 5, fitted on annotated articles (the `linking_examples` of each)."""
    examples = [example for article in articles for example in linking_examples(article, aliases, dictionary, nominal_constraints)]
    linker = fit_linker(examples)
    linker.fitted_on["articles"] = len(articles)
    return linker


def _join_nominals(text, nominals, groups, assignment, dictionary, when, choose, constraints: NominalConstraints) -> None:
    """Step 5: each nominal, in text order, joins its possessor's forces ("its troops"), else the named
    group ``choose(span, surface, view, allowed)`` returns (a key of ``allowed``, the named groups the
    nominal's own words leave open, `nominals`; or None: `_fallback`). ``view`` shows the named groups
    as the linker sees them, up to date with the nominals joined so far."""
    view = _CandidateView(text, groups)
    for span in nominals:
        surface = text[span.start : span.end]
        found = _possessor(surface, span, groups, assignment, dictionary, when, constraints)
        named = found is not None
        if found is None:
            allowed = {key for key, group in groups.items() if group.named and constraints.allows(surface, key, group.code, group.kind)}
            key = choose(span, surface, view, allowed)
            found = (key, None, _display(surface), None) if key else _fallback(surface, span, constraints.sponsor(surface))
        _add(groups, assignment, span, found, named)
        constraints.note(found[0], surface)
        view.joined(found[0], span)


def _nominal_constraints(text, groups, assignment, described, dictionary, when) -> NominalConstraints:
    """Step 5's `NominalConstraints`, knowing the sponsors that the named groups' mentions and the
    appositives describing them name ("Magawir al-Thawra, a US-backed rebel group")."""
    if dictionary is None:
        return NominalConstraints()
    constraints = NominalConstraints(lambda phrase: sponsor_key(dictionary, phrase, when), dictionary.state_words)
    for span, key in assignment.items():
        constraints.note(key, text[span.start : span.end])
    for description in described:
        anchor = _anchor(description, described)
        if anchor in assignment:
            constraints.note(assignment[anchor], text[description.start : description.end])
    return constraints


def _anchor(description: TaggedSpan, described: dict[TaggedSpan, TaggedSpan]) -> TaggedSpan:
    """The mention an appositive describes, through a chain of appositives."""
    while description in described:
        description = described[description]
    return description


def _named_groups(
    text: str,
    ordered: Sequence[TaggedSpan],
    aliases: dict[str, str],
    dictionary,
    when: datetime.date | None,
    resolve_nominals: bool,
    described: dict[TaggedSpan, TaggedSpan],
    named_heads: bool,
) -> tuple[dict[str, _Group], dict[TaggedSpan, str], list[TaggedSpan]]:
    """Steps 1-3: the groups of names (and of nominals left to themselves), each span's group key, and
    the nominals left for step 5, in text order; appositive descriptions are left out (step 4)."""
    groups: dict[str, _Group] = {}
    assignment: dict[TaggedSpan, str] = {}
    nominals: list[TaggedSpan] = []
    written = _written_words(text)
    for span in ordered:
        if span in described:
            continue
        surface = text[span.start : span.end]
        named = _is_name(text, span, dictionary, written)
        found = _dictionary_key(dictionary, surface, span.role, when) if named else None
        if found is None and named:
            canonical = aliases.get(normalize_surface(surface))
            if canonical:
                found = _dictionary_key(dictionary, canonical, span.role, when) or (
                    "name:" + normalize_surface(canonical), None, canonical, None
                )
            else:
                found = ("name:" + normalize_surface(surface), None, _display(surface), None)
        if found is None:
            if resolve_nominals and (span.role in NOMINAL_ROLES or _refers_back(surface)):
                nominals.append(span)
                continue
            found = ("nominal:" + span.role + ":" + normalize_surface(surface), None, _display(surface), None)
        _add(groups, assignment, span, found, named)
    if resolve_nominals:
        _merge_short_forms(groups, assignment, lambda word: _is_common_noun(word, text, dictionary, written))
    if named_heads:
        _merge_named_heads(text, groups, assignment, dictionary, when)
    return groups, assignment, nominals


def _add(groups: dict[str, _Group], assignment: dict[TaggedSpan, str], span: TaggedSpan, found: tuple, named: bool) -> None:
    """Put ``span`` in the group ``found`` = (key, code, name, kind) names, creating it if new."""
    key, code, name, kind = found
    group = groups.setdefault(key, _Group(key, name, code, named, kind))
    group.members.append(span)
    assignment[span] = key


def _fallback(surface: str, span: TaggedSpan, sponsor: str | None = None) -> tuple[str, None, str, None]:
    """The group of a nominal with no named actor to join: the article's one group of the armed
    actors its ``sponsor`` backs ("Iran-backed militias", "pro-Iranian forces"), else its one unnamed
    state or force, else its own surface."""
    if sponsor is not None:
        side = "armed" if span.role in _ARMED_GROUP_ROLES or span.role == "MIL" else span.role
        key = f"sponsored:{sponsor}:{side}"
    elif span.role in _STATE_ROLES:
        key = "unnamed:" + span.role
    else:
        key = "nominal:" + span.role + ":" + normalize_surface(surface)
    return key, None, _display(surface), None


class _CandidateView:
    """The named groups as the linker sees them (`linking.Candidate`), updated as nominals join them:
    each nominal then costs a few operations per group, not a pass over every mention so far (an
    article with thousands of "the government" stays linear). Sentences are found only if asked for:
    the nearest-before rule needs none of this."""

    def __init__(self, text: str, groups: dict[str, _Group]) -> None:
        self.text, self.groups = text, groups
        self._built: dict[str, Candidate] = {}

    @cached_property
    def _sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.text)

    def sentence_of(self, span: TaggedSpan) -> int:
        return sentence_index(self._sentences, span.start)

    def candidates(self) -> list[Candidate]:
        for key, group in self.groups.items():
            if group.named and key not in self._built:
                members = sorted((m.start, self.sentence_of(m)) for m in group.members)
                words = frozenset(word for m in group.members for word in self._words(m))
                self._built[key] = Candidate(key, _role(group), candidate_kind(group.name, group.kind), words, tuple(members))
        return [self._built[key] for key, group in self.groups.items() if group.named]

    def joined(self, key: str, span: TaggedSpan) -> None:
        """``span`` was just added to the group ``key``."""
        old = self._built.get(key)
        if old is not None:
            mentions = list(old.mentions)
            bisect.insort(mentions, (span.start, self.sentence_of(span)))
            role = _role(self.groups[key])
            self._built[key] = Candidate(key, role, old.kind, old.words | self._words(span), tuple(mentions))

    def _words(self, span: TaggedSpan) -> frozenset[str]:
        return frozenset(word.lower() for word in _WORD.findall(self.text[span.start : span.end]))


def _is_description(surface: str) -> bool:
    """An article, then words whose head noun is lower case: "the French energy group", "a retired
    teacher from Martuni" describe; "the European Union" names."""
    match = _DESCRIPTION.match(surface.strip())
    if match is None:
        return False
    head = up_to_head(match["words"]).split()
    return bool(head) and head[-1][:1].islower()


def _appositions(text: str, ordered: Sequence[TaggedSpan]) -> dict[TaggedSpan, TaggedSpan]:
    """Each appositive mention -> the neighbouring mention it describes (step 4). ``ordered``: by start."""
    found: dict[TaggedSpan, TaggedSpan] = {}
    for first, second in zip(ordered, ordered[1:]):
        gap = text[first.end : second.start]
        if first in found or not _APPOSITION_GAP.fullmatch(gap) or _LIST_GOES_ON.match(text[second.end :]):
            continue
        first_describes = _is_description(text[first.start : first.end])
        second_describes = _is_description(text[second.start : second.end])
        acronym = "(" in gap and text[second.end : second.end + 1] == ")" and len(text[second.start : second.end].split()) == 1
        if second_describes and not first_describes or acronym:
            found[second] = first
        elif first_describes and not second_describes:
            found[first] = second
    return found


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


def _described_name_of(short: str, long: str) -> bool:
    """``long`` is ``short``, a name in capitalised words, followed by lower-case words only ("CODECO",
    "CODECO armed group"; "Hema", "Hema civilians"; not "Kachin", "Kachin Army")."""
    short_words, long_words = short.replace("-", " ").split(), long.replace("-", " ").split()
    return (
        0 < len(short_words) < len(long_words) and all(word[:1].isupper() for word in short_words)
        and [word.lower() for word in long_words[: len(short_words)]] == [word.lower() for word in short_words]
        and all(word[:1].islower() for word in long_words[len(short_words) :])
    )  # fmt: skip


def _proper_short_form(short: str, long: str, common) -> bool:
    """``short`` is capitalised words none of which is a common noun (``common(word)``) and ``long``
    begins with a capitalised word: two proper names ("Radaa", "Radaa Special Deterrence Force"; not
    "Army", "Kachin Army", nor "Sacred Struggle", "41-year-old spokeswoman for Sacred Struggle")."""
    words = short.split()
    return bool(words) and long[:1].isupper() and all(word[:1].isupper() and not common(word) for word in words)


def _one_name_whatever_the_roles(short: _Group, long: _Group, common) -> bool:
    """A short form that joins its longer name across the tagger's roles: a person's surname
    (`_surname_of`), or, the longer name unlinked, the same name with lower-case words after it
    (`_described_name_of`) or two proper names (`_proper_short_form`)."""
    if _surname_of(short.name, long.name, common):
        return True
    return long.code is None and (_described_name_of(short.name, long.name) or _proper_short_form(short.name, long.name, common))


_SMALL_WORDS = frozenset({"of", "the", "for", "and", "in", "de", "du", "des", "la", "al"})


def _merge_short_forms(groups: dict[str, _Group], assignment: dict[TaggedSpan, str], common) -> None:
    """Merge unlinked named groups into a longer named group that they abbreviate: one of the same
    side (`_same_side`), or of any role when the short form is a person's surname ("Safadi" after
    "Ayman Safadi": the tagger's role for a person wavers, the name does not), when the longer name is
    the short one with lower-case words after it ("CODECO" and "the CODECO armed group", "the Hema"
    and "Hema civilians": the phrase refers to the name, docs/annotation.md 5.2), or when both are
    proper names (`_proper_short_form`: "Radaa" and "the Radaa Special Deterrence Force")."""
    names = {key: tuple(normalize_surface(group.name).replace("-", " ").split()) for key, group in groups.items() if group.named}
    for key in sorted(names, key=lambda k: len(names[k])):
        group = groups[key]
        if group.code is not None:
            continue
        role = _role(group)
        longer = [
            other for other in names
            if other != key and other in groups and _short_form_of(names[key], names[other])
            and (_same_side(_role(groups[other]), role) or _one_name_whatever_the_roles(group, groups[other], common))
        ]  # fmt: skip
        if len(longer) == 1:
            _merge_group(groups, assignment, key, longer[0])


def _merge_group(groups: dict[str, _Group], assignment: dict[TaggedSpan, str], key: str, into: str) -> None:
    """Move the members of group ``key`` into group ``into`` and drop ``key``."""
    groups[into].members.extend(groups[key].members)
    for member in groups[key].members:
        assignment[member] = into
    del groups[key]


def _head_names(surface: str) -> list[str]:
    """The shorter names a longer one is built on: a stretch after capitalised words (a possessor or an
    adjective) and before lower-case ones ("Houthi" of "Yemen's Houthi movement", "Taliban" of "the
    Afghan Taliban"); or the state of "the Government of Iraq", "the Republic of Kazakhstan", "the
    Armed Forces of the Philippines" (a state's own institution named through it), longest first."""
    words = _LEADING_THE.sub("", surface).split()
    institution = _STATE_INSTITUTION.match(" ".join(words))
    if institution:
        return [institution.group("state")]
    capitalised = [index for index, word in enumerate(words) if word[:1].isupper()]
    if not capitalised or any(not words[index][:1].isupper() for index in range(capitalised[-1])):
        return []
    last = capitalised[-1]
    heads = [" ".join(words[first : last + 1]) for first in range(1, last + 1)]
    return [head for head in heads if not head.endswith(("’s", "'s"))]


_STATE_INSTITUTION = re.compile(r"^(?:Federal\s+)?(?:Government|Republic|Kingdom|Armed\s+Forces)\s+of\s+(?:the\s+)?(?P<state>[A-Z][^,;()]*)$")


def _initials(surface: str) -> set[str]:
    """What an acronym of ``surface`` may be: its capitalised words' initials, with and without the
    small words ("TTP" and "TETP" of "Tehreek-e-Taliban Pakistan")."""
    words = [part for word in _LEADING_THE.sub("", surface).split() for part in word.split("-") if part]
    every = "".join(word[0] for word in words).upper()
    big = "".join(word[0] for word in words if word[:1].isupper()).upper()
    return {every, big} if len(words) > 2 else set()


def _merge_named_heads(text: str, groups: dict[str, _Group], assignment: dict[TaggedSpan, str], dictionary, when) -> None:
    """Merge an unlinked name into the linked actor of the article it is built on: "Yemen's Houthi
    movement" into the Houthis' group, "the Afghan Taliban" into AFG, "Tehreek-e-Taliban Pakistan" into
    the group of "TTP" (its initials). Only groups already in the article are joined, so a name is
    never linked to an actor the article does not mention."""
    if dictionary is None:
        return
    acronyms: dict[str, set[str]] = {}
    for key, group in groups.items():
        if group.code is not None:
            for member in group.members:
                for word in text[member.start : member.end].split():
                    if 2 <= len(word) <= 6 and word.isupper() and word.isalpha():
                        acronyms.setdefault(word, set()).add(key)
    for key, group in list(groups.items()):
        if group.code is not None or not group.named:
            continue
        role = _role(group)
        found: set[str] = set()
        for surface in {text[member.start : member.end] for member in group.members}:  # each written form once
            for head in _head_names(surface):
                link = _dictionary_key(dictionary, head, role, when)
                if link is not None and link[0] in groups and link[0] != key and link[3] != "person":
                    found.add(link[0])
                    break
            for initials in _initials(surface):
                found |= acronyms.get(initials, set())
        if len(found) == 1:
            _merge_group(groups, assignment, key, found.pop())


_STATE_ROLES = frozenset({"GOV", "MIL"})
"""Without a named antecedent, an article's unnamed government voices ("the government", "officials",
"the ministry") are one state actor, and its unnamed forces ("the army", "troops") one force."""

_POSSESSED = re.compile(r"^(?:(?i:its|their)|(?P<owner>.+?)[’']s)\s+\S")


def _possessor(surface, span, groups, assignment, dictionary, when, constraints: NominalConstraints) -> tuple[str, str, str, str] | None:
    """A state's forces named through their state ("the kingdom's forces", "its troops", "Jordan's army"):
    the state's code with the role ("JOR_MIL"), the state being a linked name or the nearest linked
    GOV actor before the mention that the possessor's words allow (a monarchy for "the kingdom's")."""
    match = _POSSESSED.match(surface)
    if match is None or span.role == "GOV":
        return None
    owner = match.group("owner")
    linked = _dictionary_key(dictionary, owner, span.role, when) if owner else None
    if linked is not None:
        return linked
    states = [(other.start, groups[key]) for other, key in assignment.items()
              if other.start < span.start and groups[key].code and _role(groups[key]) == "GOV"
              and (owner is None or constraints.allows(owner, key, groups[key].code, groups[key].kind))]  # fmt: skip
    if not states:
        return None
    state = max(states, key=lambda item: item[0])[1]
    code = f"{state.code}_{span.role}"
    return code, code, f"{state.name} ({span.role})", "country_forces"


def _antecedent(span: TaggedSpan, groups: dict[str, _Group], assignment: dict[TaggedSpan, str], allowed: set[str]) -> str | None:
    """The named group of ``allowed`` a nominal refers to, of its role or else of its `_same_side`
    family: the only one, else the nearest before, else after."""
    named = {key: _role(group) for key, group in groups.items() if group.named and key in allowed}
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
    """The role its members' confidences add up to most. The sums are kept on the group and only the
    members that joined since the last call are added, so asking once per mention of an article with
    tens of thousands of mentions stays linear (the sums, and so the ties, are those of one pass)."""
    for member in group.members[group.weighed :]:
        group.role_weights[member.role] = group.role_weights.get(member.role, 0.0) + member.confidence
    group.weighed = len(group.members)
    return max(group.role_weights, key=group.role_weights.get)


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
