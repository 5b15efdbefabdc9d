"""The actor dictionary: links mention surfaces to CAMEO / Phoenix actor codes.

The project ships the PETRARCH2 / Phoenix dictionaries (MIT, `resources/phoenix/`, unchanged) and
small supplements of its own (`resources/actor_supplement.txt`, `resources/agent_supplement.txt`);
this module reads their TABARI format strictly (the few upstream lines that break it are listed
in `resources/phoenix_errata.tsv`) and answers two questions about a mention: which actor it names (`ActorDictionary.link`) and which
role a common noun phrase denotes (`ActorDictionary.agent`). The same actor gets the same code in
every article, which is what grouping and cross-article aggregation need.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .aliases import normalize_surface

__all__ = [
    "DictionaryError",
    "DatedCode",
    "Phrase",
    "ActorEntry",
    "AgentEntry",
    "Link",
    "ActorDictionary",
    "read_actor_file",
    "read_agent_file",
    "default_paths",
    "actor_key",
    "link_evidence",
    "implied_role",
    "phoenix_errata",
    "read_errata",
]

PHOENIX_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
    "Phoenix.agents.txt",
)
ACTOR_SUPPLEMENT_FILE = "actor_supplement.txt"
AGENT_SUPPLEMENT_FILE = "agent_supplement.txt"
ERRATA_FILE = "phoenix_errata.tsv"

# CAMEO role codes that follow an entity code (JORGOV = Jordan + government).
ROLE_CODES = frozenset(
    "GOV MIL REB OPP PTY COP JUD SPY MED EDU BUS CRM CVL ELI HLH HRI LAB LEG REF MOD RAD AGR ENV DEV "
    "UAF INS SEP REL ATH IGO NGO NGM MNC".split()
)
# Codes whose first three letters name a kind of organisation, not a country.
_ORGANISATION_PREFIXES = {"IGO": "organisation", "NGO": "organisation", "NGM": "organisation", "MNC": "organisation", "IMG": "nonstate"}
_NONSTATE_ROLES = frozenset({"REB", "INS", "UAF", "SEP", "RAD", "OPP", "CRM"})

_CODE_GROUP = re.compile(r"\[([^\[\]]*)\]")
_PLAIN_CODE = re.compile(r"\[([A-Z0-9]+)\]")
_PLAIN_CODES = re.compile(r"(?:\s*\[[A-Z0-9]+\])+\s*")
_CODE = re.compile(r"^(?:[A-Z0-9]+|---)$")
_RESTRICTION = re.compile(r"^(?:(?P<op>[<>])\s*(?P<date>\d{6,})|(?P<start>\d{6,})\s*-\s*(?P<end>\d{6,}))$")
_AGENT_CODE = re.compile(r"^(?:~(?P<after>[A-Z0-9]+)|(?P<before>[A-Z0-9]+)~)$")
_SUBSTITUTION = re.compile(r"^!(?P<marker>[A-Z]+)!\s*=\s*(?P<items>.+)$")
_MARKER = re.compile(r"!([A-Z]+)!")
_PHRASE = re.compile(r"^[^\[\]{}~]+$")
_TOKEN_SEPARATORS = re.compile(r"[\s_]+")
_WORD_SEPARATORS = re.compile(r"[\s_-]+")
_POSSESSIVE_WORD = re.compile(r"['’]s(?=[\s_-]|$)")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her"})
_DROPPED_CHARS = str.maketrans("", "", ".'’(),")


class DictionaryError(ValueError):
    """A dictionary file that is missing or that holds a line the format does not allow."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass(frozen=True)
