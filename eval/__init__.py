"""Evaluation harness: metrics, bootstrap intervals, reports, run comparison and baselines.

``python -m eval RUN_DIR`` scores a trained run, ``python -m eval score GOLD PRED`` two corpora,
``python -m eval compare ...`` several runs, ``python -m eval baseline NAME`` a baseline.
Modules are imported where used; importing ``eval`` loads nothing else.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["METRIC_PATH"]

METRIC_PATH = Path(__file__).resolve().parent / "actorstance_metric"
"""The local ``evaluate`` module: ``evaluate.load(str(METRIC_PATH))`` works offline."""
