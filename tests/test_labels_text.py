from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actorstance.corpus import load_corpus
from actorstance.labels import NONE_LABEL, LabelSchema, bio_tags, merged_spans
from actorstance.span_edges import (
    described_name_start, join_hyphenated, join_population_places, name_end, name_start, place_end, split_at_bracket, trim_edge_words,
)  # fmt: skip
from actorstance.text import (
    has_content_word, headline_spans, inside_any, is_headline_case, sentence_index, sentence_spans, undotted, web_token_spans,
)  # fmt: skip
from actorstance.titles import title_start

from .conftest import REPO


def test_default_schema_comes_from_config_file():
    labels = LabelSchema.default()
    assert labels.roles == ["GOV", "MIL", "REB", "MILITIA", "TERROR", "IGO", "POL", "MEDIA", "CIV"]
    assert labels.stance_classes == [NONE_LABEL, "SUPPORT", "OPPOSE", "NEUTRAL"]
    assert labels.bio_labels[:3] == ["O", "B-GOV", "I-GOV"] and len(labels.bio_labels) == 19


def test_schema_rejects_reserved_and_duplicate_labels():
    with pytest.raises(ValueError, match="reserved"):
        LabelSchema(roles=["A"], stances=["NONE"])
    with pytest.raises(ValueError, match="duplicate"):
        LabelSchema(roles=["A", "A"], stances=["S"])
    with pytest.raises(ValueError, match=r"roles \['Z'\] are not in roles"):
        LabelSchema(roles=["A"], stances=["S"], role_groups={"G": ["Z"]})
    with pytest.raises(ValueError, match=r"dictionary_roles: roles \['MIL'\] are not in roles"):
        LabelSchema(roles=["A"], stances=["S"], dictionary_roles={"MIL": "MIL"})
    assert LabelSchema.default().dictionary_roles == {"IGO": "IGO", "NGO": "CIV", "MIL": "MIL", "COP": "MIL", "SPY": "MIL", "MUS": "TERROR"}


def test_bio_tags_hand_computed_and_range_checked():
    assert bio_tags(5, [(0, 2, "GOV"), (3, 4, "MIL")]) == ["B-GOV", "I-GOV", "O", "B-MIL", "O"]
    with pytest.raises(ValueError, match=r"span \(3, 6\) out of range for 5 units"):
        bio_tags(5, [(3, 6, "GOV")])


def test_merged_spans_stray_inside_tags_open_spans_and_b_tags_close_them():
    # a stray I- opens a span; a B- closes the open one; an I- of another role continues it
    assert merged_spans(["I-GOV", "I-GOV", "B-GOV", "I-MIL", "O", "I-REB"]) == [(0, 2, "GOV"), (2, 4, "GOV"), (5, 6, "REB")]
    assert merged_spans([]) == [] and merged_spans(["O", "O"]) == []


def test_merged_spans_gives_a_mixed_span_the_role_of_the_largest_summed_weight():
    # "the kingdom's forces": B-GOV I-MIL I-MIL -> one MIL span (GOV 0.4 against MIL 0.9 + 0.8)
    assert merged_spans(["O", "B-GOV", "I-MIL", "I-MIL", "O"], [1.0, 0.4, 0.9, 0.8, 1.0]) == [(1, 4, "MIL")]
    # one confident GOV tag outweighs two weak MIL tags
    assert merged_spans(["B-GOV", "I-MIL", "I-MIL"], [0.99, 0.3, 0.3]) == [(0, 3, "GOV")]
    # a tie goes to the role seen first
    assert merged_spans(["B-MIL", "I-GOV"], [0.5, 0.5]) == [(0, 2, "MIL")]
    with pytest.raises(ValueError, match="merged_spans: 2 tags but 1 weights"):
        merged_spans(["B-GOV", "I-GOV"], [0.5])


@given(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["A", "B", None])), max_size=12))
def test_merged_spans_inverts_bio_tags(pieces):
    spans, position = [], 0
    for length, label in pieces:
        if label:
            spans.append((position, position + length, label))
        position += length
    assert merged_spans(bio_tags(position, spans)) == spans


def test_sentences_respect_abbreviations_quotes_and_paragraphs():
    text = "U.S. officials met Gen. Smith in Kyiv. “We agreed,” he said. Talks end.\n\nWar against drugs\n\nNext one?"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "U.S. officials met Gen. Smith in Kyiv.",
        "“We agreed,” he said.",
        "Talks end.",
        "War against drugs",
        "Next one?",
    ]
    assert sentence_index(spans, 0) == 0 and sentence_index(spans, 40) == 1 and sentence_index(spans, len(text) - 1) == 4
    assert sentence_spans("") == [] and sentence_spans("   \n ") == []