class DatedCode:
    """A code and the dates (inclusive) it holds for; an undated code is the entry's default."""

    code: str
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def holds_on(self, when: datetime.date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(frozen=True)
class Phrase:
    """Normalised words; ``stem`` lets the last word take suffixes (no trailing ``_`` in the file)."""

    words: tuple[str, ...]
    stem: bool


@dataclass(frozen=True)
class ActorEntry:
    """One entry of an .actors file: its name, synonyms and (possibly dated) codes."""

    name: str
    phrases: tuple[Phrase, ...]
    codes: tuple[DatedCode, ...]
    source: str
    line: int


@dataclass(frozen=True)
class AgentEntry:
    """One noun phrase of an .agents file and its role code (``~MIL`` -> "MIL")."""

    words: tuple[str, ...]
    code: str
    source: str
    line: int


@dataclass(frozen=True)
class Link:
    """What a mention names: ``code`` the entity ("JOR", "IGOUNO", "LBNREB"; a person's country in
    the role in force), ``kind`` "country" | "organisation" | "nonstate" | "person", ``name`` the
    entry's name for display, ``agent`` the role ("GOV", "MIL", ...) from an agent noun or a
    person's role, ``matched`` the normalised words that matched."""

    code: str
    kind: str
    name: str
    agent: str | None
    matched: str


# ---------------------------------------------------------------- reading


def _tokens(text: str) -> tuple[str, ...]:
    """Words as the dictionary compares them: accent- and case-free, ``_ - space`` separate words."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = _POSSESSIVE_WORD.sub("", text.casefold()).translate(_DROPPED_CHARS)
    text = text.strip(" _-\t\n")
    return tuple(_WORD_SEPARATORS.split(text)) if text else ()


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _parse_date(text: str, path: Path, number: int) -> datetime.date:
    """YYMMDD (00-30 -> 20YY, else 19YY) or YYYYMMDD; as in PETRARCH, digits past those are ignored."""
    try:
        return _date(text)
    except ValueError as error:
        raise DictionaryError(path, number, f"invalid date {text!r} ({error})") from None


@functools.lru_cache(maxsize=None)
def _date(text: str) -> datetime.date:
    if len(text) <= 7:
        year, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
        year += 2000 if year <= 30 else 1900
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    return datetime.date(year, month, day)


def _parse_code(group: str, path: Path, number: int) -> DatedCode:
    code, _, restriction = group.strip().partition(" ")
    if not _CODE.match(code):
        raise DictionaryError(path, number, f"invalid code [{group}]")
    restriction = restriction.strip()
    if not restriction:
        return DatedCode(code)
    match = _RESTRICTION.match(restriction)
    if not match:
        raise DictionaryError(path, number, f"invalid date restriction {restriction!r} in [{group}] (expected <date, >date or date-date)")
    if match["op"] == "<":
        return DatedCode(code, end=_parse_date(match["date"], path, number))
    if match["op"] == ">":
        return DatedCode(code, start=_parse_date(match["date"], path, number))
    start, end = _parse_date(match["start"], path, number), _parse_date(match["end"], path, number)
    if end < start:
        raise DictionaryError(path, number, f"date range ends before it starts in [{group}]")
    return DatedCode(code, start, end)


def _parse_codes(text: str, path: Path, number: int) -> list[DatedCode]:
    """The ``[CODE restriction]`` groups that make up ``text``; anything else in it is an error."""
    if not text or text.isspace():
        return []
    if _PLAIN_CODES.fullmatch(text):
        return [DatedCode(code) for code in _PLAIN_CODE.findall(text)]
    leftover = _CODE_GROUP.sub(" ", text).strip()
    if leftover:
        raise DictionaryError(path, number, f"unexpected text {leftover!r} (expected only [CODE] groups)")
    return [_parse_code(group, path, number) for group in _CODE_GROUP.findall(text)]


def _parse_phrase(text: str, path: Path, number: int) -> Phrase:
    text = text.strip()
    words = _tokens(text)
    if not _PHRASE.match(text) or not words:
        raise DictionaryError(path, number, f"invalid phrase {text!r}")
    return Phrase(words, stem=not text.endswith("_"))


def _read_lines(path: Path, errata: frozenset[tuple[str, int]]) -> Iterable[tuple[int, str]]:
    """Numbered lines without comments and blanks, skipping the known upstream defects in ``errata``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DictionaryError(path, None, "dictionary file not found") from None
    except UnicodeDecodeError as error:
        line = _line_of_offset(Path(path).read_bytes(), error.start)
        raise DictionaryError(path, line, f"not UTF-8 ({error.reason})") from None
    skipped = {line for name, line in errata if name == Path(path).name}
    for number, raw in enumerate(text.splitlines(), start=1):
        if number in skipped:
            continue
        line = _strip_comment(raw)
        if line.strip():
            yield number, line


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_actor_file(path: Path, errata: frozenset[tuple[str, int]] = frozenset()) -> list[ActorEntry]:
    """Entries of a TABARI .actors file: ``NAME_ [CODE]``, ``+SYNONYM_``, indented ``[CODE dates]``."""
    entries: list[ActorEntry] = []
    current: dict | None = None

    def close() -> None:
        if current is not None:
            entries.append(ActorEntry(current["name"], tuple(current["phrases"]), tuple(current["codes"]), str(path), current["line"]))

    for number, line in _read_lines(path, errata):
        if line[0] in " \t" or line.startswith("+"):
            if current is None:
                raise DictionaryError(path, number, "synonym or code line before any entry")
            if line.startswith("+"):
                current["phrases"].append(_parse_phrase(line[1:], path, number))
            else:
                current["codes"].extend(_parse_codes(line, path, number))
            continue
        close()
        name, bracket, codes = line.partition("[")
        phrase = _parse_phrase(name, path, number)
        current = {"name": name.strip(), "phrases": [phrase], "codes": _parse_codes(bracket + codes, path, number), "line": number}
    close()
    return entries


def _plural(word: str) -> str:
    """PETRARCH's regular plural: -y -> -ies, -s -> -ses, else -s."""
    if word.endswith("y"):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith("s") else "s")


