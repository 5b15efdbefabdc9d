"""Archive-scale prediction: articles/s and peak memory of ``actorstance predict`` with the local engine and with Ray.

One archive, every engine in the same run (ratios against the local engine measured minutes apart
on the same machine), each as its own ``actorstance predict RUN archive.jsonl -o out.jsonl``
process, timed from start to the renamed output (model loading and Ray start-up included):

* local-1t   the local engine with one torch thread (``OMP_NUM_THREADS=1``): the baseline for Ray's overhead;
* local      the local engine with torch's default threads (all cores);
* ray-1      ``--engine ray --workers 1`` (one thread per worker), a local Ray started by the command;
* ray-2      ``--engine ray --workers 2``.

The archive is the bundled corpus (``data/corpus``, 160 articles) repeated with new ids up to
``--articles``; ``--max-chars`` cuts each article after its last sentence end before that many
characters, so that 2,000 articles and four engines fit the few minutes a shared machine allows.
Peak memory is the largest sum of RSS over the command's whole process tree (Ray's raylet, GCS and
workers included; shared pages count once per process, so it is an upper bound), sampled every
0.1 s. Every engine's output is checked to hold exactly one prediction per article, and Ray's to
equal the local engine's.

    python benchmarks/archive_speed.py RUN_DIR [--articles 2000] [--max-chars 600] [--engines local-1t,local,ray-1,ray-2]
                                       [--long-article-chars 1000000] [--long-article-stance-candidates N]
                                       [--json benchmarks/results/archive_speed.json]

The long article (``--long-article-chars``, 0 to skip) is one text of the corpus's articles one after
another, predicted by the local engine with ``--max-text-chars`` raised to let it in; with the shipped
stance-candidate limit it is refused after tagging, ``--long-article-stance-candidates`` lets it through.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from actorstance.atomic import atomic_write_text

REPO = Path(__file__).resolve().parent.parent
TARGET_RAY_OVERHEAD = 0.15  # Ray with one worker within 15 % of the local engine at the same thread count

ENGINES = {
    "local-1t": ([], {"OMP_NUM_THREADS": "1"}),
    "local": ([], {}),
    "ray-1": (["--engine", "ray", "--workers", "1"], {}),
    "ray-2": (["--engine", "ray", "--workers", "2"], {}),
}


def build_archive(path: Path, count: int, max_chars: int) -> dict:
    """``count`` articles from the bundled corpus, repeated with new ids, each cut at a sentence end."""
    texts = []
    for text in corpus_texts():
        if len(text) > max_chars:
            ends = [m.end() for m in re.finditer(r"[.!?][\"'”’)]*\s", text[:max_chars])]
            text = text[: ends[-1]].rstrip() if ends else text[:max_chars]
        texts.append(text)
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            stream.write(json.dumps({"id": f"a{index:06d}", "text": texts[index % len(texts)]}, ensure_ascii=False) + "\n")
    return {"articles": count, "characters": sum(len(texts[i % len(texts)]) for i in range(count)), "distinct_texts": len(texts)}


def corpus_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for corpus in sorted((REPO / "data" / "corpus").glob("*.jsonl"))
        for line in corpus.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]


def build_long_article(path: Path, chars: int) -> int:
    """One article of ``chars`` characters: the corpus's articles one after another (real sentences, many actors)."""
    texts, pieces, size = corpus_texts(), [], 0
    while size < chars:
        piece = texts[len(pieces) % len(texts)]
        pieces.append(piece)
        size += len(piece) + 2
    text = "\n\n".join(pieces)[:chars]
    path.write_text(text, encoding="utf-8")
    return len(text)


