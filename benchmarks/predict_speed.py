"""Role-tagging speed of `Predictor` against a transformers pipeline and against the bare forward pass.

One process, one model, one set of articles (the bundled corpus ``data/corpus`` plus the seed
article), timed in rounds; each round runs every contender once, and the best round counts (the
machine may be shared, so the minimum is the fairest estimate of each):

* predictor   ``Predictor.predict(texts)`` with the stance head switched off (roles only), so it does
              what the pipeline does: sentences, windows, batching, decoding, actor grouping;
* pipeline    ``transformers.pipeline("token-classification", aggregation_strategy="simple")`` over the
              same whole texts, with an equivalent ``*ForTokenClassification`` model (the run's
              encoder and role head, saved to a temporary folder) and the same window settings
              (``roles.max_length`` tokens, ``roles.stride`` overlap) and batch size;
* full_prediction  ``Predictor.predict(texts)`` with both heads (roles, actors and stance edges), for
              the ratio of a full prediction's time to the roles-only one (target <= 3);
* bare        the encoder + role head forward alone over the predictor's own pre-tokenised,
              pre-padded sentence batches: the floor no predictor can beat on this backend;
* backends    ``Predictor.from_pretrained(..., backend=...)`` for each ``--backends`` entry other than
              torch (``onnx`` and ``onnx-int8`` need onnxruntime and onnx; ``compile`` needs a C++
              compiler and compiles for a while on first use, excluded from the timing by a warm-up),
              with their agreement with the torch predictions (mention F1, identical articles);
* also        with ``--also RUN_DIR``, another run's full prediction (an ensemble, ``actorstance ensemble``,
              beside one of its members), for the ratio of its time to this run's.

    python benchmarks/predict_speed.py [RUN_DIR] [--limit N] [--rounds 2] [--batch-size 32]
                                       [--backends onnx,onnx-int8,compile] [--threads N] [--json PATH]
                                       [--also OTHER_RUN_DIR]

Without RUN_DIR a fresh run is trained from configs/smoke.yaml into a temporary folder (a minute).
Prints articles/s, tokens/s (tokens = the articles' sub-word tokens, without specials or window
overlap, the same count for every contender), the ratios against the targets and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TARGET_VS_PIPELINE = 1.5  # predictor articles/s >= 1.5 x pipeline articles/s
TARGET_VS_BARE = 1.2  # predictor time <= 1.2 x bare forward time


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def load_texts(limit: int | None) -> list[str]:
    from actorstance.corpus.jsonl import read_jsonl_unchecked

    files = sorted((REPO / "data" / "corpus").glob("*.jsonl")) + sorted((REPO / "seeds").glob("*.jsonl"))
    texts = [article.text for path in files for article in read_jsonl_unchecked(path)]
    return texts[:limit] if limit else texts


def smoke_run(work: Path) -> Path:
    run_dir = work / "smoke"
    print(f"training a smoke run (configs/smoke.yaml) into {run_dir} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, "-m", "train", str(REPO / "configs" / "smoke.yaml"), "--output", str(run_dir)],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return run_dir


def roles_only(predictor):
    """The same predictor without its stance head: what a token-classification pipeline does."""
    if "roles" not in predictor.models:
        raise SystemExit("this run has no role head; the benchmark compares role tagging")
    predictor.models = {"roles": predictor.models["roles"]}
    return predictor


def build_hf_token_classifier(predictor, directory: Path) -> Path:
    """An ``AutoModelForTokenClassification`` with the run's encoder weights and role head, saved to ``directory``."""
    import torch
    from transformers import AutoModelForTokenClassification

    model = predictor.models["roles"]
    tags = predictor.labels.bio_labels
    config = model.encoder.config.__class__.from_dict(model.encoder.config.to_dict())
    config.num_labels = len(tags)
    config.id2label = dict(enumerate(tags))
    config.label2id = {tag: index for index, tag in enumerate(tags)}
    hf = AutoModelForTokenClassification.from_config(config)
    missing, unexpected = hf.base_model.load_state_dict(model.encoder.state_dict(), strict=False)
    if missing or any(not key.startswith("pooler.") for key in unexpected):
        raise SystemExit(f"encoder weights do not fit the token-classification model: missing {missing}, unexpected {unexpected}")
    hf.classifier.load_state_dict(model.role_head.state_dict())
    hf.eval()
    sample = torch.tensor([predictor.tokenizer("Iran backs Hezbollah in southern Syria.")["input_ids"]])
    with torch.inference_mode():
        ours = model(input_ids=sample, attention_mask=torch.ones_like(sample))["role_logits"]
        theirs = hf(input_ids=sample, attention_mask=torch.ones_like(sample)).logits
    if not torch.allclose(ours, theirs, atol=1e-4):
        raise SystemExit(f"the HF model does not reproduce the role head (max diff {(ours - theirs).abs().max():.2e})")
    hf.save_pretrained(directory)
    predictor.tokenizer.save_pretrained(directory)
    return directory


