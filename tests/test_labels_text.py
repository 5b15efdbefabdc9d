from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actorstance.labels import NONE_LABEL, LabelSchema, bio_tags, tags_to_spans
from actorstance.text import sentence_index, sentence_spans


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


def test_bio_round_trip_and_stray_inside_tag():
    assert bio_tags(5, [(0, 2, "GOV"), (3, 4, "MIL")]) == ["B-GOV", "I-GOV", "O", "B-MIL", "O"]
    assert tags_to_spans(["I-GOV", "I-GOV", "B-GOV", "I-MIL", "O"]) == [(0, 2, "GOV"), (2, 3, "GOV"), (3, 4, "MIL")]


@given(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["A", "B", None])), max_size=12))
def test_tags_to_spans_inverts_bio_tags(pieces):
    spans, position = [], 0
    for length, label in pieces:
        if label:
            spans.append((position, position + length, label))
        position += length
    assert tags_to_spans(bio_tags(position, spans)) == spans


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