def read_agent_file(path: Path, errata: frozenset[tuple[str, int]] = frozenset()) -> list[AgentEntry]:
    """Agents of a PETRARCH .agents file: ``NOUN {PLURAL} [~CODE]`` and ``!SET! = A, B`` substitutions."""
    substitutions: dict[str, list[str]] = {}
    agents: list[AgentEntry] = []
    for number, line in _read_lines(path, errata):
        line = line.strip()
        definition = _SUBSTITUTION.match(line)
        if definition:
            substitutions[definition["marker"]] = [item.strip() for item in definition["items"].split(",") if item.strip()]
            continue
        phrase, bracket, rest = line.partition("[")
        code = _AGENT_CODE.match(rest[:-1].strip()) if bracket and rest.endswith("]") else None
        if code is None:
            raise DictionaryError(path, number, f"agent line {line!r} lacks a code [~CODE] or [CODE~]")
        role = code["after"] or code["before"]
        phrase, brace, plural = phrase.partition("{")
        if brace and not plural.rstrip().endswith("}"):
            raise DictionaryError(path, number, f"unclosed '{{' in {line!r}")
        forms = [phrase.strip()]
        for marker in _MARKER.findall(phrase):
            if marker not in substitutions:
                raise DictionaryError(path, number, f"substitution set !{marker}! is not defined above this line")
            forms = [form.replace(f"!{marker}!", item, 1) for form in forms for item in substitutions[marker]]
        explicit_plural = plural.rstrip()[:-1].strip() if brace else None
        for form in forms:
            base = _parse_phrase(form, path, number)
            agents.append(AgentEntry(base.words, role, str(path), number))
            if explicit_plural:
                agents.append(AgentEntry(_parse_phrase(explicit_plural, path, number).words, role, str(path), number))
            elif explicit_plural is None and base.stem and not _MARKER.search(phrase):
                agents.append(AgentEntry(base.words[:-1] + (_plural(base.words[-1]),), role, str(path), number))
    return agents


# ---------------------------------------------------------------- linking


def _split_code(code: str) -> tuple[str, str | None]:
    """(entity, role): JORGOV -> ("JOR", "GOV"), JOR -> ("JOR", None), IGOUNO -> ("IGOUNO", None)."""
    if code[:3] in _ORGANISATION_PREFIXES:
        return code, None
    role = code[3:6]
    return code[:3], role if role in ROLE_CODES else None


def _is_person(entry: ActorEntry) -> bool:
    """Leaders carry dated roles (``[JORGOV 980714-990119]``) or a bare role default (``[ELI]``);
    a group whose code changes over time (the Taliban: AFGREB, then AFGGOV) has a non-state code."""
    codes = [code for code in entry.codes if code.code != "---"]
    if any(_kind(code.code) == "nonstate" for code in codes):
        return False
    return any((code.dated and _split_code(code.code)[1] is not None) or code.code in ROLE_CODES for code in codes)