def test_a_span_needs_a_content_word():
    assert [has_content_word(s) for s in ("a", "of the", "1", "s", "US", "the EU", "s merchant fleet", "élite", "the U.S.", "U.")] == [
        False, False, False, False, True, True, True, True, True, False,
    ]  # fmt: skip


def test_undotted_takes_the_stops_out_of_capital_abbreviations_and_maps_back():
    text = "The U.S.-led coalition, J.M.W. Turner, e.g. Mr. X, and the U.N."
    plain, origin = undotted(text)
    assert plain == "The US-led coalition, JMW Turner, e.g. Mr. X, and the UN"
    assert len(origin) == len(plain) + 1 and origin[-1] == len(text)
    us = plain.index("US")
    assert text[origin[us] : origin[us + 2]] == "U.S."  # the last stop belongs to the abbreviation
    un = plain.index("UN")
    assert text[origin[un] : origin[un + 2]] == "U.N."  # at the end of the text too
    led = plain.index("led")
    assert text[origin[led] : origin[led + 3]] == "led"
    assert undotted("The US and the UN.") == ("The US and the UN.", None)  # nothing to take out


def test_edge_words_leave_a_predicted_span():
    text = "Survivors told members of Foro Penal that Bangladeshi peacekeepers of the UN and For Georgia left."
    of_foro = (text.index("of Foro"), text.index(" that"))
    assert trim_edge_words(text, *of_foro) == (text.index("Foro"), text.index(" that"))
    peacekeepers_of = (text.index("Bangladeshi"), text.index(" the UN"))
    assert trim_edge_words(text, *peacekeepers_of) == (text.index("Bangladeshi"), text.index(" of the"))
    un_and = (text.index("the UN"), text.index(" For Georgia"))
    assert text[slice(*trim_edge_words(text, *un_and))] == "the UN"
    for_georgia = (text.index("For Georgia"), text.index(" left"))
    assert trim_edge_words(text, *for_georgia) == for_georgia  # a capitalised word may start a name
    lone = (text.index("of Foro"), text.index(" Foro"))
    assert trim_edge_words(text, *lone) == lone  # nothing else is left: has_content_word drops it


def test_a_name_grows_over_the_capitalised_words_after_it_and_a_the_before_it():
    text = "Foro Penal, France 24 and Iran’s foreign ministry spokesman Nasser Kanaani met the Kachin News Group."

    def grown(word: str, limit: int = len(text)) -> str:
        start = text.index(word)
        return text[start : name_end(text, start, start + len(word), limit)]

    assert grown("Foro") == "Foro Penal"  # stops at the comma
    assert grown("France") == "France 24"  # numbers continue a name
    assert grown("spokesman") == "spokesman"  # a lower-case last word: no name to finish
    assert grown("Kachin") == "Kachin News Group"  # up to the full stop
    assert grown("Foro", limit=text.index("Penal") + 2) == "Foro"  # never into the next span
    kachin = text.index("Kachin")
    assert text[name_start(text, kachin, 0) : kachin] == "the "
    assert name_start(text, kachin, kachin - 1) == kachin  # never into the span before


def test_spans_that_only_a_hyphen_separates_become_one_in_the_role_of_the_second():
    text = "They fought pro-Iranian forces and US-Jordanian talks, not Iran - Iraq ties."
    pro, iranian = text.index("pro"), text.index("Iranian")
    us, jordanian = text.index("US-"), text.index("Jordanian")
    iran, iraq = text.index("Iran -"), text.index("Iraq")
    spans = [
        (pro, pro + 3, "GOV", 0.4), (iranian, iranian + len("Iranian forces"), "MIL", 0.8),
        (us, us + 2, "GOV", 0.9), (jordanian, jordanian + len("Jordanian"), "GOV", 0.7),
        (iran, iran + 4, "GOV", 0.9), (iraq, iraq + 4, "GOV", 0.9),
    ]  # fmt: skip
    joined = join_hyphenated(text, spans)
    assert [(text[start:end], role, round(confidence, 2)) for start, end, role, confidence in joined] == [
        ("pro-Iranian forces", "MIL", 0.6),  # the head noun's role, the mean confidence
        ("US-Jordanian", "GOV", 0.8),
        ("Iran", "GOV", 0.9),  # spaces around the dash: two names
        ("Iraq", "GOV", 0.9),
    ]
    assert join_hyphenated(text, []) == []


