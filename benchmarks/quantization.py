"""Quantised CPU inference: speed against agreement with fp32, for several int8 recipes.

Each recipe exports the run's model to ONNX (as ``backend="onnx"`` does) and quantises a different
set of its MatMul nodes to int8 with ONNX Runtime's dynamic quantisation (per-channel weights):

* none         no MatMul (``backend="onnx"``: what ONNX Runtime alone changes, speed and rounding);
* all          every MatMul (today's ``backend="onnx-int8"``);
* no-heads     every MatMul except the role and stance heads;
* ffn          only the feed-forward MatMuls (intermediate and output dense), attention kept fp32;
* ffn-middle   the feed-forward MatMuls of the middle layers only (first and last layer fp32);
* attention    only the attention projections (query, key, value, attention output).

The fp32 reference is the plain torch predictor. On the test split of the bundled corpus, each
recipe's predictions are compared with it: mention agreement (strict F1 over article, start, end and
role) and stance edge agreement (F1 over article, holder, target and label); speed is articles/s of
``predict_articles`` over the same articles, best of ``--rounds`` (ratio against fp32 measured in
the same run). Targets (issue 15): agreement >= 0.99 (mentions) and >= 0.98 (edges) at >= 2x fp32.

    python benchmarks/quantization.py RUN_DIR [--rounds 2] [--limit N] [--threads 2] [--json benchmarks/results/quantization.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TARGET_MENTIONS, TARGET_EDGES, TARGET_SPEEDUP = 0.99, 0.98, 2.0


def _is_head(name: str) -> bool:
    return "role_head" in name or "stance_head" in name


def _is_ffn(name: str) -> bool:
    return ("intermediate" in name or "/output/dense" in name) and "attention" not in name


def _layer(name: str) -> int | None:
    for part in name.split("/"):
        if part.startswith("layer."):
            return int(part.split(".")[1])
    return None


RECIPES = {
    "none": lambda name, layers: False,
    "all": lambda name, layers: True,
    "no-heads": lambda name, layers: not _is_head(name),
    "ffn": lambda name, layers: _is_ffn(name),
    "ffn-middle": lambda name, layers: _is_ffn(name) and _layer(name) not in (0, layers - 1),
    "attention": lambda name, layers: "attention" in name,
}


def recipe_runner(recipe: str):
    """An `OnnxRunner` whose quantisation keeps fp32 every MatMul the recipe does not select."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from actorstance.backends import OnnxRunner

    class RecipeRunner(OnnxRunner):
        @staticmethod
        def _quantize(path: Path) -> Path:
            graph = onnx.load(str(path)).graph
            matmuls = [node.name for node in graph.node if node.op_type == "MatMul"]
            layers = 1 + max((_layer(name) or 0) for name in matmuls)
            chosen = [name for name in matmuls if RECIPES[recipe](name, layers)]
            RecipeRunner.quantized_nodes = f"{len(chosen)}/{len(matmuls)}"
            if not chosen:  # quantize_dynamic reads an empty selection as "everything"
                return path
            quantized = path.with_name("model-int8.onnx")
            quantize_dynamic(str(path), str(quantized), weight_type=QuantType.QInt8, per_channel=True, nodes_to_quantize=chosen)
            return quantized

    return RecipeRunner


def agreement(reference, other) -> dict:
    def mentions(articles):
        return {(a.id, m.start, m.end, a.actor_by_id()[m.actor].role) for a in articles for m in a.mentions}

    def edges(articles):
        return {(a.id, s.holder, s.target, s.label) for a in articles for s in a.stances}

    def f1(ours, theirs):
        return 2 * len(ours & theirs) / (len(ours) + len(theirs)) if ours or theirs else 1.0

    return {
        "mention_agreement": round(f1(mentions(reference), mentions(other)), 4),
        "edge_agreement": round(f1(edges(reference), edges(other)), 4),
    }


def timed(predictor, articles, rounds: int):
    best, results = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        results = predictor.predict_articles(articles, batch_size=32)
        best = min(best, time.perf_counter() - started)
    return results, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N test articles")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--json", dest="json_path", type=Path)
    args = parser.parse_args()

    import torch
    from transformers.utils import logging as hf_logging

    from actorstance.atomic import atomic_write_text
    from actorstance.corpus import load_corpus
    from actorstance.predictor import Predictor
    from actorstance.schema import Article

    hf_logging.set_verbosity_error()
    if args.threads:
        torch.set_num_threads(args.threads)
    gold = [a for path in sorted((REPO / "data" / "corpus").glob("*.jsonl")) for a in load_corpus(path) if a.split == "test"]
    articles = [Article(id=a.id, text=a.text) for a in gold][: args.limit]
    reference_predictor = Predictor.from_pretrained(args.run_dir, device="cpu")
    reference, fp32_seconds = timed(reference_predictor, articles, args.rounds)
    results = {
        "articles": len(articles),
        "characters": sum(len(a.text) for a in articles),
        "threads": torch.get_num_threads(),
        "fp32": {"articles_per_s": round(len(articles) / fp32_seconds, 2)},
        "recipes": {},
    }
    print(f"fp32: {results['fp32']}", file=sys.stderr, flush=True)
    for recipe in [r.strip() for r in args.recipes.split(",") if r.strip()]:
        predictor = Predictor.from_pretrained(args.run_dir, device="cpu")
        runner = recipe_runner(recipe)
        shared = {}
        predictor.models = {
            task: shared.setdefault(id(model), runner(model, torch.device("cpu"), quantize=True)) for task, model in predictor.models.items()
        }
        predictor.backend = f"onnx-int8[{recipe}]"
        predicted, seconds = timed(predictor, articles, args.rounds)
        entry = {"quantized_matmuls": runner.quantized_nodes, "articles_per_s": round(len(articles) / seconds, 2),
                 "speedup_vs_fp32": round(fp32_seconds / seconds, 2), **agreement(reference, predicted)}  # fmt: skip
        entry["targets_met"] = (
            entry["mention_agreement"] >= TARGET_MENTIONS and entry["edge_agreement"] >= TARGET_EDGES and entry["speedup_vs_fp32"] >= TARGET_SPEEDUP
        )
        results["recipes"][recipe] = entry
        print(f"{recipe}: {entry}", file=sys.stderr, flush=True)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json_path:
        atomic_write_text(args.json_path, text + "\n")


if __name__ == "__main__":
    main()