def _kind(code: str) -> str:
    if code[:3] in _ORGANISATION_PREFIXES:
        return _ORGANISATION_PREFIXES[code[:3]]
    return "nonstate" if code[3:6] in _NONSTATE_ROLES else "country"


# A leader's government is their state ("the Obama administration", "Putin's government" -> USA, RUS),
# as the annotation guidelines make it; "Putin's aides" are no state.
_GOVERNMENT_NOUNS = frozenset({"government", "administration", "regime", "cabinet", "junta"})
_LOWER_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "de", "del", "la", "le"})
# "Russian forces", "Syrian regime forces", "Assad's forces", "Chinese vessels" are a state's armed
# forces (the guidelines' RUS_MIL), though Phoenix lists these nouns only inside longer ones ("armed
# forces", "security forces") or not at all: of the train and validation mentions "<state> <noun>"
# that linked to the state itself, all 23 with "forces" and 31 of 32 with the other nouns here are
# the forces' (one "vessels" is a maritime militia's).
_ARMED_NOUNS = frozenset(
    {"forces", "force", "units", "aircraft", "vessels", "ships", "guards", "patrols", "contingent", "command", "brigades", "cutter", "cutters"}
)


def _title(name: str, kind: str) -> str:
    """The entry's name for display: "UNITED_STATES_OF_AMERICA_" -> "United States of America"."""
    words = [word for word in _TOKEN_SEPARATORS.split(name.strip("_ ")) if word]
    if len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]
    acronym_length = 4 if kind in ("organisation", "nonstate") else 3
    if len(words) == 1 and len(words[0].strip(".")) <= acronym_length:
        return words[0]  # an acronym: US, UN, NATO, JNIM (but Iran, Chad)
    titled = []
    for position, word in enumerate(words):
        lower = word.casefold()
        if position and lower in _LOWER_WORDS:
            titled.append(lower)
        elif lower.strip(".") in {"ii", "iii", "iv"} or "." in word.strip("."):
            titled.append(word.upper())
        else:
            titled.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(titled)


def _role_in_force(entry: ActorEntry, when: datetime.date | None) -> DatedCode | None:
    """The dated code that holds on ``when`` (default: the latest open-ended one), else the default."""
    dated = [code for code in entry.codes if code.dated and code.code != "---"]
    defaults = [code for code in entry.codes if not code.dated and code.code != "---"]
    if when is None:
        open_ended = [code for code in dated if code.end is None]
        if open_ended:
            return max(open_ended, key=lambda code: code.start or datetime.date.min)
    else:
        holding = [code for code in dated if code.holds_on(when)]
        if holding:
            return max(holding, key=lambda code: code.start or datetime.date.min)
    if defaults:
        return defaults[0]
    return max(dated, key=lambda code: code.end or datetime.date.max, default=None)


def _latest_entity(entry: ActorEntry) -> str | None:
    """The entity of an entry's latest dated role: a bare ``[ELI]`` default keeps the country it follows."""
    entities = [
        (code.end or datetime.date.max, _split_code(code.code)[0])
        for code in entry.codes
        if code.dated and code.code not in ROLE_CODES and code.code != "---"
    ]
    return max(entities)[1] if entities else None


