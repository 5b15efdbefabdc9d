"""What a nominal's own words rule out: its sponsor, and for "the kingdom" any state that is no kingdom."""

from __future__ import annotations

import pytest

from actorstance.nominals import NominalConstraints, sponsor_phrase, state_form, support_phrase


@pytest.mark.parametrize(
    ("surface", "sponsor"),
    [
        ("Iran-backed militias", "Iran"),
        ("the al-Qaeda-linked group", "al-Qaeda"),
        ("the US-led forces", "US"),
        ("militias backed by Tehran", "Tehran"),
        ("a force led by the African Union", "African Union"),
        ("pro-Iranian forces", "Iranian"),
        ("Pro-Kremlin Telegram channels", "Kremlin"),
        ("the militias", None),
        ("a well-led army", "well"),  # found, but no dictionary links it
        ("forces backed by local donors", None),  # a lower-case agent is no sponsor name
    ],
)
def test_sponsor_phrase(surface, sponsor):
    assert sponsor_phrase(surface) == sponsor


@pytest.mark.parametrize(
    ("surface", "stated"),
    [
        ("Iran-backed militias", ("Iran", True)),
        ("militias backed by Tehran", ("Tehran", True)),
        ("a Rwanda-funded rebel group", ("Rwanda", True)),
        ("pro-Iranian forces", ("Iranian", False)),
        ("the US-led forces", None),  # "X-led Y": no edge (docs/annotation.md 6.2)
        ("the al-Qaeda-linked group", None),
        ("a force led by the African Union", None),
        ("the al-Qaeda-linked, Iran-backed cell", ("Iran", True)),  # the first phrase that states support
        ("the militias", None),
    ],
)
def test_support_phrase_reads_who_backs_whom(surface, stated):
    assert support_phrase(surface) == stated


@pytest.mark.parametrize(
    ("surface", "form"),
    [("the kingdom", "kingdom"), ("The island kingdom", "kingdom"), ("the Islamic Emirate", "emirate"),
     ("the sultanate's navy", None), ("the kingdom’s forces", None), ("the regime", None)],
)  # fmt: skip
def test_state_form_reads_the_head_noun(surface, form):
    assert state_form(surface) == form


def test_constraints_rule_out_the_sponsor_any_state_another_sponsors_actor_and_a_republic_for_the_kingdom():
    codes = {"Iran": "IRN", "Tehran": "IRN", "US": "USA"}
    words = {"JOR": frozenset({"hashemite", "kingdom", "jordan"}), "IRN": frozenset({"iran", "tehran"})}
    constraints = NominalConstraints(codes.get, lambda code: words.get(code, frozenset()))
    constraints.note("MAGAWIR", "a US-backed rebel group")
    constraints.note("MAGAWIR", "the rebels")  # no sponsor: nothing noted
    backed = "Iran-backed militias"
    assert constraints.sponsor(backed) == "IRN" and constraints.sponsor("the rebels") is None
    assert not constraints.allows(backed, "IRN", "IRN", "country")  # the sponsor itself
    assert not constraints.allows(backed, "IRN_MIL", "IRN_MIL", "country_forces")  # its forces
    assert not constraints.allows(backed, "MAGAWIR", None, None)  # backed by another
    assert not constraints.allows(backed, "JOR_MIL", "JOR_MIL", "country_forces")  # no state's forces: a proxy
    assert not constraints.allows("the US-led forces", "SYR", "SYR", "country")  # nor any state
    assert constraints.allows(backed, "HEZBOLLAH", "LBNREB", "nonstate")
    assert constraints.allows("militias backed by Tehran", "PROXIES", None, None)
    constraints.note("PROXIES", backed)
    assert constraints.allows("pro-Iranian forces", "PROXIES", None, None) is True  # unlinked "Iranian": no sponsor
    assert constraints.allows("the kingdom", "JOR", "JOR", "country")
    assert not constraints.allows("the kingdom", "IRN", "IRN", "country")
    assert not constraints.allows("the kingdom", "JOR_MIL", "JOR_MIL", "country_forces")
    assert constraints.allows("the government", "IRN", "IRN", "country")


def test_without_a_dictionary_nothing_is_ruled_out():
    constraints = NominalConstraints()
    assert constraints.sponsor("Iran-backed militias") is None
    assert constraints.allows("Iran-backed militias", "IRN", "IRN", "country")
    assert constraints.allows("the kingdom", "IRN", "IRN", "country")