def run_engine(
    run_dir: Path, archive: Path, output: Path, options: list[str], extra_env: dict, timeout: float | None = None, may_reject: bool = False
) -> dict:
    """Run one ``actorstance predict`` and sample the RSS of its process tree until it exits (or ``timeout``).
    ``may_reject``: exit status 1 (input skipped, listed in the rejects file) is a result, not a failure."""
    command = [sys.executable, "-m", "actorstance", "predict", str(run_dir), str(archive), "-o", str(output), "--no-progress", *options]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra_env}
    started = time.perf_counter()
    log = output.with_name(output.name + ".stderr")  # a file, not a pipe: a long run's warnings cannot fill it and stall the child
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w", encoding="utf-8"), text=True)
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        if timeout is not None and time.perf_counter() - started > timeout:
            for child in root.children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
            return {"wall_s": None, "timed_out_after_s": timeout, "peak_rss_mb": round(peak / 1024**2)}
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass  # a process ended between listing and reading
        time.sleep(0.1)
    wall = time.perf_counter() - started
    measured = {"wall_s": round(wall, 2), "peak_rss_mb": round(peak / 1024**2)}
    rejects = output.with_name(output.name + ".rejects.jsonl")
    if process.returncode == 1 and may_reject and rejects.is_file():
        measured["rejected"] = [json.loads(line)["problem"] for line in rejects.read_text(encoding="utf-8").splitlines() if line.strip()]
    elif process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{log.read_text(encoding='utf-8')}")
    return measured


def records(path: Path) -> dict[str, dict]:
    found = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            record = json.loads(line)
            found[record["id"]] = record
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--max-chars", type=int, default=600, help="cut articles at a sentence end before this many characters")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, from {', '.join(ENGINES)}")
    parser.add_argument("--long-article-chars", type=int, default=1_000_000, help="also predict one article this long (0: skip)")
    parser.add_argument("--long-article-timeout", type=float, default=150.0, help="seconds before the long article is given up")
    parser.add_argument(
        "--long-article-stance-candidates", type=int,
        help="--max-stance-candidates for the long article (default: the shipped limit, which refuses a 1 MB article after tagging it)",
    )  # fmt: skip
    parser.add_argument("--json", dest="json_path", type=Path, help="also write the results here")
    args = parser.parse_args()
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        raise SystemExit(f"unknown engines: {', '.join(sorted(unknown))}")

    results: dict = {"engines": {}}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        archive = work / "archive.jsonl"
        if engines:
            results["archive"] = build_archive(archive, args.articles, args.max_chars)
        reference = None
        for name in engines:
            options, extra_env = ENGINES[name]
            output = work / f"{name}.jsonl"
            print(f"{name} ...", file=sys.stderr, flush=True)
            measured = run_engine(args.run_dir, archive, output, options, extra_env)
            predicted = records(output)
            if len(predicted) != args.articles:
                raise SystemExit(f"{name}: {len(predicted)} predictions for {args.articles} articles")
            reference = reference or predicted
            measured["articles_per_s"] = round(args.articles / measured["wall_s"], 2)
            measured["same_as_first_engine"] = predicted == reference
            results["engines"][name] = measured
            print(f"  {measured}", file=sys.stderr, flush=True)
        if args.long_article_chars:
            long_path = work / "long.txt"
            size = build_long_article(long_path, args.long_article_chars)
            print(f"one article of {size:,} characters ...", file=sys.stderr, flush=True)
            long = run_engine(
                args.run_dir, long_path, work / "long.jsonl",
                ["--max-text-chars", str(size)] + (["--max-stance-candidates", str(args.long_article_stance_candidates)] if args.long_article_stance_candidates else []),
                {}, timeout=args.long_article_timeout, may_reject=True,
            )  # fmt: skip
            results["long_article"] = {"characters": size, **long, "target_peak_rss_mb": 1536}
            print(f"  {long}", file=sys.stderr, flush=True)
    measured = results["engines"]
    if "local-1t" in measured and "ray-1" in measured:
        overhead = measured["local-1t"]["articles_per_s"] / measured["ray-1"]["articles_per_s"] - 1
        results["ray_1_overhead_vs_local_1t"] = round(overhead, 3)
        results["ray_1_overhead_target_met"] = overhead <= TARGET_RAY_OVERHEAD
    if "ray-1" in measured and "ray-2" in measured:
        results["ray_2_vs_ray_1"] = round(measured["ray-2"]["articles_per_s"] / measured["ray-1"]["articles_per_s"], 2)
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "run": str(args.run_dir)}
    results["settings"] = {"articles": args.articles, "max_chars": args.max_chars, "engines": engines,
                           "long_article_chars": args.long_article_chars, "long_article_timeout_s": args.long_article_timeout,
                           "long_article_stance_candidates": args.long_article_stance_candidates}  # fmt: skip
    text = json.dumps(results, indent=2)
    print(text)
    if args.json_path:
        atomic_write_text(args.json_path, text + "\n")


if __name__ == "__main__":
    main()
