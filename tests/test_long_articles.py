"""Long articles are tagged in bounded pieces of whole sentences, and their stance contexts classified in bounded chunks, with the same result as all at once."""

from __future__ import annotations

import platform

import pytest

from actorstance.predictor import Predictor


@pytest.mark.parametrize("chunk", [300, 2_000])
def test_tagging_in_pieces_matches_tagging_at_once(predictor, seed_article, monkeypatch, chunk):
    texts = [seed_article.text * 3, "Iran backs Hezbollah. The UN condemned the attack.", ""]
    monkeypatch.setattr(Predictor, "TAG_CHUNK_CHARS", 10**9)
    whole = predictor._tag_words(texts, 8)
    monkeypatch.setattr(Predictor, "TAG_CHUNK_CHARS", chunk)
    groups = predictor._tag_pieces(texts)
    assert len(groups) >= 3 and all(sum(end - start for _, start, end in group) <= 2 * chunk + 2_000 for group in groups)
    pieces = predictor._tag_words(texts, 8)
    assert [[(w.start, w.end, w.tag, round(w.confidence, 5)) for w in words] for words in pieces] == [
        [(w.start, w.end, w.tag, round(w.confidence, 5)) for w in words] for words in whole
    ]
    assert len(pieces[0]) > 1000 and pieces[2] == []


def test_stance_contexts_classified_in_chunks_match_all_at_once(predictor, seed_article, monkeypatch):
    article = seed_article.model_copy(update={"stances": []})  # gold mentions and actors: many candidate pairs
    monkeypatch.setattr(Predictor, "STANCE_CHUNK_CONTEXTS", 10**9)
    contexts, whole = predictor._context_distributions([article], 8)
    monkeypatch.setattr(Predictor, "STANCE_CHUNK_CONTEXTS", 7)
    again, chunked = predictor._context_distributions([article], 8)
    assert len(contexts) > 7 * 3 and again == contexts
    assert [p.round(5).tolist() for p in chunked] == [p.round(5).tolist() for p in whole]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_memory_is_handed_back_through_glibc():
    from actorstance.machine import _malloc_trim, release_freed_memory

    assert _malloc_trim() is not None  # found, so the long-article paths really trim (not the silent no-op)
    assert release_freed_memory() is None
