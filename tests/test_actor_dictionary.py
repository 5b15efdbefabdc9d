"""The actor dictionary: the TABARI/PETRARCH reader on tiny files, its errors, and links on the vendored files."""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path

import pytest

from actorstance.actor_dictionary import (
    PHOENIX_FILES,
    ActorDictionary,
    ActorEntry,
    AgentEntry,
    DatedCode,
    DictionaryError,
    Link,
    Phrase,
    actor_key,
    link_evidence,
    default_paths,
    phoenix_errata,
    read_actor_file,
    read_agent_file,
    read_errata,
)

ACTORS = """\
# a comment line
JORDAN_  [JOR]  # a trailing comment
+JORDANIAN_
+AMMAN_

HELMAND [AFG]
ABDULLAH_II_
+KING_ABDULLAH
\t[JORELI 800101-000101]
\t[JORGOV >990207]
\t[JORELI]
HASSAN_
\t[JORELI 650101-980714]
\t[JORGOV 980714-990119]
\t[JORELI]
FAROUK_
\t[EGYGOV 19360428-520726]
\t[EGYELI <19650318]
TALIBAN_ [AFGREB]
\t[AFGGOV >20210815]
HEZBOLLAH_ [LBNREB]
THE_UNITED_NATIONS_ [IGOUNO]
+UN_
US_ [USA]
ORGANIZATION_ [---]
TANZIM_ [MEAREB]
+ORGANIZATION_
"""

