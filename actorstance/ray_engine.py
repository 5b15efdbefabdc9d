"""The distributed engine: the same `Predictor` in a Ray Data pipeline, one loaded Predictor per worker.

``map_batches`` runs `_PredictorWorker` on an actor pool of ``workers`` actors (each with its CPU
or GPU share), so every worker loads the run once and predicts batch after batch. The driver reads
and checks the inputs itself (rejects, resume, ids: as the local engine) and hands Ray windows of
``window`` articles, so memory stays bounded however large the archive; results come back in
input order. Ray is an optional extra: ``pip install 'actorstance[distributed]'``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .limits import MAX_STANCE_CANDIDATES_PER_ARTICLE, LimitExceeded
from .predict_io import InputDoc, Reject, batched, predict_or_reject
from .schema import Article

__all__ = ["RayUnavailable", "ray_batches", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'actorstance[distributed]' (from a checkout: pip install -e '.[distributed]')"
_LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2  # windows of text are small; Ray's default takes 30 % of RAM


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


class _PredictorWorker:
    """One Ray actor: loads the run once, then predicts every batch it is given."""

    def __init__(
        self, run_dir: str, device: str | None, backend: str, batch_size: int, min_score: float | None, threads: int,
        max_stance_candidates: int = MAX_STANCE_CANDIDATES_PER_ARTICLE, overrides: Sequence[str] = (),
    ):  # fmt: skip
        import torch

        from .predict_io import load_predictor

        torch.set_num_threads(threads)
        self.predictor = load_predictor(
            run_dir, device=device, backend=backend, max_stance_candidates=max_stance_candidates, overrides=overrides
        )
        self.batch_size, self.min_score = batch_size, min_score

    def __call__(self, batch: dict) -> dict:
        """Per input row, in order, its prediction or (an article over a work limit) its reject, as JSON."""
        docs = [
            InputDoc(str(identifier), str(text), str(source), json.loads(meta), None if line < 0 else int(line))
            for identifier, text, meta, source, line in zip(batch["id"], batch["text"], batch["meta"], batch["source"], batch["line"])
        ]
        rejects: list[Reject] = []  # in input order, as the documents that have no prediction
        results = predict_or_reject(self.predictor, docs, self.batch_size, self.min_score, rejects.append)
        predicted = {article.id: json.dumps(article.to_dict(), ensure_ascii=False) for article in results}
        rejected = iter(rejects)
        return {
            "record": [predicted.get(doc.id, "") for doc in docs],
            "reject": ["" if doc.id in predicted else json.dumps(next(rejected).to_dict(), ensure_ascii=False) for doc in docs],
        }


def _start(address: str | None, workers: int, cpus_per_worker: float, gpus_per_worker: float) -> bool:
    """Join ``address`` or start a local Ray sized for the workers; True when this call started it."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--engine ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    if ray.is_initialized():
        return False
    options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING, configure_logging=False)
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(
                num_cpus=max(1, round(workers * cpus_per_worker)), num_gpus=round(workers * gpus_per_worker) or None,
                object_store_memory=_LOCAL_OBJECT_STORE_BYTES, **options,
            )  # fmt: skip
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise RayUnavailable(f"cannot start Ray{f' at {address}' if address else ''}: {' '.join(str(error).split())}") from None
    return True


def ray_batches(
    run_dir: str | Path,
    docs: Iterable[InputDoc],
    *,
    workers: int = 2,
    address: str | None = None,
    batch_size: int = 32,
    device: str | None = None,
    backend: str = "torch",
    min_score: float | None = None,
    cpus_per_worker: float = 1.0,
    gpus_per_worker: float = 0.0,
    window: int = 4096,
    reject: Callable[[Reject], None] | None = None,
    max_stance_candidates: int = MAX_STANCE_CANDIDATES_PER_ARTICLE,
    overrides: Sequence[str] = (),
) -> Iterator[list[Article]]:
    """Predictions for ``docs`` in input order, one list per ``batch_size`` articles, computed by Ray workers.
    An article over a work limit goes to ``reject`` (`predict_io.predict_or_reject`); without it, the run fails.
    ``overrides``: the run's prediction settings changed for every worker (`predict_io.load_predictor`)."""
    started = _start(address, workers, cpus_per_worker, gpus_per_worker)
    import ray

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    worker_options = dict(
        fn_constructor_kwargs=dict(
            run_dir=str(Path(run_dir).resolve()), device=device, backend=backend, batch_size=batch_size,
            min_score=min_score, threads=max(1, int(cpus_per_worker)), max_stance_candidates=max_stance_candidates,
            overrides=list(overrides),
        ),
        batch_size=batch_size, concurrency=workers, num_cpus=cpus_per_worker, num_gpus=gpus_per_worker or None,
    )  # fmt: skip
    try:
        for part in batched(docs, window):
            rows = [
                {"id": doc.id, "text": doc.text, "meta": json.dumps(doc.meta, ensure_ascii=False), "source": doc.source,
                 "line": -1 if doc.line is None else doc.line}
                for doc in part
            ]  # fmt: skip
            dataset = ray.data.from_items(rows).map_batches(_PredictorWorker, **worker_options)
            for batch in dataset.iter_batches(batch_size=batch_size, batch_format="pyarrow"):
                for problem in filter(None, batch.column("reject").to_pylist()):
                    if reject is None:
                        raise LimitExceeded(json.loads(problem)["problem"])
                    reject(Reject(**json.loads(problem)))
                yield [Article.model_validate(json.loads(record)) for record in batch.column("record").to_pylist() if record]
    finally:
        if started:
            ray.shutdown()