class ActorDictionary:
    """Actor entries and agent nouns, indexed for whole-surface lookup."""

    def __init__(self, actors: Sequence[ActorEntry], agents: Sequence[AgentEntry]) -> None:
        self._exact: dict[tuple[str, ...], ActorEntry] = {}
        self._stems: dict[tuple[str, ...], ActorEntry] = {}
        self._agents: dict[tuple[str, ...], str] = {}
        self._state_words: dict[str, set[str]] = {}
        state_entries: dict[str, ActorEntry] = {}
        surnames: dict[tuple[str, ...], dict[int, ActorEntry]] = {}  # last word of a leader's name -> the leaders (by id)
        first_words: Counter[str] = Counter()  # first words of leaders' names, less those of states' and groups'
        for entry in actors:
            if not entry.codes:
                continue  # a name without codes codes nothing; a null code [---] blocks the phrase
            person = _is_person(entry)
            if not person:
                for code in entry.codes:
                    if code.code != "---" and _kind(code.code) == "country":
                        words = self._state_words.setdefault(_split_code(code.code)[0], set())
                        words.update(word for phrase in entry.phrases for word in phrase.words)
                        best = state_entries.get(code.code)
                        if len(code.code) == 3 and (best is None or len(entry.phrases) > len(best.phrases)):
                            state_entries[code.code] = entry  # the state's own entry has the most names (not its cities')
            leader = person or any(code.dated for code in entry.codes)
            for phrase in entry.phrases:
                if len(phrase.words) > 1:
                    first_words[phrase.words[0]] += 1 if leader else -1
                    if person:
                        surnames.setdefault(phrase.words[-1:], {})[id(entry)] = entry
                for words in _with_and_without_determiner(phrase.words):
                    self._exact.setdefault(words, entry)
                    if phrase.stem:
                        self._stems.setdefault(words, entry)
        for agent in agents:
            self._agents.setdefault(agent.words, agent.code[:3])
        self._state_names = {code: _title(entry.name, "country") for code, entry in state_entries.items()}
        self._surnames = {surname: tuple(entries.values()) for surname, entries in surnames.items()}
        self._given_names = frozenset(
            word for word, count in first_words.items()
            if count > 0 and len(word) > 1 and word not in _DETERMINERS and (word,) not in self._agents
        )

    @classmethod
    def load(cls, paths: Sequence[Path], errata: frozenset[tuple[str, int]] = frozenset()) -> ActorDictionary:
        """Read actor and agent files (a file name holding "agent" marks an agents file); earlier files win on a clash."""
        actors: list[ActorEntry] = []
        agents: list[AgentEntry] = []
        for path in paths:
            if "agent" in Path(path).name.casefold():
                agents.extend(read_agent_file(Path(path), errata))
            else:
                actors.extend(read_actor_file(Path(path), errata))
        return cls(actors, agents)

    @classmethod
    def default(cls) -> ActorDictionary:
        """The project supplement and the vendored Phoenix files, loaded once per process."""
        return _default_dictionary()

    def _entry(self, words: tuple[str, ...]) -> ActorEntry | None:
        """The entry whose phrase is ``words``, or whose stem phrase ``words`` extends by a suffix."""
        if words in self._exact:
            return self._exact[words]
        last = words[-1]
        for cut in range(len(last) - 1, 2, -1):
            stem = words[:-1] + (last[:cut],)
            if stem in self._stems:
                return self._stems[stem]
        return None

    def _agent_words(self, words: tuple[str, ...]) -> str | None:
        for start in range(len(words)):
            code = self._agents.get(words[start:])
            if code is not None:
                return code
        return None

    def state_words(self, code: str) -> frozenset[str]:
        """Every word of the names of the state ``code`` ("JOR": "jordan", "hashemite", "kingdom", "amman", ...)."""
        return frozenset(self._state_words.get(code, ()))

    def is_given_name(self, word: str) -> bool:
        """Whether ``word`` begins a leader's full name in the dictionary ("Joe" of "Joe Biden", "Olaf",
        "Yevgeny"): evidence that a name of two or three words starting with it is a person's."""
        words = _tokens(word)
        return len(words) == 1 and words[0] in self._given_names

    def agent(self, surface: str) -> str | None:
        """Role code of a common noun phrase ("troops" -> "MIL", "the police" -> "COP"), else None."""
        words = _tokens(normalize_surface(surface))
        return self._agent_words(words) if words else None

    def link(self, surface: str, when: datetime.date | None = None) -> Link | None:
        """The actor a whole mention surface names; else "<actor> <agent noun>" ("Russian troops") or
        "<title> <person>" ("President Putin"); a leader's government is their state ("the Biden
        administration" -> USA); else None."""
        normalised = normalize_surface(surface)
        words = _tokens(normalised)
        if not words or (len(words) == 1 and len(words[0]) <= 3 and surface.islower()):
            return None  # "us" the pronoun is not the US; lower-case short words are no acronyms
        matched = " ".join(words)
        if len(words) > 1 and words[-1] in _GOVERNMENT_NOUNS:
            state = self._led_state(words[:-1], when) or self._led_state(words, when)  # Phoenix names some: BUSH_ADMINISTRATION
            if state is not None:
                return Link(state, "country", self._state_names[state], "GOV", matched)
        found = self._entry(words)
        if found is not None:
            return self._link(found, matched, None, when)
        boundaries = _word_boundaries(normalised)
        for split in range(len(words) - 1, 0, -1):
            if boundaries[split - 1] == "-":
                continue  # "Iran-backed militias": a compound modifier, not the actor itself
            head, tail = self._entry(words[:split]), words[split:]
            if head is not None and not _is_person(head) and tail in self._agents:
                return self._link(head, matched, self._agents[tail], when)
            person = self._entry(tail)
            if person is not None and _is_person(person) and words[:split] in self._agents:
                return self._link(person, matched, None, when)
        return self._link_owner(surface, words, boundaries, matched, when)

    def _led_state(self, words: tuple[str, ...], when: datetime.date | None) -> str | None:
        """The state whose government the leader named by ``words`` heads on ``when``, else last headed
        ("the Trump administration" in 2023 is still the United States'); None for no leader. ``words``
        is a full name, or a surname that names nothing else and on which all the dictionary's leaders
        of that name agree ("the Bush administration", "the Clinton administration"; not "the Johnson
        government", nor "the Aden government", whose Aden is a city)."""
        entry = self._entry(words)
        if entry is not None:
            leaders: tuple[ActorEntry, ...] = (entry,) if _is_person(entry) else ()  # "the Aden government": a city's
        else:
            leaders = self._surnames.get(words, ()) if len(words) == 1 else ()
        states = {self._state_governed(leader, when) for leader in leaders}
        return states.pop() if len(states) == 1 else None

    def _state_governed(self, entry: ActorEntry, when: datetime.date | None) -> str | None:
        link = self._link(entry, entry.name, None, when)
        if link is not None and link.agent == "GOV" and link.code in self._state_names:
            return link.code
        governed = [
            (code.end or datetime.date.max, entity) for code in entry.codes
            for entity, role in [_split_code(code.code)] if role == "GOV" and entity in self._state_names
        ]  # fmt: skip
        return max(governed)[1] if governed else None

    def _link_owner(
        self, surface: str, words: tuple[str, ...], boundaries: list[str], matched: str, when: datetime.date | None
    ) -> Link | None:
        """"<name> <common nouns>" that the agent table lacks ("Azerbaijani units", "Mozambique's
        representative", "the UN envoy's office"): the guidelines make such an unnamed part of a state
        or group a mention of it. The tail must be written in lower case, so "Yemen's Houthi movement"
        (a name of its own) stays unlinked. A person owns only armed forces, those of the state
        they lead ("Assad's army" -> SYR, MIL); "Putin's aides" stays unlinked."""
        written_lower = set(_tokens(" ".join(word for word in surface.split() if word.islower())))
        for split in range(len(words) - 1, 0, -1):
            tail = words[split:]
            if boundaries[split - 1] == "-" or not written_lower.issuperset(tail):
                continue
            head, agent = self._entry(words[:split]), self._owned_agent(tail)
            if head is None:
                continue
            if not _is_person(head):
                return self._link(head, matched, agent, when)
            leader = self._link(head, matched, None, when) if agent == "MIL" else None
            return Link(leader.code, "country", leader.name, "MIL", matched) if leader else None
        return None

    def _owned_agent(self, tail: tuple[str, ...]) -> str | None:
        """The role code of the common nouns after an owner's name: the agent table's, else for "forces"
        and the other `_ARMED_NOUNS` that of the words before it ("rebel forces": REB), unless that is
        the government's or none ("regime forces", "forces", "naval vessels": MIL)."""
        agent = self._agent_words(tail)
        if agent is None and tail[-1] in _ARMED_NOUNS:
            before = self._agent_words(tail[:-1])
            agent = before if before not in (None, "GOV") else "MIL"
        return agent

    def _link(self, entry: ActorEntry, matched: str, agent: str | None, when: datetime.date | None) -> Link | None:
        code = _role_in_force(entry, when)
        if code is None:
            return None
        if _is_person(entry):
            entity, role = _split_code(code.code)
            if code.code in ROLE_CODES:  # a bare [ELI] keeps the entity of the roles it follows
                entity, role = _latest_entity(entry) or code.code, code.code
            return Link(entity, "person", _title(entry.name, "person"), agent or role, matched)
        kind = _kind(code.code)
        entity, role = (code.code, None) if kind == "nonstate" else _split_code(code.code)
        return Link(entity, kind, _title(entry.name, kind), agent or role, matched)


