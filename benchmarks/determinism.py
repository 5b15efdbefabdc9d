"""Do retrains of one config give the same weights? Train short runs under different thread counts and
with/without deterministic kernels, and compare every weight tensor against the first run.

    python benchmarks/determinism.py [--config configs/default.yaml] [--max-steps 12]

Each variant trains in its own process (thread counts are fixed when torch starts). Writes
benchmarks/results/determinism.json: per variant, a hash of all its weights, the earlier variants
whose weights are byte-identical to its own, and its largest absolute weight difference from the
first variant.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file

REPO = Path(__file__).resolve().parent.parent
RESULT = REPO / "benchmarks" / "results" / "determinism.json"

# (name, OMP_NUM_THREADS, training.threads, training.deterministic); each setting runs twice so a
# difference can be pinned to it
VARIANTS = (
    ("1 thread", 1, None, True),
    ("1 thread, again", 1, None, True),
    ("2 threads", 2, None, True),
    ("2 threads, again", 2, None, True),
    ("2 threads, nondeterministic kernels", 2, None, False),
    ("2 threads in the environment, training.threads=1", 2, 1, True),
)


def _train(config: str, max_steps: int, threads: int, pinned: int | None, deterministic: bool, output: Path) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}  # fmt: skip
    overrides = [f"training.max_steps={max_steps}", f"training.eval_every_steps={max_steps}",
                 f"training.deterministic={str(deterministic).lower()}", f"training.threads={pinned or 'null'}"]  # fmt: skip
    command = [sys.executable, "-m", "train", config, "--output", str(output)]
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def _weights(run_dir: Path) -> dict:

    tensors = {}
    for path in sorted(run_dir.rglob("*.safetensors")):
        for name, tensor in load_file(path).items():
            tensors[f"{path.parent.name}/{name}"] = tensor
    return tensors


def _digest(weights: dict) -> str:
    """One hash of every tensor's name and bytes: equal digests mean byte-identical weights."""
    digest = hashlib.sha256()
    for name in sorted(weights):
        digest.update(name.encode())
        digest.update(weights[name].contiguous().view(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _max_abs_diff(reference: dict, other: dict) -> float:
    return max(float((reference[k] - other[k]).abs().max()) for k in reference)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.yaml")
    parser.add_argument("--max-steps", type=int, default=12)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        reference = None
        for name, threads, pinned, deterministic in VARIANTS:
            output = Path(scratch) / re.sub(r"\W+", "_", name)
            _train(args.config, args.max_steps, threads, pinned, deterministic, output)
            weights = _weights(output)
            reference = reference or weights
            digest = _digest(weights)
            same = [earlier["variant"] for earlier in results if earlier["sha256"] == digest]
            results.append({"variant": name, "threads": threads, "training_threads": pinned, "deterministic": deterministic, "sha256": digest,
                            "byte_identical_to": same, "max_abs_diff_vs_first": _max_abs_diff(reference, weights)})  # fmt: skip
            print(json.dumps(results[-1]), flush=True)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps({"config": args.config, "max_steps": args.max_steps, "variants": results}, indent=2) + "\n")
    print(f"wrote {RESULT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
