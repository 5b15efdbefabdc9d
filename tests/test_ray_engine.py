"""``--engine ray``: the same predictions as the local engine, from a Ray Data pipeline on a local 2-CPU Ray."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from actorstance.cli import app

runner = CliRunner()

TEMPLATES = [
    "Iran backs Hezbollah. The UN condemned the attack.",
    "Russian troops fought rebels near Idlib. Reuters reported heavy losses.",
    "Oman said it does not take sides between Riyadh and the Houthis.",
    "Daesh attacked villagers. The opposition party blamed the government.",
]


def _records(text: str) -> dict[str, dict]:
    return {record["id"]: record for record in map(json.loads, text.splitlines()) if record}


@pytest.mark.slow
def test_ray_engine_matches_the_local_engine(run_dir, tmp_path):
    pytest.importorskip("ray", reason="the distributed extra is not installed")
    source = tmp_path / "archive.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"r{i}", "text": f"{TEMPLATES[i % 4]} Day {i}."}) + "\n" for i in range(300)) + "{broken\n",
        encoding="utf-8",
    )
    local = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(tmp_path / "local.jsonl"), "--no-progress"])
    distributed = runner.invoke(
        app, ["predict", str(run_dir), str(source), "-o", str(tmp_path / "ray.jsonl"), "--engine", "ray", "--workers", "2", "--no-progress"]
    )
    assert local.exit_code == distributed.exit_code == 1  # the broken line is skipped by both
    assert f"skipped {source}:301: invalid JSON" in " ".join(distributed.stderr.split())
    ours = _records((tmp_path / "ray.jsonl").read_text(encoding="utf-8"))
    theirs = _records((tmp_path / "local.jsonl").read_text(encoding="utf-8"))
    assert len(ours) == 300 and ours == theirs


def test_ray_engine_without_ray_says_how_to_install(run_dir, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    (tmp_path / "a.txt").write_text("Iran backs Hezbollah.", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(run_dir), str(tmp_path / "a.txt"), "--engine", "ray"])
    assert result.exit_code == 2
    assert "--engine ray needs Ray, which is not installed: pip install 'actorstance[distributed]'" in " ".join(result.stderr.split())


def test_a_ray_worker_returns_a_reject_for_an_article_over_a_work_limit_and_predicts_the_rest(run_dir, monkeypatch):
    from actorstance.limits import LimitExceeded
    from actorstance.predictor import Predictor
    from actorstance.ray_engine import _PredictorWorker

    original = Predictor.predict_articles

    def limited(self, articles, **options):
        if any("HUGE" in article.text for article in articles):
            raise LimitExceeded("article b: 20,001 stance candidates, over the limit of 20,000")
        return original(self, articles, **options)

    monkeypatch.setattr(Predictor, "predict_articles", limited)
    worker = _PredictorWorker(str(run_dir), None, "torch", 8, None, 1)
    batch = {"id": ["a", "b", "c"], "text": [TEMPLATES[0], "HUGE list.", TEMPLATES[1]], "meta": ["{}"] * 3,
             "source": ["news.jsonl"] * 3, "line": [1, 2, -1]}  # fmt: skip
    out = worker(batch)
    assert [json.loads(r)["id"] if r else None for r in out["record"]] == ["a", None, "c"]
    assert [json.loads(r)["line"] if r else None for r in out["reject"]] == [None, 2, None]
    assert json.loads(out["reject"][1])["problem"] == "article b: 20,001 stance candidates, over the limit of 20,000"
