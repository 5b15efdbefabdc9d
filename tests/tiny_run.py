"""One tiny trained run shared by the predict / serve / HTML / bad-input test modules (trained once a session).

Same recipe as tests/test_train_predict.py: the small corpus from conftest, the tiny random BERT, six steps.
"""

from __future__ import annotations

from pathlib import Path

_RUNS: dict[str, Path] = {}


def tiny_run_dir(tmp_path_factory, small_corpus, tiny_model_path: str) -> Path:
    if tiny_model_path not in _RUNS:
        from actorstance.config import load_config
        from actorstance.corpus import write_corpus
        from train import train

        corpus = tmp_path_factory.mktemp("predict-corpus") / "corpus.jsonl"
        write_corpus(small_corpus, corpus)
        config = load_config(
            None,
            [
                f"data.paths=[{corpus}]",
                f"model.name={tiny_model_path}",
                f"output_dir={tmp_path_factory.mktemp('predict-runs')}",
                "name=tiny",
                "seed=5",
                "training.batch_size=8",
                "training.max_steps=6",
                "training.eval_every_steps=3",
                "training.logging_steps=1",
            ],
        )
        _RUNS[tiny_model_path] = train(config)
    return _RUNS[tiny_model_path]