def agreement(reference, other) -> dict:
    """How far a backend's predictions match the torch predictor's: mention F1 (span + role) and identical articles."""
    def mentions(articles):
        return {(index, m.start, m.end, a.actor_by_id()[m.actor].role) for index, a in enumerate(articles) for m in a.mentions}

    ours, theirs = mentions(reference), mentions(other)
    both = len(ours & theirs)
    f1 = 2 * both / (len(ours) + len(theirs)) if ours or theirs else 1.0
    same = sum(
        [(m.start, m.end, m.actor) for m in a.mentions] == [(m.start, m.end, m.actor) for m in b.mentions]
        for a, b in zip(reference, other)
    )
    return {"mention_f1": round(f1, 4), "identical_articles": f"{same}/{len(reference)}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", nargs="?", help="run directory (default: train configs/smoke.yaml into a temp folder)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds; the best counts")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--backends", default="onnx,onnx-int8", help="comma-separated extra backends to time: onnx, onnx-int8, compile ('' for none)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's choice)")
    parser.add_argument("--json", dest="json_path", help="also write the results here")
    parser.add_argument(
        "--also", action="append", default=[], metavar="RUN_DIR",
        help="also time another run's full prediction in the same rounds (an ensemble beside one of its members); repeatable",
    )  # fmt: skip
    args = parser.parse_args()

    import torch
    from transformers import AutoTokenizer, pipeline
    from transformers.utils import logging as hf_logging

    from actorstance.dataset import PadCollator, encode_sentences
    from actorstance.predictor import Predictor, _equal_length_batches

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    texts = load_texts(args.limit)
    rss_start = _peak_rss_mb()

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        run_dir = Path(args.run_dir) if args.run_dir else smoke_run(work)
        predictor = roles_only(Predictor.from_pretrained(run_dir, device="cpu"))
        options = predictor.config.roles
        model = predictor.models["roles"]
        batch = args.batch_size

        # Same windows as the predictor; tokens = sub-words of the articles, counted once.
        windows = encode_sentences(predictor.tokenizer, texts, [str(i) for i in range(len(texts))], options.options())
        seen = set()
        for window in windows:
            seen.update((window.article_id, start) for (start, end), word in zip(window.offsets, window.word_ids) if word != -1 and end > start)
        tokens = len(seen)
        collate = PadCollator(predictor.tokenizer.pad_token_id)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
        lengths = [len(window.input_ids) for window in windows]
        batches = [  # exactly the predictor's batches (same order, same token budget)
            collate([{"input_ids": windows[i].input_ids} for i in chunk])
            for chunk in _equal_length_batches(order, lengths, batch * options.max_length)
        ]

        outputs: dict[str, list] = {}

        def run_predictor(p=predictor, name="predictor"):
            outputs[name] = p.predict(texts, batch_size=batch)

        @torch.inference_mode()
        def run_bare():
            for tensors in batches:
                model(**tensors)["role_logits"]

        hf_dir = build_hf_token_classifier(predictor, work / "hf-token-classifier")
        hf_tokenizer = AutoTokenizer.from_pretrained(hf_dir, model_max_length=options.max_length)
        token_pipeline = pipeline(
            "token-classification", model=str(hf_dir), tokenizer=hf_tokenizer, aggregation_strategy="simple", device=-1,
            stride=options.stride,
        )  # fmt: skip

        def run_pipeline():
            token_pipeline(texts, batch_size=batch)

        contenders = {"predictor": run_predictor, "bare_forward": run_bare, "pipeline": run_pipeline}
        full = Predictor.from_pretrained(run_dir, device="cpu")
        if "stance" in full.models:  # roles + stances, against the roles-only predictor above
            full.predict(texts[:4], batch_size=batch)
            contenders["full_prediction"] = lambda: run_predictor(full, "full_prediction")
        for other_dir in args.also:
            other_full = Predictor.from_pretrained(other_dir, device="cpu")
            other_full.predict(texts[:4], batch_size=batch)
            name = f"full_prediction[{Path(other_dir).name}]"
            contenders[name] = lambda p=other_full, n=name: run_predictor(p, n)
        loaded_backends = {}
        for name in [b.strip() for b in args.backends.split(",") if b.strip() and b.strip() != "torch"]:
            try:
                started = time.perf_counter()
                other = roles_only(Predictor.from_pretrained(run_dir, device="cpu", backend=name))
                other.predict(texts[:4], batch_size=batch)  # export / compile / warm-up, not timed
                for tensors in batches[:: max(1, len(batches) // 6)]:  # compile: see the shapes it will meet
                    with torch.inference_mode():
                        other.models["roles"](**tensors)
                loaded_backends[name] = round(time.perf_counter() - started, 1)
                contenders[f"predictor[{name}]"] = lambda p=other, n=f"predictor[{name}]": run_predictor(p, n)
            except Exception as error:  # noqa: BLE001 - report and go on with the others
                print(f"backend {name}: not measured ({type(error).__name__}: {error})", file=sys.stderr)

        # Warm-up (thread pools, allocator, lazy init) on a few articles, not timed.
        predictor.predict(texts[:4], batch_size=batch)
        token_pipeline(texts[:4], batch_size=batch)
        for tensors in batches[:2]:
            with torch.inference_mode():
                model(**tensors)
        rss_loaded = _peak_rss_mb()

        times: dict[str, list[float]] = {name: [] for name in contenders}
        rss_after: dict[str, float] = {}
        for round_number in range(args.rounds):
            for name, function in contenders.items():
                started = time.perf_counter()
                function()
                times[name].append(time.perf_counter() - started)
                rss_after.setdefault(name, _peak_rss_mb())
                print(f"round {round_number + 1}: {name:<20} {times[name][-1]:8.2f} s", file=sys.stderr, flush=True)

    best = {name: min(values) for name, values in times.items()}
    result = {
        "run_dir": str(args.run_dir or "fresh smoke run (configs/smoke.yaml)"),
        "model": predictor.config.model.name,
        "articles": len(texts),
        "characters": sum(len(text) for text in texts),
        "tokens": tokens,
        "sentence_windows": len(windows),
        "batch_size": batch,
        "torch_threads": torch.get_num_threads(),
        "rounds": args.rounds,
        "seconds": {name: round(value, 3) for name, value in best.items()},
        "articles_per_s": {name: round(len(texts) / value, 2) for name, value in best.items()},
        "tokens_per_s": {name: round(tokens / value, 1) for name, value in best.items()},
        "speedup_predictor_vs_pipeline": round(best["pipeline"] / best["predictor"], 2),
        "predictor_time_over_bare_forward": round(best["predictor"] / best["bare_forward"], 3),
        "full_prediction_time_over_roles_only": round(best["full_prediction"] / best["predictor"], 2) if "full_prediction" in best else None,
        "backend_setup_s": loaded_backends,
        "peak_rss_mb": {"start": round(rss_start), "models_loaded": round(rss_loaded), **{f"after_{k}": round(v) for k, v in rss_after.items()}},
        "all_times_s": {name: [round(v, 3) for v in values] for name, values in times.items()},
    }
    for name in contenders:
        if name.startswith("full_prediction[") and "full_prediction" in best:
            result[f"{name}_time_over_full_prediction"] = round(best[name] / best["full_prediction"], 2)
        if name.startswith("predictor["):
            result[f"speedup_{name}_vs_pipeline"] = round(best["pipeline"] / best[name], 2)
            result[f"{name}_time_over_bare_forward_torch"] = round(best[name] / best["bare_forward"], 3)
            result[f"{name}_agreement_with_torch"] = agreement(outputs["predictor"], outputs[name])
    print(json.dumps(result, indent=2))
    verdict_pipeline = "met" if result["speedup_predictor_vs_pipeline"] >= TARGET_VS_PIPELINE else "NOT met"
    verdict_bare = "met" if result["predictor_time_over_bare_forward"] <= TARGET_VS_BARE else "NOT met"
    print(f"predictor vs pipeline: {result['speedup_predictor_vs_pipeline']:.2f}x (target >= {TARGET_VS_PIPELINE}x: {verdict_pipeline})")
    print(f"predictor time / bare forward: {result['predictor_time_over_bare_forward']:.3f} (target <= {TARGET_VS_BARE}: {verdict_bare})")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