def link_evidence(link: Link) -> str:
    """What a link says about the actor's role, as a label set's ``dictionary_roles`` keys it: an
    organisation code's first three letters ("IGO" of IGOUNO, "NGO"), a state's agent ("MIL" of
    "the Jordanian army", "COP", and "GOV" for the state itself), a non-state code's group type
    ("MUS" of IMGMUSISI, "REB" of LBNREB), else the link's kind ("person")."""
    if link.kind == "organisation":
        return link.code[:3]
    if link.kind == "country":
        return link.agent or "GOV"
    if link.kind == "nonstate":
        return link.code[3:6]
    return link.kind


def implied_role(links: Iterable[Link], roles_by_evidence: dict[str, str]) -> str | None:
    """The role every one of an actor's ``links`` implies through ``roles_by_evidence`` (a label set's
    ``dictionary_roles``, keyed by `link_evidence`); None if they imply none, or not the same one."""
    implied = {roles_by_evidence.get(link_evidence(link)) for link in links}
    return implied.pop() if len(implied) == 1 else None


def actor_key(link: Link) -> str:
    """The key that groups linked mentions into actors, as the annotation guidelines do.

    A state by its code, with the agent appended unless it is absent or GOV ("Jordan", "Amman",
    "the Jordanian government" -> "JOR"; "the Jordanian army" -> "JOR_MIL"): a state's government
    and its armed forces are separate actors. An organisation or armed group by its code ("Boko
    Haram fighters" -> "NGAREB"). A person by code and name ("RUS:Vladimir Putin").
    """
    if link.kind == "person":
        return f"{link.code}:{link.name}"
    if link.kind != "country" or link.agent in (None, "GOV"):
        return link.code
    return f"{link.code}_{link.agent}"