def test_a_span_starts_at_the_first_word_of_the_name_it_ends():
    text = (
        "It cited Reporters Without Borders and the Houthi-run Saba agency. Rights groups and Vice-President JD Vance "
        "met Fadlallah Burma Nasir in September. Eleven Ministers Narendra Modi saw the Kachin News Group."
    )

    def started(word: str, floor: int = 0) -> str:
        start = text.index(word)
        return text[name_start(text, start, floor) : start + len(word)]

    assert started("Borders") == "Reporters Without Borders"  # the whole name, up to a lower-case word
    assert started("Nasir") == "Fadlallah Burma Nasir"
    assert started("Saba") == "Saba"  # "Houthi-run" describes the name
    assert started("groups") == "groups"  # a lower-case span: nothing to grow
    assert started("JD Vance") == "JD Vance"  # a title stays out
    assert started("Narendra Modi") == "Narendra Modi"  # a plural title too
    assert started("Rights") == "Rights"  # a sentence's first word is capitalised whatever it is
    assert started("News Group") == "the Kachin News Group"  # the name's words, then its "the"
    assert started("Nasir", floor=text.index("Burma")) == "Burma Nasir"  # never into the span before


def _started(text: str, rule, words: str) -> str:
    """What is left of the span ``words`` of ``text`` from the start ``rule(text, start, end)`` gives."""
    start = text.index(words)
    return text[rule(text, start, start + len(words)) : start + len(words)]


def test_a_span_starts_after_the_titles_of_the_name_it_holds():
    text = "Colonel Assimi Goïta met Grand Ayatollah Ali al-Sistani, General Security, President Macron and the Catholicos Karekin II."
    assert _started(text, title_start, "Colonel Assimi Goïta") == "Assimi Goïta"
    assert _started(text, title_start, "Grand Ayatollah Ali") == "Grand Ayatollah Ali"  # one word left: kept whole
    assert _started(text, title_start, "General Security") == "General Security"  # an office's own name
    assert _started(text, title_start, "President Macron") == "President Macron"
    assert _started(text, title_start, "the Catholicos Karekin II") == "Karekin II"
    assert _started(text, title_start, "Assimi Goïta") == "Assimi Goïta"


def test_a_description_before_a_name_is_left_out_of_its_span():
    text = "the student association AEEM, the state news agency Petra, the group Hezbollah, the Syrian opposition group X."
    assert _started(text, described_name_start, "the student association AEEM") == "AEEM"
    assert _started(text, described_name_start, "the state news agency Petra") == "Petra"
    assert _started(text, described_name_start, "the group Hezbollah") == "Hezbollah"
    # a name inside the description, and a description with no name after it, stay as they are
    assert _started(text, described_name_start, "the Syrian opposition group X") == "the Syrian opposition group X"
    assert _started(text, described_name_start, "the student association") == "the student association"


def test_the_start_rules_move_no_annotated_mention():
    # what decoding does to a span's start (a name's first words and its "the" taken in, titles and descriptions left out)
    # leaves every mention the annotators marked in the training data where it is
    articles = load_corpus([REPO / "data" / "corpus", REPO / "data" / "additions", REPO / "data" / "additions-2"])
    moved = []
    for article in (a for a in articles if a.split in ("train", "validation")):
        mentions = sorted(article.mentions, key=lambda m: m.start)
        for mention, floor in zip(mentions, [0] + [m.end for m in mentions[:-1]]):
            starts = {
                name_start(article.text, mention.start, floor),
                title_start(article.text, mention.start, mention.end),
                described_name_start(article.text, mention.start, mention.end),
            }
            if starts != {mention.start}:
                moved.append(article.text[mention.start : mention.end])
    assert moved == []


def test_a_population_noun_and_its_place_in_the_same_role_become_one_span():
    text = "Residents of al-Qaim fled, villagers of the Nuba Mountains stayed, people of Gaza and residents in Kidal left."

    def span(words: str, role: str, confidence: float = 0.8) -> tuple[int, int, str, float]:
        start = text.index(words)
        return (start, start + len(words), role, confidence)

    spans = [span("Residents", "CIV", 0.95), span("al-Qaim", "CIV", 0.5), span("villagers", "CIV"),
             span("Nuba Mountains", "CIV"), span("people", "CIV"), span("Gaza", "GOV"), span("residents", "CIV"),
             span("Kidal", "CIV")]  # fmt: skip
    joined = join_population_places(text, spans)
    assert [(text[start:end], role, confidence) for start, end, role, confidence in joined] == [
        ("Residents of al-Qaim", "CIV", 0.95),  # the head noun's confidence: the place's was that it is an actor
        ("villagers of the Nuba Mountains", "CIV", 0.8),
        ("people", "CIV", 0.8),  # a place tagged in another role is an actor of its own
        ("Gaza", "GOV", 0.8),
        ("residents", "CIV", 0.8),  # only "of" names their place
        ("Kidal", "CIV", 0.8),
    ]
    assert join_population_places(text, []) == []


