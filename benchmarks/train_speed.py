"""Training throughput of this trainer against a plain HF Trainer that pads every row to max length.

Both sides train the same model from the same initial weights on the same examples for the same
number of steps, in this process, one after the other; only batching differs:

* actorstance: dynamic padding to the longest row of the batch + length-grouped sampling;
* baseline:    ``padding="max_length"`` (every row padded to the task's max_length) + random sampling.

    python benchmarks/train_speed.py [--config configs/default.yaml] [--steps 40] [--full] [--json PATH]

``--full`` also times ``python -m train CONFIG`` end to end on the bundled corpus (the config's
data), with the threads torch picks (all cores) unless the config pins ``training.threads``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _samples_per_second(config, datasets, tokenizer, labels, model_path, collator, steps: int) -> float:
    from transformers import TrainerCallback

    from train.trainer import build_trainer

    class Clock(TrainerCallback):
        """Times steps after the first two (warm-up: allocation, thread pools)."""

        started = 0.0
        finished = 0.0

        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 2:
                Clock.started = time.perf_counter()
            Clock.finished = time.perf_counter()

    with tempfile.TemporaryDirectory() as work:
        trainer = build_trainer(
            config, tuple(config.tasks), model_path, tokenizer, labels, datasets, Path(work), Path(work) / "log",
            data_collator=collator,
        )  # fmt: skip
        trainer.args.save_strategy = "no"
        trainer.args.disable_tqdm = True
        trainer.add_callback(Clock())
        trainer.train()
    return (steps - 2) * config.training.batch_size / (Clock.finished - Clock.started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=str(REPO / "configs" / "default.yaml"))
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--full", action="store_true", help="also time the whole default training run")
    parser.add_argument("--json", dest="json_path", type=Path, help="also write the results here")
    args = parser.parse_args()

    from datasets import DatasetDict
    from transformers import AutoTokenizer

    from actorstance.config import load_config, resolve_model_name
    from actorstance.corpus import load_corpus
    from actorstance.dataset import PadCollator, build_dataset_dict

    overrides = [f"training.max_steps={args.steps}", "training.eval_every_steps=1000000", "training.early_stopping.patience=null"]
    config = load_config(args.config, overrides)
    model_path = resolve_model_name(config.model.name)
    labels = config.data.label_schema()
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    articles = load_corpus([str(REPO / p) if not Path(p).is_absolute() else p for p in config.data.paths], labels)
    data = build_dataset_dict(
        articles, tokenizer, labels, config.tasks, config.roles.options(), config.stance.options(training=True),
        config.data.split_options(), seed=config.seed,
    )  # fmt: skip
    train_only = DatasetDict({"train": data["train"], "validation": data["validation"].select([])})
    lengths = [len(ids) for ids in data["train"]["input_ids"]]
    pad_length = max(config.roles.max_length, config.stance.max_length)

    ours = _samples_per_second(config, train_only, tokenizer, labels, model_path, None, args.steps)
    baseline_config = config.model_copy(update={"training": config.training.model_copy(update={"group_by_length": False})})
    baseline = _samples_per_second(
        baseline_config, train_only, tokenizer, labels, model_path, PadCollator(tokenizer.pad_token_id, fixed_length=pad_length), args.steps
    )
    result = {
        "config": args.config,
        "steps": args.steps,
        "batch_size": config.training.batch_size,
        "train_examples": len(lengths),
        "mean_tokens_per_example": round(sum(lengths) / len(lengths), 1),
        "padded_length_baseline": pad_length,
        "actorstance_samples_per_s": round(ours, 2),
        "baseline_pad_to_max_samples_per_s": round(baseline, 2),
        "speedup": round(ours / baseline, 2),
    }
    if args.full:
        with tempfile.TemporaryDirectory() as output:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "train", args.config, "--output", f"{output}/run"], cwd=REPO, check=True)
            result["full_run_wall_s"] = round(time.perf_counter() - started, 1)
            run_metrics = json.loads((Path(output) / "run" / "metrics.json").read_text(encoding="utf-8"))
            result["full_run"] = {key: run_metrics.get(key) for key in ("train_time_s", "device", "git_commit")}
    result["machine"] = {"cpus": os.cpu_count(), "load_average_after": list(os.getloadavg())}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json_path:
        from actorstance.atomic import atomic_write_text

        atomic_write_text(args.json_path, text + "\n")
    print(f"speedup over pad-to-max HF Trainer: {result['speedup']:.2f}x")


if __name__ == "__main__":
    main()
