"""Mentions into actors: dictionary codes, forces split from their state, short forms, nominal antecedents."""

from __future__ import annotations

import datetime

import pytest

from actorstance.actor_dictionary import ActorDictionary
from actorstance.grouping import TaggedSpan, article_date, resolve_actors
from actorstance.schema import Article


@pytest.fixture(scope="module")
def dictionary():
    return ActorDictionary.default()


def spans(text: str, *items: tuple[str, str, int]) -> list[TaggedSpan]:
    """(surface, role, occurrence) -> the tagged span of that occurrence of the surface."""
    result = []
    for surface, role, occurrence in items:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(surface, start + 1)
        result.append(TaggedSpan(start, start + len(surface), role, 0.9))
    return result


def grouping(mentions, actors):
    return {actor.id: (actor.code, actor.role, [m.text for m in mentions if m.actor == actor.id]) for actor in actors}


def test_names_link_to_one_code_and_forces_are_their_own_actor(dictionary):
    text = "Jordanian and US officials met in Amman. Russian troops left; Jordan welcomed it, the kingdom said."
    tagged = spans(text, ("Jordanian", "GOV", 0), ("US officials", "GOV", 0), ("Amman", "GOV", 0),
                   ("Russian troops", "MIL", 0), ("Jordan", "GOV", 1), ("the kingdom", "GOV", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    assert grouping(mentions, actors) == {
        "JOR": ("JOR", "GOV", ["Jordanian", "Amman", "Jordan", "the kingdom"]),  # "the kingdom": nearest GOV before it
        "USA": ("USA", "GOV", ["US officials"]),
        "RUS_MIL": ("RUS_MIL", "MIL", ["Russian troops"]),
    }
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_without_dictionary_or_nominals_only_equal_surfaces_group():
    text = "Jordan spoke. The kingdom agreed. Jordan left."
    tagged = spans(text, ("Jordan", "GOV", 0), ("The kingdom", "GOV", 0), ("Jordan", "GOV", 1))
    mentions, actors = resolve_actors(text, tagged, {}, None, resolve_nominals=False)
    assert {actor_id: ms for actor_id, (_, _, ms) in grouping(mentions, actors).items()} == {
        "JORDAN": ["Jordan", "Jordan"],
        "KINGDOM": ["The kingdom"],
    }
    assert all(actor.code is None for actor in actors)


def test_short_forms_and_initials_join_the_long_name():
    text = "The Stability Support Apparatus fought Radaa. The SSA and the Radaa Special Deterrence Force clashed."
    tagged = spans(text, ("Stability Support Apparatus", "MILITIA", 0), ("Radaa", "MILITIA", 0), ("SSA", "MILITIA", 0),
                   ("Radaa Special Deterrence Force", "MILITIA", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, None)
    groups = {tuple(ms) for _, _, ms in grouping(mentions, actors).values()}
    assert groups == {("Stability Support Apparatus", "SSA"), ("Radaa", "Radaa Special Deterrence Force")}


def test_plural_civilian_nominals_stay_apart_but_a_definite_one_refers_back():
    text = "TotalEnergies paused work. Residents fled. The company said residents were safe."
    tagged = spans(text, ("TotalEnergies", "CIV", 0), ("Residents", "CIV", 0), ("The company", "CIV", 0), ("residents", "CIV", 0))
    mentions, actors = resolve_actors(text, tagged, {}, None)
    groups = {tuple(ms) for _, _, ms in grouping(mentions, actors).values()}
    assert groups == {("TotalEnergies", "The company"), ("Residents", "residents")}


def test_alias_table_names_join_their_canonical_actor():
    text = "Tehran denied it. The Islamic Republic said no."
    tagged = spans(text, ("Tehran", "GOV", 0), ("Islamic Republic", "GOV", 0))
    mentions, actors = resolve_actors(text, tagged, {"islamic republic": "Iran"}, ActorDictionary.default())
    assert grouping(mentions, actors) == {"IRN": ("IRN", "GOV", ["Tehran", "Islamic Republic"])}


def test_no_spans_and_one_actor_with_many_mentions():
    assert resolve_actors("Nothing here.", [], {}, None) == ([], [])
    text = "Iran. " * 2000
    tagged = [TaggedSpan(6 * i, 6 * i + 4, "GOV") for i in range(2000)]
    mentions, actors = resolve_actors(text, tagged, {}, None)
    assert len(actors) == 1 and len(mentions) == 2000 and actors[0].role == "GOV"


def test_article_date_reads_meta_date():
    assert article_date(Article(id="a", text="x", meta={"date": "2024-05-01T10:00:00Z"})) == datetime.date(2024, 5, 1)
    assert article_date(Article(id="a", text="x", meta={"date": "soon"})) is None
    assert article_date(Article(id="a", text="x")) is None


def test_forces_named_through_their_state_get_the_state_code(dictionary):
    text = "Jordan and Russia talked. Russian troops left. The kingdom’s forces stayed, and Iran’s army watched."
    tagged = spans(text, ("Jordan", "GOV", 0), ("Russia", "GOV", 0), ("Russian troops", "MIL", 0),
                   ("The kingdom", "GOV", 0), ("The kingdom’s forces", "MIL", 0), ("Iran’s army", "MIL", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    codes = {actor.code: [m.text for m in mentions if m.actor == actor.id] for actor in actors}
    # "The kingdom" is a monarchy: Jordan, not Russia, the GOV actor mentioned nearer before it
    assert codes["JOR"] == ["Jordan", "The kingdom"]
    assert codes["JOR_MIL"] == ["The kingdom’s forces"]
    assert codes["RUS_MIL"] == ["Russian troops"]
    assert codes["IRN_MIL"] == ["Iran’s army"]
    mentions, actors = resolve_actors(text, tagged, {}, dictionary, nominal_constraints=False)
    codes = {actor.code: [m.text for m in mentions if m.actor == actor.id] for actor in actors}
    assert codes["RUS"] == ["Russia", "The kingdom"] and codes["RUS_MIL"] == ["Russian troops", "The kingdom’s forces"]


def test_a_state_form_nominal_stays_apart_when_the_article_has_no_such_state(dictionary):
    text = "Iran and the Kingdom of Bahrain met. Iran left. The kingdom stayed. The sultanate said nothing."
    tagged = spans(text, ("Iran", "GOV", 0), ("the Kingdom of Bahrain", "GOV", 0), ("Iran", "GOV", 1),
                   ("The kingdom", "GOV", 0), ("The sultanate", "GOV", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    assert grouping(mentions, actors) == {
        "IRN": ("IRN", "GOV", ["Iran", "Iran"]),
        "BHR": ("BHR", "GOV", ["the Kingdom of Bahrain", "The kingdom"]),  # the supplement's official name
        "SULTANATE": (None, "GOV", ["The sultanate"]),  # no sultanate in the article: the unnamed state
    }


def test_a_sponsored_nominal_never_joins_its_sponsor_nor_an_actor_another_sponsor_backs(dictionary):
    text = "Iran sent arms. Magawir al-Thawra, a US-backed rebel group, fought. Iran-backed militias and the Iranian-backed militia held on."
    tagged = spans(text, ("Iran", "GOV", 0), ("Magawir al-Thawra", "REB", 0), ("a US-backed rebel group", "REB", 0),
                   ("Iran-backed militias", "MILITIA", 0), ("the Iranian-backed militia", "MILITIA", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    assert {tuple(ms) for _, _, ms in grouping(mentions, actors).values()} == {
        ("Iran",),
        ("Magawir al-Thawra", "a US-backed rebel group"),
        ("Iran-backed militias", "the Iranian-backed militia"),  # one group of the armed actors Iran backs
    }
    mentions, actors = resolve_actors(text, tagged, {}, dictionary, nominal_constraints=False)
    assert {tuple(ms) for _, _, ms in grouping(mentions, actors).values()} == {
        ("Iran",),
        ("Magawir al-Thawra", "a US-backed rebel group", "Iran-backed militias", "the Iranian-backed militia"),  # the armed side
    }


def test_armed_groups_are_one_side_for_nominals_and_a_surname_joins_its_full_name_whatever_the_role(dictionary):
    text = "Al-Shabaab attacked. The group said so. Ayman Safadi spoke. Safadi left. The Army and the Kachin Army met."
    tagged = spans(text, ("Al-Shabaab", "TERROR", 0), ("The group", "MILITIA", 0), ("Ayman Safadi", "GOV", 0),
                   ("Safadi", "MEDIA", 1), ("The Army", "MIL", 0), ("Kachin Army", "REB", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    groups = {tuple(ms) for _, _, ms in grouping(mentions, actors).values()}
    # "Army" is an agent noun of the dictionary, no surname: it may not join "Kachin Army" across roles (MIL vs REB)
    assert groups == {("Al-Shabaab", "The group"), ("Ayman Safadi", "Safadi"), ("The Army",), ("Kachin Army",)}


def test_a_name_joins_the_one_longer_name_that_is_it_with_lower_case_words_whatever_the_roles(dictionary):
    text = "The CODECO armed group attacked. CODECO denied it. The Hema left; Hema civilians and Hema militia fought."
    tagged = spans(text, ("CODECO armed group", "REB", 0), ("CODECO", "CIV", 1), ("Hema", "REB", 0),
                   ("Hema civilians", "CIV", 0), ("Hema militia", "MILITIA", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    groups = {tuple(ms) for _, _, ms in grouping(mentions, actors).values()}
    # "Hema" could be either longer name, so it joins neither
    assert groups == {("CODECO armed group", "CODECO"), ("Hema",), ("Hema civilians",), ("Hema militia",)}
    assert "CODECO armed group" in {actor.name for actor in actors}  # the actor keeps the longer name


def test_a_proper_name_joins_its_one_longer_proper_name_whatever_the_roles(dictionary):
    text = ("The Radaa Special Deterrence Force advanced. Radaa said so. A 41-year-old spokeswoman for Sacred Struggle "
            "spoke. Sacred Struggle marched.")
    tagged = spans(text, ("Radaa Special Deterrence Force", "REB", 0), ("Radaa", "POL", 1),
                   ("41-year-old spokeswoman for Sacred Struggle", "CIV", 0), ("Sacred Struggle", "POL", 1))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    groups = {tuple(ms) for _, _, ms in grouping(mentions, actors).values()}
    # a description ending in the name is not a proper name: the two stay apart
    assert groups == {("Radaa Special Deterrence Force", "Radaa"), ("41-year-old spokeswoman for Sacred Struggle",), ("Sacred Struggle",)}


def test_unnamed_actors_below_the_confidence_floor_are_dropped_and_named_ones_kept():
    text = "Then villagers fled, and witnesses said Iran denied it."
    tagged = [TaggedSpan(5, 14, "CIV", 0.79), TaggedSpan(25, 34, "CIV", 0.81), TaggedSpan(40, 44, "GOV", 0.3)]
    kept = {a.name for a in resolve_actors(text, tagged, {}, None, min_unnamed_confidence=0.8)[1]}
    assert kept == {"witnesses", "Iran"}
    mentions, actors = resolve_actors(text, tagged, {}, None)  # the floor defaults to 0: all kept
    assert len(actors) == 3 and len(mentions) == 3


def test_an_unnamed_actor_that_names_its_sponsor_stays_below_the_confidence_floor():
    text = "Iran-backed militias and villagers fled; the government-backed peace committee and the fighters stayed."
    tagged = [TaggedSpan(0, 20, "MILITIA", 0.4), TaggedSpan(25, 34, "CIV", 0.4), TaggedSpan(41, 78, "MILITIA", 0.6),
              TaggedSpan(83, 95, "MILITIA", 0.6)]  # fmt: skip
    assert [text[s.start : s.end] for s in tagged] == ["Iran-backed militias", "villagers", "the government-backed peace committee", "the fighters"]
    kept = {a.name for a in resolve_actors(text, tagged, {}, None, min_unnamed_confidence=0.9)[1]}
    assert kept == {"Iran-backed militias", "government-backed peace committee"}  # the fighters and the villagers go


def test_a_name_in_a_hyphenated_modifier_does_not_make_a_nominal_a_name(dictionary):
    text = "Magawir al-Thawra fought. Washington armed a US-backed rebel group. The Jordanian army watched."
    tagged = spans(text, ("Magawir al-Thawra", "TERROR", 0), ("Washington", "GOV", 0), ("a US-backed rebel group", "REB", 0),
                   ("The Jordanian army", "GOV", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    groups = {tuple(ms): code for code, _, ms in grouping(mentions, actors).values()}
    # the rebel group is a nominal of the armed side; "army" makes the forces JOR_MIL though the tagger said GOV
    assert groups == {("Magawir al-Thawra", "a US-backed rebel group"): None, ("Washington",): "USA", ("The Jordanian army",): "JOR_MIL"}


def test_an_appositive_description_joins_the_mention_it_describes_whatever_its_role(dictionary):
    text = (
        "TotalEnergies, the French energy group, paused work. The country's largest union, the Workers' Federation, "
        "struck. The Inter-Services Public Relations directorate (ISPR) spoke."
    )
    tagged = spans(text, ("TotalEnergies", "CIV", 0), ("the French energy group", "REB", 0), ("The country's largest union", "CIV", 0),
                   ("the Workers' Federation", "POL", 0), ("The Inter-Services Public Relations directorate", "MIL", 0),
                   ("ISPR", "TERROR", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    assert grouping(mentions, actors) == {
        "TOTALENERGIES": (None, "CIV", ["TotalEnergies", "the French energy group"]),  # not France (FRA_REB) for its adjective
        "WORKERS_FEDERATION": (None, "POL", ["The country's largest union", "the Workers' Federation"]),
        "INTER_SERVICES_PUBLIC_RE": (None, "MIL", ["The Inter-Services Public Relations directorate", "ISPR"]),
    }
    apart = grouping(*resolve_actors(text, tagged, {}, dictionary, appositions=False))
    assert apart["FRA_REB"] == ("FRA_REB", "REB", ["the French energy group"])
    assert apart["ISPR"] == (None, "TERROR", ["ISPR"])


def test_list_items_and_two_names_are_no_appositions(dictionary):
    """Nominals off, so that only step 4 could join anything here."""
    text = "Mali's army, the police and the gendarmerie deployed. Russia, the European Union, and Iran objected."
    tagged = spans(text, ("Mali's army", "MIL", 0), ("the police", "MIL", 0), ("the gendarmerie", "MIL", 0),
                   ("Russia", "GOV", 0), ("the European Union", "IGO", 0), ("Iran", "GOV", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary, resolve_nominals=False)
    assert sorted(len(ms) for _, _, ms in grouping(mentions, actors).values()) == [1, 1, 1, 1, 1, 1]


def test_an_unlinked_name_built_on_a_linked_actor_of_the_article_joins_it(dictionary):
    text = (
        "The Houthis fired. Yemen’s Houthi movement denied it. The TTP attacked; the Tehreek-e-Taliban Pakistan "
        "said so. Iraq objected and the Government of Iraq protested."
    )
    tagged = spans(text, ("The Houthis", "REB", 0), ("Yemen’s Houthi movement", "REB", 0), ("The TTP", "TERROR", 0),
                   ("Tehreek-e-Taliban Pakistan", "TERROR", 0), ("Iraq", "GOV", 0), ("the Government of Iraq", "GOV", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    assert {code: texts for code, _, texts in grouping(mentions, actors).values()} == {
        "YEMREBHTH": ["The Houthis", "Yemen’s Houthi movement"],
        "PAKREBTTP": ["The TTP", "Tehreek-e-Taliban Pakistan"],  # the initials of the long name
        "IRQ": ["Iraq", "the Government of Iraq"],
    }


def test_a_name_built_on_an_actor_the_article_lacks_a_person_or_an_institution_stays_apart(dictionary):
    text = (
        "Yemen’s Houthi movement spoke. Maduro spoke for the Maduro government. Yemen and the Central Bank of "
        "Yemen disagreed."
    )
    tagged = spans(text, ("Yemen’s Houthi movement", "REB", 0), ("Maduro", "GOV", 0), ("the Maduro government", "GOV", 0),
                   ("Yemen", "GOV", 1), ("the Central Bank of Yemen", "GOV", 0))  # fmt: skip
    mentions, actors = resolve_actors(text, tagged, {}, dictionary)
    groups = sorted(texts for _, _, texts in grouping(mentions, actors).values())
    assert groups == [["Maduro"], ["Yemen"], ["Yemen’s Houthi movement"], ["the Central Bank of Yemen"], ["the Maduro government"]]


def test_a_groups_role_follows_members_that_join_after_it_was_asked():
    """`_role` keeps its sums between calls (linear in an article's mentions), so it must add the members
    that joined since: by appending or by a merge."""
    from actorstance.grouping import _Group, _merge_group, _role

    groups = {"A": _Group("A", "A", None, True, members=[TaggedSpan(0, 1, "GOV", 0.5), TaggedSpan(2, 3, "MIL", 0.4)])}
    assert _role(groups["A"]) == "GOV"  # GOV 0.5, MIL 0.4
    groups["A"].members.append(TaggedSpan(4, 5, "MIL", 0.3))
    assert _role(groups["A"]) == "MIL"  # MIL 0.7
    groups["A"].members.append(TaggedSpan(6, 7, "GOV", 0.3))
    assert _role(groups["A"]) == "GOV"  # GOV 0.8
    groups["B"] = _Group("B", "B", None, False, members=[TaggedSpan(8, 9, "MIL", 0.2)])
    assignment = {member: key for key, group in groups.items() for member in group.members}
    _merge_group(groups, assignment, "B", "A")
    assert _role(groups["A"]) == "MIL" and set(groups) == {"A"} and assignment[TaggedSpan(8, 9, "MIL", 0.2)] == "A"  # MIL 0.9