def test_a_population_noun_grows_over_the_place_named_after_it():
    text = "Residents of Nyala, residents of the Jordan Valley, people of al-Qaim, villagers of Kidal’s hills, the army of Mali and locals of the area fled."

    def grown(words: str, limit: int = len(text)) -> str:
        start = text.index(words)
        return text[start : place_end(text, start, start + len(words.rsplit(" of", 1)[0]), limit)]

    assert grown("Residents of") == "Residents of Nyala"
    assert grown("residents of") == "residents of the Jordan Valley"
    assert grown("people of") == "people of al-Qaim"
    assert grown("villagers of") == "villagers of Kidal"  # the place, not what it owns
    assert grown("the army of") == "the army"  # no population noun
    assert grown("locals of") == "locals"  # "the area" names no place
    assert grown("Residents of", limit=text.index("Nyala")) == "Residents"  # a place tagged as a mention stays its own


def test_a_name_never_grows_over_a_sentence_end():
    text = "Iran backs Hezbollah. The UN condemned the attack."
    assert name_end(text, 0, text.index(" The"), len(text)) == text.index(" The")  # a span ending in the full stop


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("UK Plans To Put British Troops In Ukraine", True),  # title case, every small word capitalised
        ("Russia Says US Is Responsible for Deadly Ukrainian Attack on Crimea", True),  # AP style: small words lower
        ("READ MORE ON UKRAINE", True),
        ("Partners In Health said on Monday that the aid was late.", False),  # a name's capital, running text
        ("A: We expected more.", False),  # a clause's first word may be capitalised
        ("Q: What do you need most?", False),
        ("Jordanian and US officials have begun negotiations.", False),
        ("Iran", False),
    ],
)
def test_headline_case_is_told_by_capitalised_function_words(line, headline):
    assert is_headline_case(line) is headline


def test_headline_spans_are_the_title_case_lines_of_each_sentence():
    text = "Putin Says US Is To Blame\nMoscow blamed Washington on Monday. READ MORE ON UKRAINE"
    assert [text[start:end] for start, end in headline_spans(text)] == ["Putin Says US Is To Blame", "READ MORE ON UKRAINE"]
    assert headline_spans(text)[0] == (0, 25)
    assert headline_spans("") == []


def test_web_tokens_are_addresses_hashtags_and_handles_but_not_abbreviations():
    text = "See pic.twitter.com/rvzyKJKTu0, https://t.co/O3z and www.rt.com; #IStandWithEvan, @ZelenskyyUa, press@un.org. The U.S./UK plan."
    assert [text[start:end] for start, end in web_token_spans(text)] == [
        "pic.twitter.com/rvzyKJKTu0,", "https://t.co/O3z", "www.rt.com;", "#IStandWithEvan", "@ZelenskyyUa", "press@un.org",
    ]  # fmt: skip
    assert web_token_spans("The U.S./UK plan and Mr. Smith's 2.5% rise.") == []


def test_inside_any_counts_overlap_not_touching():
    spans = [(4, 10), (20, 25)]
    assert inside_any(spans, 9, 12) and inside_any(spans, 0, 5) and inside_any(spans, 21, 22) and inside_any(spans, 0, 30)
    assert not inside_any(spans, 10, 20) and not inside_any(spans, 0, 4) and not inside_any(spans, 25, 30)
    assert not inside_any([], 0, 5)


def test_a_span_is_cut_at_a_round_bracket():
    text = "The International Monetary Fund (IMF) and the Green Ark (TGA of Lagos said."

    def cut(first: str, last: str) -> list[str]:
        start, end = text.index(first), text.index(last) + len(last)
        return [text[piece_start:piece_end] for piece_start, piece_end in split_at_bracket(text, start, end)]

    assert cut("The", "(IMF") == ["The International Monetary Fund", "IMF"]  # the trimmed ")" left an open bracket
    assert cut("The", "(IMF)") == ["The International Monetary Fund", "IMF"]
    assert cut("The", "(IMF) and the Green") == ["The International Monetary Fund", "IMF", "the Green"]  # "and" trimmed
    assert cut("the Green", "TGA of Lagos") == ["the Green Ark", "TGA of Lagos"]
    assert cut("Monetary", "Fund") == ["Monetary Fund"]  # no bracket: as it was
