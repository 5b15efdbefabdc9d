"""Archive-scale ``predict``: output never emptied, interrupted runs resumed to exactly one record per article,
Parquet in and out, and the progress bar."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from actorstance.archive import partial_path, read_predictions
from actorstance.cli import app
from actorstance.limits import LimitExceeded
from actorstance.predict_io import InputDoc, load_predictor, predict_or_reject
from actorstance.predictor import Predictor

runner = CliRunner()


def _archive(path, count: int, start: int = 0):
    lines = "".join(json.dumps({"id": f"n{i}", "text": f"Iran backs Hezbollah {i}.", "meta": {"date": "2024-03-0" + str(1 + i % 9)}}) + "\n" for i in range(start, start + count))
    path.write_text(lines, encoding="utf-8")
    return path


def _ids(path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def calls(monkeypatch):
    """Ids of every batch the real Predictor is asked for; ``fail_at`` (a batch number) raises there."""
    original = Predictor.predict_articles
    seen: list[list[str]] = []
    plan = {"fail_at": None, "error": KeyboardInterrupt}

    def counting(self, articles, **options):
        if len(seen) == plan["fail_at"]:
            raise plan["error"]()
        seen.append([a.id for a in articles])
        return original(self, articles, **options)

    monkeypatch.setattr(Predictor, "predict_articles", counting)
    return seen, plan


def test_interrupted_run_keeps_the_old_output_and_resume_finishes_it(run_dir, tmp_path, calls):
    seen, plan = calls
    source = _archive(tmp_path / "news.jsonl", 7)
    out = tmp_path / "out.jsonl"
    out.write_text("the previous run's output\n", encoding="utf-8")
    plan["fail_at"] = 2  # Ctrl-C while predicting the third batch
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--batch-size", "2"])
    assert result.exit_code == 130
    assert f"interrupted; 4 article(s) kept in {partial_path(out)}, run again with --resume to go on" in " ".join(result.stderr.split())
    assert out.read_text(encoding="utf-8") == "the previous run's output\n"  # issue 13 item 2: not emptied
    assert _ids(partial_path(out)) == ["n0", "n1", "n2", "n3"]
    plan["fail_at"] = None
    seen.clear()
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--batch-size", "2", "--resume"])
    assert result.exit_code == 0, result.output
    assert seen == [["n4", "n5"], ["n6"]]  # the finished batches are not predicted again
    assert _ids(out) == [f"n{i}" for i in range(7)] and not partial_path(out).exists()


def test_an_error_mid_run_leaves_the_old_output_whole(run_dir, tmp_path, calls):
    _, plan = calls
    plan.update(fail_at=1, error=lambda: RuntimeError("out of memory"))
    out = tmp_path / "out.json"
    out.write_text("[]\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(run_dir), str(_archive(tmp_path / "news.jsonl", 5)), "-o", str(out), "--format", "json", "--batch-size", "2"])
    assert result.exit_code == 1 and "prediction failed: out of memory" in result.stderr
    assert out.read_text(encoding="utf-8") == "[]\n" and sorted(p.name for p in tmp_path.iterdir()) == ["news.jsonl", "out.json", "out.json.rejects.jsonl"]


def test_resume_after_a_kill_drops_the_cut_line_and_ends_with_one_record_per_article(run_dir, tmp_path, calls):
    """SIGKILL while a batch was being written: the partial ends in half a line."""
    seen, _ = calls
    source = _archive(tmp_path / "news.jsonl", 5)
    out = tmp_path / "out.jsonl"
    first = runner.invoke(app, ["predict", str(run_dir), str(source), "--batch-size", "5"])
    lines = first.stdout.splitlines()
    partial_path(out).write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:25], encoding="utf-8")
    seen.clear()
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--resume", "--batch-size", "5"])
    assert result.exit_code == 0, result.output
    assert seen == [["n2", "n3", "n4"]]
    assert _ids(out) == ["n0", "n1", "n2", "n3", "n4"]
    assert out.read_text(encoding="utf-8").splitlines() == lines  # identical to one uninterrupted run


def test_resume_from_a_finished_output_predicts_only_new_articles(run_dir, tmp_path, calls):
    seen, _ = calls
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["predict", str(run_dir), str(_archive(tmp_path / "a.jsonl", 3)), "-o", str(out)]).exit_code == 0
    seen.clear()
    result = runner.invoke(app, ["predict", str(run_dir), str(_archive(tmp_path / "b.jsonl", 5)), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert seen == [["n3", "n4"]] and _ids(out) == [f"n{i}" for i in range(5)]


def test_parquet_in_and_out_matches_jsonl(run_dir, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"p{i}", "text": f"Russian troops fought rebels near Idlib {i}.", "meta": json.dumps({"date": "2024-05-01"})} for i in range(4)]
    rows.append({"id": "p-empty", "text": None, "meta": None})
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "news.parquet")
    out = tmp_path / "out.parquet"
    result = runner.invoke(app, ["predict", str(run_dir), str(tmp_path / "news.parquet"), "-o", str(out), "--batch-size", "3"])
    assert result.exit_code == 1 and f"skipped {tmp_path / 'news.parquet'}:5: missing field 'text'" in " ".join(result.stderr.split())
    as_jsonl = runner.invoke(app, ["predict", str(run_dir), str(tmp_path / "news.parquet"), "--batch-size", "3"]).stdout
    expected = [json.loads(line) for line in as_jsonl.splitlines()]
    assert [a.to_dict() for a in read_predictions(out)] == expected and len(expected) == 4
    assert expected[0]["meta"] == {"date": "2024-05-01"}


def test_parquet_resume(run_dir, tmp_path, calls):
    seen, plan = calls
    source = _archive(tmp_path / "news.jsonl", 5)
    out = tmp_path / "out.parquet"
    plan["fail_at"] = 1
    assert runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--batch-size", "2"]).exit_code == 130
    plan["fail_at"] = None
    seen.clear()
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--batch-size", "2", "--resume"])
    assert result.exit_code == 0, result.output
    assert seen == [["n2", "n3"], ["n4"]] and [a.id for a in read_predictions(out)] == [f"n{i}" for i in range(5)]


def test_progress_shows_rate_and_eta(run_dir, tmp_path):
    result = runner.invoke(app, ["predict", str(run_dir), str(_archive(tmp_path / "news.jsonl", 5)), "--batch-size", "2", "--progress"])
    assert result.exit_code == 0, result.output
    assert "5/5" in result.stderr and "articles/s" in result.stderr and "ETA" in result.stderr


def test_bad_option_combinations(run_dir, tmp_path):
    source = str(_archive(tmp_path / "news.jsonl", 1))
    cases = [
        (["--resume"], "--resume needs --output FILE in jsonl or parquet format"),
        (["--format", "parquet"], "--format parquet needs --output FILE, a regular file"),
        (["--engine", "spark"], "--engine: 'spark' is not one of local, ray"),
        (["--input-format", "xml"], "--input-format: 'xml' is not one of auto, text, jsonl, parquet"),
    ]
    for options, message in cases:
        result = runner.invoke(app, ["predict", str(run_dir), source, *options])
        assert result.exit_code == 2 and message in " ".join(result.stderr.split()), (options, result.stderr)


def test_an_article_over_a_work_limit_is_rejected_and_the_rest_of_its_batch_comes_out(run_dir, tmp_path, monkeypatch):
    original = Predictor.predict_articles

    def limited(self, articles, **options):
        for article in articles:
            if "HUGE" in article.text:
                raise LimitExceeded(f"article {article.id}: 20,001 stance candidates, over the limit of 20,000")
        return original(self, articles, **options)

    monkeypatch.setattr(Predictor, "predict_articles", limited)
    source = _archive(tmp_path / "news.jsonl", 5)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[2] = json.dumps({"id": "n2", "text": "HUGE list of names."})
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--batch-size", "2"])
    assert result.exit_code == 1, result.output  # 1: some input was skipped
    assert _ids(out) == ["n0", "n1", "n3", "n4"]  # n3 shared n2's batch and still comes out
    assert f"skipped {source}:3: article n2: 20,001 stance candidates, over the limit of 20,000" in " ".join(result.stderr.split())
    (reject,) = map(json.loads, (tmp_path / "out.jsonl.rejects.jsonl").read_text(encoding="utf-8").splitlines())
    assert (reject["source"], reject["line"]) == (str(source), 3)
    assert json.loads(reject["raw"]) == {"id": "n2", "text": "HUGE list of names.", "meta": {}}


def test_without_a_reject_callback_a_work_limit_is_raised(run_dir, monkeypatch):
    def limited(self, articles, **options):
        raise LimitExceeded("article a: 3 stance candidates, over the limit of 2")

    monkeypatch.setattr(Predictor, "predict_articles", limited)
    with pytest.raises(LimitExceeded, match="over the limit of 2"):
        predict_or_reject(load_predictor(run_dir), [InputDoc("a", "text", "x.jsonl", line=1)])


def test_max_stance_candidates_option_reaches_the_predictor(run_dir, tmp_path, monkeypatch):
    seen = []
    original = Predictor.predict_articles

    def recording(self, articles, **options):
        seen.append(self.max_stance_candidates)
        return original(self, articles, **options)

    monkeypatch.setattr(Predictor, "predict_articles", recording)
    source = _archive(tmp_path / "news.jsonl", 3)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--max-stance-candidates", "7"])
    assert result.exit_code == 0, result.output
    assert seen and set(seen) == {7}  # the option reaches the Predictor's check (`check_limit` in `_context_distributions`)
    result = runner.invoke(app, ["predict", str(run_dir), str(source), "-o", str(out), "--max-stance-candidates", "0"])
    assert result.exit_code == 2 and "--max-stance-candidates" in " ".join(result.stderr.split())


def test_an_article_with_more_stance_candidates_than_the_predictor_allows_raises_a_named_limit(run_dir):
    text = "Iran backs Hezbollah against Israel."
    mentions = [{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20, "actor": "HEZ"}, {"start": 29, "end": 35, "actor": "ISR"}]
    predictor = load_predictor(run_dir, max_stance_candidates=5)  # 3 actors in one sentence: 6 ordered pairs, one context each
    with pytest.raises(LimitExceeded, match="article doc-0: 6 stance candidates, over the limit of 5"):
        predictor.predict(text, mentions=mentions)
    assert load_predictor(run_dir, max_stance_candidates=6).predict(text, mentions=mentions).id == "doc-0"
