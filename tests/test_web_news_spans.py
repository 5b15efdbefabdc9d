"""benchmarks/web_news_spans.py: the problem counts of predicted mentions on web pages, and the result file."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.web_news_spans import has_capitalised_function_word, run, span_counts

SEMEVAL = Path(__file__).parent / "fixtures" / "external" / "semeval2025"


def test_span_counts_name_each_kind_of_broken_mention():
    text = "UK Plans To Put Troops In Ukraine\nThe Fund (IMF said, wrote @ZelenskyyUa in pic.twitter.com/Abc12 about Kyiv, the U.S. and U.N."

    def span(surface: str) -> tuple[int, int]:
        start = text.index(surface)
        return start, start + len(surface)

    spans = [span("UK Plans To Put"), span("Troops"), span("The Fund (IMF"), span("ZelenskyyUa"), span("Abc12"), span("Kyiv"), span("the U.S")]
    assert span_counts(text, spans) == {
        "mentions": 7, "capitalised_function_word": 1, "holding_bracket": 1, "inside_web_token": 2,
        "dotted_abbreviations": 2, "dotted_abbreviations_in_mentions": 0,  # "the U.S" leaves the last stop out
    }  # fmt: skip
    assert span_counts(text, [span("the U.S.")])["dotted_abbreviations_in_mentions"] == 1
    assert span_counts(text, []) == {"mentions": 0, "dotted_abbreviations": 2, "dotted_abbreviations_in_mentions": 0}


def test_a_capitalised_function_word_counts_only_after_the_first_word():
    assert has_capitalised_function_word("Partners In Health")
    assert not has_capitalised_function_word("The United Nations") and not has_capitalised_function_word("the Bank of England")
    assert not has_capitalised_function_word("L.A.")  # an abbreviation, not the word "A"


def test_the_result_file_counts_gold_mentions_found_and_problems(tmp_path, monkeypatch):
    from actorstance import predict_io
    from actorstance.corpus.external import import_semeval2025

    pages = {page.text: page for page in import_semeval2025(SEMEVAL, include_unannotated=True).articles}

    class GoldPredictor:  # predicts each page's SemEval mentions, so every gold mention is found exactly
        def predict(self, texts, batch_size):
            return [pages[text] for text in texts]

    monkeypatch.setattr(predict_io, "load_predictor", lambda run_dir, overrides: GoldPredictor())
    output = tmp_path / "spans.json"
    result = run(Path("runs/any"), SEMEVAL, ["actors.link_threshold=0.1"], output)
    assert json.loads(output.read_text(encoding="utf-8")) == result
    assert result["pages"] == 3 and result["overrides"] == ["actors.link_threshold=0.1"]
    assert result["counts"]["gold_mentions"] == result["counts"]["gold_found_exact"] == result["counts"]["mentions"] == 8
    assert result["counts"]["holding_bracket"] == 0  # "OPEC)" is imported trimmed to "OPEC"
    assert result["gold_recall_exact"] == 1.0 and result["per_page"]["mentions"] == round(8 / 3, 2)
