"""How many of a person's name variants the stance network folds into one node, on web news pages.

    python benchmarks/web_news_network.py RUN [--data PATH] [--output PATH]

The bundled corpus invents its people, one article each, so it has no name to fold across articles
(the script counts the folds over its gold articles too). The 200 English pages of SemEval-2025 Task 10 report on the same people again and again ("Joe
Biden", "Biden", "President Biden"). The script predicts every page end to end
(`web_news_spans.predict_pages`), builds the network over all of them with and without
`actorstance.person_names` (``actorstance network --keep-name-variants``) and writes both sizes and
every fold (variant key -> node key), so that a reader can check each one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.external import BENCHMARKS, _cpu_seconds, _load_average, run_provenance  # noqa: E402
from benchmarks.web_news_spans import predict_pages  # noqa: E402


def run(run_dir: Path, data: Path, output: Path, corpus_dir: Path = REPO / "data" / "corpus") -> dict[str, Any]:
    from actorstance.atomic import atomic_write_text
    from actorstance.corpus.jsonl import load_corpus
    from actorstance.network import build_network

    started, cpu, load = time.perf_counter(), _cpu_seconds(), _load_average()
    _, predicted = predict_pages(run_dir, data, [])
    kept, merged = (build_network(predicted, merge_person_names=merge) for merge in (False, True))
    result = {
        "run": str(run_dir),
        "pages": len(predicted),
        "name_variants_kept": {"nodes": kept.number_of_nodes(), "edges": kept.number_of_edges()},
        "name_variants_merged": {"nodes": merged.number_of_nodes(), "edges": merged.number_of_edges()},
        "merged": merged.graph["merged"],
        "corpus": {"articles": len(corpus := load_corpus(sorted(corpus_dir.glob("*.jsonl")))), "merged": build_network(corpus).graph["merged"]},
        **run_provenance("web_news_network.py", started, cpu, load),
    }
    atomic_write_text(output, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="a trained run directory")
    parser.add_argument("--data", type=Path, default=REPO / BENCHMARKS["semeval2025"].data)
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "web-news-network.json")
    args = parser.parse_args(argv)
    result = run(args.run, args.data, args.output)
    print(json.dumps({key: result[key] for key in ("name_variants_kept", "name_variants_merged", "merged", "corpus")}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
