"""How a run's predicted mentions hold up on web news pages, which the bundled corpus has none of.

    python benchmarks/web_news_spans.py RUN [--data PATH] [--set KEY=VALUE ...] [--output PATH]

The corpus is clean news prose; pages scraped from the web also carry titles in title case or
capitals, embedded posts with web addresses, hashtags and @handles, and "Name (ACRONYM)". The 200
English pages of SemEval-2025 Task 10 (``raw-documents``, all of them, annotated or not) are such
text. The script predicts every page end to end and counts, over all predicted mentions, the ones
that break what the corpus' gold mentions never do:

* ``inside_web_token``: a mention overlapping a web address, an e-mail address, a hashtag or an
  @handle (`actorstance.text.web_token_spans`);
* ``holding_bracket``: a mention with a round bracket in it ("the International Monetary Fund (IMF");
  no gold mention of the corpus has one;
* ``capitalised_function_word``: a mention with a capitalised function word after its first word
  ("UK Plans To Put"); 2 of the corpus' 8,010 gold mentions have one ("Partners In Health").

It also counts the capital-letter abbreviations with full stops in the pages ("U.S.", "U.K.", "U.N.";
``dotted_abbreviations``, which the corpus never writes) and how many of them a predicted mention
covers (``dotted_abbreviations_in_mentions``).

SemEval annotates some named entities of 104 of the pages (414 mentions, the ones whose roles it
asks for): ``gold_found_exact`` counts those a predicted mention matches exactly, a guide to recall
on real pages (SemEval's entities are not the corpus' actors, so precision is not measured). The
result also gives predicted actors, mentions and stances per page.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.external import BENCHMARKS, _cpu_seconds, _load_average, run_provenance  # noqa: E402

COUNTED = (
    "mentions", "inside_web_token", "holding_bracket", "capitalised_function_word", "dotted_abbreviations",
    "dotted_abbreviations_in_mentions", "gold_mentions", "gold_found_exact", "actors", "stances",
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "as", "is", "are", "was", "says", "that", "it"})  # fmt: skip


def has_capitalised_function_word(surface: str) -> bool:
    """Whether a word after the first of ``surface`` is a capitalised function word ("UK Plans To Put"; the
    "A" of "L.A." is no word)."""
    from actorstance.text import undotted

    return any(word[0].isupper() and word.lower() in FUNCTION_WORDS for word in _WORD.findall(undotted(surface)[0])[1:])


def span_counts(text: str, spans: list[tuple[int, int]]) -> Counter:
    """The problem counts of the module docstring for the mention ``spans`` of one ``text``."""
    from actorstance.text import inside_any, web_token_spans

    web_tokens = web_token_spans(text)
    counts: Counter = Counter(mentions=len(spans))
    for start, end in spans:
        surface = text[start:end]
        counts["inside_web_token"] += inside_any(web_tokens, start, end)
        counts["holding_bracket"] += "(" in surface or ")" in surface
        counts["capitalised_function_word"] += has_capitalised_function_word(surface)
    for match in _DOTTED.finditer(text):
        counts["dotted_abbreviations"] += 1
        counts["dotted_abbreviations_in_mentions"] += any(start <= match.start() and match.end() <= end for start, end in spans)
    return counts


def predict_pages(run_dir: Path, data: Path, overrides: list[str]) -> tuple[list, list]:
    """SemEval's pages (gold, with the entities it annotates) and the run's predictions of them, in order."""
    from actorstance.corpus.external import import_semeval2025
    from actorstance.predict_io import load_predictor

    pages = import_semeval2025(data, include_unannotated=True).articles
    predictor = load_predictor(run_dir, overrides=overrides)
    return pages, predictor.predict([page.text for page in pages], batch_size=8)


def run(run_dir: Path, data: Path, overrides: list[str], output: Path) -> dict[str, Any]:
    from actorstance.atomic import atomic_write_text

    started, cpu, load = time.perf_counter(), _cpu_seconds(), _load_average()
    pages, predicted = predict_pages(run_dir, data, overrides)
    counts: Counter = Counter()
    for page, article in zip(pages, predicted):
        counts.update(span_counts(page.text, [(mention.start, mention.end) for mention in article.mentions]))
        found = {(mention.start, mention.end) for mention in article.mentions}
        counts["gold_mentions"] += len(page.mentions)
        counts["gold_found_exact"] += sum((gold.start, gold.end) in found for gold in page.mentions)
        counts["actors"] += len(article.actors)
        counts["stances"] += len(article.stances)
    result = {
        "run": str(run_dir),
        "overrides": overrides,
        "pages": len(pages),
        "counts": {key: counts[key] for key in COUNTED},
        "per_page": {key: round(counts[key] / len(pages), 2) for key in ("actors", "mentions", "stances")},
        "gold_recall_exact": round(counts["gold_found_exact"] / counts["gold_mentions"], 4) if counts["gold_mentions"] else None,
        **run_provenance("web_news_spans.py", started, cpu, load),
    }
    atomic_write_text(output, json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="a trained run directory")
    parser.add_argument("--data", type=Path, default=REPO / BENCHMARKS["semeval2025"].data)
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a prediction setting for this run (as actorstance predict --set)")  # fmt: skip
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "web-news-spans.json")
    args = parser.parse_args(argv)
    result = run(args.run, args.data, args.overrides, args.output)
    print(json.dumps({key: result[key] for key in ("counts", "per_page", "gold_recall_exact")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