AGENTS = """\
!PERSON! = MAN, MEN
POLICE {} [~COP]
CONGRESS!PERSON! [~LEG]
TROOP [~MIL]
ARMY [~MIL]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]
PEACEKEEPING_TROOPS {} [IGO~]
REGIME [~GOV]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path) -> ActorDictionary:
    return ActorDictionary.load([write(tmp_path, "tiny.actors.txt", ACTORS), write(tmp_path, "tiny.agents.txt", AGENTS)])


def test_reader_returns_entries_synonyms_and_dated_codes(tmp_path):
    path = write(tmp_path, "tiny.actors.txt", ACTORS)
    entries = read_actor_file(path)
    assert [entry.name for entry in entries] == [
        "JORDAN_", "HELMAND", "ABDULLAH_II_", "HASSAN_", "FAROUK_", "TALIBAN_", "HEZBOLLAH_", "THE_UNITED_NATIONS_",
        "US_", "ORGANIZATION_", "TANZIM_",
    ]
    assert entries[0] == ActorEntry(
        "JORDAN_",
        (Phrase(("jordan",), False), Phrase(("jordanian",), False), Phrase(("amman",), False)),
        (DatedCode("JOR"),),
        str(path),
        2,
    )
    assert entries[2].phrases == (Phrase(("abdullah", "ii"), False), Phrase(("king", "abdullah"), True))
    assert entries[2].codes == (
        DatedCode("JORELI", datetime.date(1980, 1, 1), datetime.date(2000, 1, 1)),
        DatedCode("JORGOV", datetime.date(1999, 2, 7), None),
        DatedCode("JORELI"),
    )
    # YYYYMMDD and YYMMDD mix; "<" is an end date; two-digit years up to 30 are 20YY
    assert entries[4].codes == (
        DatedCode("EGYGOV", datetime.date(1936, 4, 28), datetime.date(1952, 7, 26)),
        DatedCode("EGYELI", None, datetime.date(1965, 3, 18)),
    )
    assert entries[5].codes == (DatedCode("AFGREB"), DatedCode("AFGGOV", datetime.date(2021, 8, 15), None))


def test_two_digit_years_pivot_at_30(tmp_path):
    path = write(tmp_path, "pivot.actors.txt", "X_\n\t[ABCGOV 300101-310101]\n")
    with pytest.raises(DictionaryError, match="ends before it starts"):  # 2030 to 1931
        read_actor_file(path)
    path = write(tmp_path, "pivot.actors.txt", "X_\n\t[ABCGOV 310101-300101]\n")
    assert read_actor_file(path)[0].codes == (DatedCode("ABCGOV", datetime.date(1931, 1, 1), datetime.date(2030, 1, 1)),)


def test_agent_file_expands_substitution_sets_and_plurals(tmp_path):
    path = write(tmp_path, "tiny.agents.txt", AGENTS)
    assert [(agent.words, agent.code, agent.line) for agent in read_agent_file(path)] == [
        (("police",), "COP", 2),  # {}: no plural
        (("congressman",), "LEG", 3),  # a substitution set: its items, no plurals
        (("congressmen",), "LEG", 3),
        (("troop",), "MIL", 4),
        (("troops",), "MIL", 4),
        (("army",), "MIL", 5),
        (("armies",), "MIL", 5),
        (("attorney", "general"), "GOVATG", 6),
        (("attorneys", "general"), "GOVATG", 6),  # the plural given in braces
        (("peacekeeping", "troops"), "IGO", 7),  # [IGO~]
        (("regime",), "GOV", 8),
        (("regimes",), "GOV", 8),
    ]
    assert read_agent_file(path)[0] == AgentEntry(("police",), "COP", str(path), 2)


def test_links_whole_surfaces_case_determiner_and_possessive_insensitive(tiny):
    assert tiny.link("Jordan") == Link("JOR", "country", "Jordan", None, "jordan")
    assert tiny.link("the JORDANIAN") == Link("JOR", "country", "Jordan", None, "jordanian")
    assert tiny.link("Amman’s") == Link("JOR", "country", "Jordan", None, "amman")
    assert tiny.link("the United Nations") == Link("IGOUNO", "organisation", "United Nations", None, "united nations")
    assert tiny.link("UN") == Link("IGOUNO", "organisation", "United Nations", None, "un")
    assert tiny.link("Hezbollah") == Link("LBNREB", "nonstate", "Hezbollah", None, "hezbollah")
    assert tiny.link("Jordan Valley") is None
    assert tiny.link("") is None


def test_lower_case_short_words_and_null_codes_do_not_link(tiny):
    assert tiny.link("US") == Link("USA", "country", "US", None, "us")
    assert tiny.link("us") is None  # the pronoun
    assert tiny.link("Tanzim") == Link("MEAREB", "nonstate", "Tanzim", None, "tanzim")
    assert tiny.link("the organization") is None  # [---], read first, blocks the phrase


def test_trailing_underscore_stops_suffixes_and_its_absence_allows_them(tiny):
    assert tiny.link("Helmandi") == Link("AFG", "country", "Helmand", None, "helmandi")  # HELMAND: a stem
    assert tiny.link("Jordanians") is None  # JORDANIAN_: the word ends there
    assert tiny.link("Helm") is None
    assert tiny.link("King Abdullahs").name == "Abdullah II"  # KING_ABDULLAH: stem on the last word


def test_person_roles_are_picked_by_date(tiny):
    assert tiny.link("King Abdullah") == Link("JOR", "person", "Abdullah II", "GOV", "king abdullah")  # latest: >990207
    assert tiny.link("Abdullah II", datetime.date(1995, 6, 1)).agent == "ELI"
    assert tiny.link("Abdullah II", datetime.date(1999, 2, 7)).agent == "GOV"  # bounds are inclusive
    assert tiny.link("Hassan", datetime.date(1998, 12, 1)) == Link("JOR", "person", "Hassan", "GOV", "hassan")
    assert tiny.link("Hassan", datetime.date(1990, 1, 1)).agent == "ELI"
    assert tiny.link("Hassan", datetime.date(2005, 1, 1)).agent == "ELI"  # no dated role holds: the default
    assert tiny.link("Hassan").agent == "ELI"  # no open-ended role: the default
    assert tiny.link("Farouk") == Link("EGY", "person", "Farouk", "ELI", "farouk")  # no default: the role that ends last
    assert tiny.link("Farouk", datetime.date(1940, 1, 1)).agent == "GOV"  # both hold: the one that started last


def test_a_group_whose_code_changes_over_time_is_not_a_person(tiny):
    assert tiny.link("the Taliban", datetime.date(2010, 1, 1)) == Link("AFGREB", "nonstate", "Taliban", None, "taliban")
    assert tiny.link("the Taliban") == Link("AFG", "country", "Taliban", "GOV", "taliban")


def test_country_word_with_agent_noun_links_but_a_compound_modifier_does_not(tiny):
    assert tiny.link("the Jordanian army") == Link("JOR", "country", "Jordan", "MIL", "jordanian army")
    assert tiny.link("Jordanian troops") == Link("JOR", "country", "Jordan", "MIL", "jordanian troops")
    assert tiny.link("Jordan's police") == Link("JOR", "country", "Jordan", "COP", "jordan police")
    assert tiny.link("Jordan-backed troops") is None
    assert tiny.link("Jordan-army") is None
    assert tiny.link("pro-Jordan police") is None
    # "army troops" is no agent noun phrase, but common nouns after a name are a part of its owner:
    assert tiny.link("Jordanian army troops") == Link("JOR", "country", "Jordan", "MIL", "jordanian army troops")


def test_a_name_with_common_nouns_links_to_its_owner_but_a_name_of_its_own_does_not():
    dictionary = ActorDictionary.default()
    owned = {s: dictionary.link(s) for s in ("Azerbaijani units", "Mozambique’s representative", "a US general")}
    assert {s: (link.code, link.kind, link.agent) for s, link in owned.items()} == {
        "Azerbaijani units": ("AZE", "country", "MIL"),  # units: one of `_ARMED_NOUNS`
        "Mozambique’s representative": ("MOZ", "country", None),
        "a US general": ("USA", "country", None),
    }
    assert dictionary.link("Yemen’s Houthi movement") is None  # "Houthi" is written as a name
    assert dictionary.link("Putin’s aides") is None  # a person owns only armed forces: those of the state
    assert dictionary.link("Putin’s troops") == Link("RUS", "country", "Vladimir Putin", "MIL", "putin troops")


def test_a_states_forces_are_its_armed_forces_unless_other_words_say_whose():
    dictionary = ActorDictionary.default()
    forces = ("Russian forces", "Israel's forces", "Syrian regime forces", "Bashar al-Assad’s forces", "Syrian rebel forces")
    assert {s: (link.code, link.agent) for s in forces for link in [dictionary.link(s)]} == {
        "Russian forces": ("RUS", "MIL"),  # Phoenix lists "forces" only inside longer nouns: this was RUS itself
        "Israel's forces": ("ISR", "MIL"),
        "Syrian regime forces": ("SYR", "MIL"),  # the government's forces, not the government
        "Bashar al-Assad’s forces": ("SYR", "MIL"),  # a leader owns the forces of their state
        "Syrian rebel forces": ("SYR", "REB"),  # the words before "forces" say whose they are
    }
    assert dictionary.link("Syrian government forces").agent == "MIL"  # Phoenix's own phrase, as before
    assert [dictionary.link(s).agent for s in ("Chinese vessels", "US aircraft", "Kenyan police units")] == ["MIL", "MIL", "COP"]
    assert dictionary.link("the Jordanian delegation").agent is None  # a state's envoys are the state
    assert dictionary.link("Lebanese Forces") is None  # a name of its own (a party), written in capitals
    assert dictionary.link("pro-Iranian forces") is None  # a sponsor names no owner
    assert dictionary.link("the US-led forces") is None


def test_a_leaders_government_is_their_state():
    dictionary = ActorDictionary.default()
    governments = ("the Obama administration", "Putin’s government", "the Biden administration", "Salva Kiir’s government")
    assert [dictionary.link(s) for s in governments] == [
        Link("USA", "country", "United States of America", "GOV", "obama administration"),
        Link("RUS", "country", "Russian Federation", "GOV", "putin government"),  # not the Russian SFSR, nor a city
        Link("USA", "country", "United States of America", "GOV", "biden administration"),  # one leader is called Biden
        Link("SSD", "country", "South Sudan", "GOV", "salva kiir government"),
    ]
    assert dictionary.link("the Bush administration").code == "USA"  # both Presidents Bush: one state
    assert dictionary.link("the Johnson government") is None  # leaders called Johnson governed several states
    assert dictionary.link("the Aden government").code == "YEM"  # Aden is a city before it is a surname
    # out of office on the day, a leader's administration is still the state they governed last
    assert dictionary.link("the Trump administration", datetime.date(2023, 5, 1)).code == "USA"
    assert dictionary.link("Biden") is None  # a surname alone still names no one


def test_agent_maps_common_noun_phrases_to_roles(tiny):
    assert tiny.agent("troops") == "MIL"
    assert tiny.agent("the police") == "COP"
    assert tiny.agent("The regime") == "GOV"
    assert tiny.agent("its armies") == "MIL"
    assert tiny.agent("Jordan-backed troops") == "MIL"  # the head noun
    assert tiny.agent("congressmen") == "LEG"
    assert tiny.agent("Jordan") is None
    assert tiny.agent("") is None


def test_missing_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere.actors.txt"
    with pytest.raises(DictionaryError) as caught:
        ActorDictionary.load([missing])
    assert str(caught.value) == f"{missing}: dictionary file not found"
    assert (caught.value.path, caught.value.line) == (str(missing), None)


@pytest.mark.parametrize(
    ("name", "text", "line", "reason"),
    [
        ("bad.actors.txt", "X_ [ABC]\n\t[ABCGOV 990101-980101]\n", 2, "date range ends before it starts in [ABCGOV 990101-980101]"),
        ("bad.actors.txt", "X_ [ABC]\n\t[ABCGOV 20121204]\n", 2, "invalid date restriction '20121204' in [ABCGOV 20121204] (expected <date, >date or date-date)"),
        ("bad.actors.txt", "X_ [ABC]\n\t[ABCGOV >991301]\n", 2, "invalid date '991301' (month must be in 1..12)"),
        ("bad.actors.txt", "X_ [ABC]\n\t[ABCGOV\n", 2, "unexpected text '[ABCGOV' (expected only [CODE] groups)"),
        ("bad.actors.txt", "X_ [ABC] trailing words\n", 1, "unexpected text 'trailing words' (expected only [CODE] groups)"),
        ("bad.actors.txt", "X_ [abc]\n", 1, "invalid code [abc]"),
        ("bad.actors.txt", "\n+ORPHAN_\n", 2, "synonym or code line before any entry"),
        ("bad.actors.txt", "X_ [ABC]\n+BAD]_\n", 2, "invalid phrase 'BAD]_'"),
        ("bad.agents.txt", "ARMY [~MIL]\nISLAMIC_EXTREMIST\n", 2, "agent line 'ISLAMIC_EXTREMIST' lacks a code [~CODE] or [CODE~]"),
        ("bad.agents.txt", "DEPARTMENT [~ENV}\n", 1, "agent line 'DEPARTMENT [~ENV}' lacks a code [~CODE] or [CODE~]"),
        ("bad.agents.txt", "CONGRESS!PERSON! [~LEG]\n", 1, "substitution set !PERSON! is not defined above this line"),
        ("bad.agents.txt", "THIEF {THIEVES [~CRM]\n", 1, "unclosed '{' in 'THIEF {THIEVES [~CRM]'"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, name, text, line, reason):
    path = write(tmp_path, name, text)
    with pytest.raises(DictionaryError) as caught:
        ActorDictionary.load([path])
    assert str(caught.value) == f"{path}:{line}: {reason}"
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_errata_lists_only_lines_the_reader_refuses(tmp_path):
    """Each upstream line the default dictionary skips is malformed on its own (after a valid entry)."""
    paths = {path.name: path for path in default_paths()}
    errata = phoenix_errata()
    assert len(errata) == 11
    for name, number in sorted(errata):
        line = paths[name].read_text(encoding="utf-8").splitlines()[number - 1]
        if "agents" in name:
            probe = write(tmp_path, "probe.agents.txt", line + "\n")
        else:
            probe = write(tmp_path, "probe.actors.txt", "X_ [ABC]\n" + line + "\n")
        with pytest.raises(DictionaryError):
            ActorDictionary.load([probe])


def test_errata_file_rows_must_name_file_line_and_reason(tmp_path):
    path = write(tmp_path, "errata.tsv", "# comment\nPhoenix.agents.txt\t1927\tno code\nPhoenix.agents.txt 544\n")
    with pytest.raises(DictionaryError) as caught:
        read_errata(path)
    assert str(caught.value) == f"{path}:3: expected file<TAB>line<TAB>reason"


def test_default_dictionary_is_loaded_once():
    assert ActorDictionary.default() is ActorDictionary.default()


@pytest.mark.parametrize(
    ("surface", "code", "kind", "agent"),
    [
        ("Jordan", "JOR", "country", None),
        ("Jordanian", "JOR", "country", None),
        ("Amman", "JOR", "country", None),
        ("the Hashemite Kingdom of Jordan", "JOR", "country", None),  # supplement
        ("the Kingdom of Bahrain", "BHR", "country", None),  # supplement: monarchies' official names
        ("the Sultanate of Oman", "OMN", "country", None),
        ("the Islamic Emirate", "AFG", "country", None),
        ("the United Nations", "IGOUNO", "organisation", None),
        ("U.N.", "IGOUNO", "organisation", None),
        ("Hezbollah", "LBNREB", "nonstate", None),
        ("U.S.", "USA", "country", None),
        ("America", "USA", "country", None),
        ("Britain", "GBR", "country", None),
        ("the EU", "IGOEUREEC", "organisation", None),  # supplement
        ("NATO", "IGOWSTNAT", "organisation", None),
        ("Moscow", "RUS", "country", None),
        ("the Kremlin", "RUS", "country", "GOV"),
        ("Tehran", "IRN", "country", None),
        ("the Pentagon", "USA", "country", "MIL"),  # supplement
        ("Russian troops", "RUS", "country", "MIL"),
        ("US officials", "USA", "country", "GOV"),  # OFFICIAL: agent supplement
        ("the Jordanian army", "JOR", "country", "MIL"),
        ("Iranian police", "IRN", "country", "COP"),
        ("King Abdullah II", "JOR", "person", "GOV"),
        ("President Putin", "RUS", "person", "GOV"),
        ("Donald Trump", "USA", "person", "GOV"),  # supplement: leaders after 2014
        ("Trump", "USA", "person", "GOV"),
        ("Zelenskiy", "UKR", "person", "GOV"),  # supplement: Reuters' spelling
        ("Keir Starmer", "GBR", "person", "GOV"),  # a party leader before: a person still
        ("the State Department", "USA", "country", "GOV"),  # supplement: seats of government
        ("Downing Street", "GBR", "country", "GOV"),
    ],
)
def test_links_on_the_vendored_dictionary(surface, code, kind, agent):
    link = ActorDictionary.default().link(surface)
    assert (link.code, link.kind, link.agent) == (code, kind, agent)


@pytest.mark.parametrize(
    "surface", ["Iran-backed militias", "pro-Russian separatists", "anti-government protesters", "the army", "us", "the organization"]
)
def test_modifiers_and_nominals_do_not_link_on_the_vendored_dictionary(surface):
    assert ActorDictionary.default().link(surface) is None


def test_state_words_are_the_words_of_a_states_names_and_tell_a_kingdom():
    dictionary = ActorDictionary.default()
    assert {"jordan", "jordanian", "amman", "hashemite", "kingdom"} <= dictionary.state_words("JOR")
    assert "kingdom" in dictionary.state_words("SAU") and "sultanate" in dictionary.state_words("OMN")
    assert not {"kingdom", "emirate", "sultanate"} & dictionary.state_words("USA")
    assert "abdullah" not in dictionary.state_words("JOR")  # a leader's entry is no name of the state
    assert dictionary.state_words("NOPE") == frozenset()


def test_agents_on_the_vendored_dictionary():
    dictionary = ActorDictionary.default()
    assert [dictionary.agent(s) for s in ("troops", "the police", "the regime", "rebels", "Iran-backed militias")] == [
        "MIL", "COP", "GOV", "REB", "UAF"
    ]


def test_actor_key_splits_a_state_from_its_forces_but_not_a_group_from_its_fighters(tiny):
    keys = [actor_key(tiny.link(s)) for s in ("Amman", "the Jordanian army", "Hezbollah", "King Abdullah")]
    assert keys == ["JOR", "JOR_MIL", "LBNREB", "JOR:Abdullah II"]
    assert actor_key(Link("JOR", "country", "Jordan", "GOV", "jordanian government")) == "JOR"
    assert actor_key(Link("NGAREB", "nonstate", "Boko Haram", "UAF", "boko haram fighters")) == "NGAREB"


def test_vendored_files_are_unchanged():
    """The Phoenix files ship byte-identical; their README records the SHA-256 of each."""
    folder = default_paths()[-1].parent
    recorded = re.findall(r"^([0-9a-f]{64})  (\S+)$", (folder / "README.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(name for _, name in recorded) == sorted(["LICENSE", *PHOENIX_FILES])
    for digest, name in recorded:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_real_leader_role_depends_on_the_date():
    dictionary = ActorDictionary.default()
    assert dictionary.link("King Abdullah II", datetime.date(1995, 1, 1)).agent == "ELI"
    assert dictionary.link("King Abdullah II", datetime.date(2005, 1, 1)).agent == "GOV"
    assert dictionary.link("the Taliban", datetime.date(2010, 1, 1)).code == "AFGREB"
    assert dictionary.link("the Taliban", datetime.date(2025, 1, 1)).code == "AFG"


@pytest.mark.parametrize(
    ("surface", "evidence"),
    [("UNICEF", "IGO"), ("Reporters Without Borders", "NGO"), ("the PLA", "MIL"), ("the FBI", "COP"), ("Jordan", "GOV"),
     ("Islamic State", "MUS"), ("Hezbollah", "REB")],
)
def test_link_evidence_says_what_a_link_implies_about_the_role(surface, evidence):
    link = ActorDictionary.default().link(surface)
    assert link is not None and link_evidence(link) == evidence


def test_coverage_counts_the_actors_whose_links_imply_a_role_and_whether_it_is_theirs():
    from benchmarks.dictionary_coverage import measure

    from .conftest import make_article

    text = "UNICEF and the PLA met; the FBI and the US embassy watched, with Jordan."
    article = make_article(
        "a", text, [("UNICEF", "U"), ("the PLA", "P"), ("the FBI", "F"), ("the US embassy", "F"), ("Jordan", "J")],
        roles={"U": "IGO", "P": "REB", "F": "GOV", "J": "GOV"},
    )
    result = measure(ActorDictionary.default(), [article], 0)
    # UNICEF -> IGO (right), the PLA -> MIL (gold REB: wrong); the FBI (police) and the embassy (the state)
    # disagree, and a state alone implies no role
    assert (result["actors_with_implied_role"], result["implied_role_right"], result["implied_role_wrong"]) == (2, 1, ["a/P: REB -> MIL"])
