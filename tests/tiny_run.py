"""The recipe of the tiny training runs in the tests: the tiny random BERT, six steps, seed 5."""

from __future__ import annotations

from pathlib import Path


def tiny_config(corpus: Path, model: str, output: Path, *extra: str):
    """A run config over ``corpus`` that trains in seconds; ``extra`` are ``key=value`` overrides."""
    from actorstance.config import load_config

    return load_config(
        None,
        [
            f"data.paths=[{corpus}]",
            f"model.name={model}",
            f"output_dir={output}",
            "name=tiny",
            "seed=5",
            "training.batch_size=8",
            "training.max_steps=6",
            "training.eval_every_steps=3",
            "training.logging_steps=1",
            *extra,
        ],
    )