def _with_and_without_determiner(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A dictionary phrase as written and, as `normalize_surface` drops it from mentions, without a leading "the"."""
    return [words, words[1:]] if len(words) > 1 and words[0] in _DETERMINERS else [words]


def _word_boundaries(normalised: str) -> list[str]:
    """The separator after each word of ``_tokens(normalised)``: "-" inside a hyphenated compound, else " "."""
    separators: list[str] = []
    for piece in normalised.split():
        for part in filter(None, (_tokens(part) for part in piece.split("-"))):
            separators.extend([" "] * (len(part) - 1) + ["-"])
        if separators:
            separators[-1] = " "
    return separators


def default_paths() -> list[Path]:
    """The project's supplements first (so their entries win), then the four Phoenix files."""
    root = resources.files("actorstance") / "resources"
    supplements = [Path(str(root / ACTOR_SUPPLEMENT_FILE)), Path(str(root / AGENT_SUPPLEMENT_FILE))]
    return supplements + [Path(str(root / "phoenix" / name)) for name in PHOENIX_FILES]


def read_errata(path: Path) -> frozenset[tuple[str, int]]:
    """(file name, line) of upstream lines that break the format, listed with the reason they are skipped."""
    rows = set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[1].isdigit():
            raise DictionaryError(path, number, "expected file<TAB>line<TAB>reason")
        rows.add((fields[0], int(fields[1])))
    return frozenset(rows)


def phoenix_errata() -> frozenset[tuple[str, int]]:
    """The vendored Phoenix lines the reader skips (`resources/phoenix_errata.tsv`)."""
    return read_errata(Path(str(resources.files("actorstance") / "resources" / ERRATA_FILE)))


@functools.lru_cache(maxsize=1)
def _default_dictionary() -> ActorDictionary:
    return ActorDictionary.load(default_paths(), phoenix_errata())
