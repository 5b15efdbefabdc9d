"""Every rule of spec section 7 is checked, every error is reported, and nothing is a traceback."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.corpus import CorpusError, check_corpus, load_corpus, write_corpus
from actorstance.labels import LabelSchema

from .conftest import SEED_JSONL, make_article

runner = CliRunner()


def _good():
    return make_article(
        "good", "Iran backs Hezbollah.", [("Iran", "IRN"), ("Hezbollah", "HEZ")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah")], {"HEZ": "MILITIA"},
    )  # fmt: skip


def _write_lines(tmp_path, lines, name="corpus.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _issues(tmp_path, records):
    path = _write_lines(tmp_path, [json.dumps(r, ensure_ascii=False) for r in records])
    _, issues = check_corpus([path], LabelSchema.default())
    return [(issue.line, issue.article, issue.field, issue.message) for issue in issues]


def test_seed_validates(seed_article):
    assert seed_article.id == "000_5d92d8553a383cf3"
    assert len(seed_article.actors) == 17 and len(seed_article.mentions) == 35 and len(seed_article.stances) == 20
    for mention in seed_article.mentions:
        assert seed_article.text[mention.start : mention.end] == mention.text


def test_valid_article_has_no_issues(tmp_path):
    assert _issues(tmp_path, [_good().to_dict()]) == []


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda r: r["mentions"][0].update(text="Irak"), "mentions[0].text", "is 'Irak' but text[0:4] is 'Iran'"),
        (lambda r: r["mentions"][0].update(end=400), "mentions[0]", "outside the text (length 21)"),
        (lambda r: r["mentions"][0].update(start=4, end=4, text=""), "mentions[0]", "is empty or outside"),
        (lambda r: r["mentions"][1].update(start=2, text="an backs Hezbollah"), "mentions[1]", "overlaps mentions[0]"),
        (lambda r: r["mentions"][0].update(actor="IRQ"), "mentions[0].actor", "unknown actor 'IRQ'"),
        (lambda r: r["actors"].append({"id": "USA", "name": "US", "role": "GOV"}), "actors", "actor 'USA' has no mention"),
        (lambda r: r["actors"].append(dict(r["actors"][0])), "actors", "actor id 'IRN' is used 2 times"),
        (lambda r: r["actors"][0].update(role="STATE"), "actors[0].role", "'STATE' is not in the label set"),
        (lambda r: r["stances"][0].update(holder="USA"), "stances[0].holder", "unknown actor 'USA'"),
        (lambda r: r["stances"][0].update(target="AUTHOR"), "stances[0].target", "unknown actor 'AUTHOR'"),
        (lambda r: r["stances"][0].update(target="IRN"), "stances[0]", "holder and target are both 'IRN'"),
        (lambda r: r["stances"][0].update(label="LOVES"), "stances[0].label", "'LOVES' is not in the label set"),
        (lambda r: r["stances"].append(dict(r["stances"][0])), "stances[1]", "second stance for IRN -> HEZ"),
        (lambda r: r["stances"][0]["evidence"][0].update(end=99), "stances[0].evidence[0]", "outside the text"),
        (lambda r: r["mentions"][0].update(start=0, end=5, text="Iran "), "mentions[0]", "ends with whitespace"),
        (lambda r: r.update(split="dev"), "split", "Input should be 'train', 'validation' or 'test'"),
        (lambda r: r.pop("text"), "text", "missing"),
        (lambda r: r["mentions"][0].update(start="zero"), "mentions[0].start", "valid integer"),
    ],
)
def test_each_rule(tmp_path, mutate, field, message):
    record = _good().to_dict()
    mutate(record)
    issues = _issues(tmp_path, [record])
    assert any(f == field and message in m for _, _, f, m in issues), issues


def test_author_holder_is_allowed_but_not_as_actor(tmp_path):
    record = _good().to_dict()
    record["stances"].append({"holder": "AUTHOR", "target": "HEZ", "label": "OPPOSE", "evidence": []})
    assert _issues(tmp_path, [record]) == []
    record["actors"].append({"id": "AUTHOR", "name": "the author", "role": "MEDIA"})
    assert any(f == "actors[2].id" and "reserved" in m for _, _, f, m in _issues(tmp_path, [record]))


def test_all_errors_listed_with_location(tmp_path):
    broken_offsets = _good().to_dict()
    broken_offsets["id"] = "offsets"
    broken_offsets["mentions"][1]["end"] = 999
    unknown_label = _good().to_dict()
    unknown_label["id"] = "labels"
    unknown_label["stances"][0]["label"] = "HATE"
    path = _write_lines(
        tmp_path,
        [json.dumps(_good().to_dict()), "{not json", json.dumps(broken_offsets), "[1, 2]", json.dumps(unknown_label),
         json.dumps(_good().to_dict())],
    )  # fmt: skip
    with pytest.raises(CorpusError) as caught:
        load_corpus(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "5 error(s) in corpus:"
    assert lines[1].startswith(f"{path}:2: article ?: json: invalid JSON")
    assert lines[2] == f"{path}:3: article offsets: mentions[1]: span [11, 999) is empty or outside the text (length 21)"
    assert lines[3] == f"{path}:4: article ?: article: expected a JSON object, got list"
    assert lines[4].startswith(f"{path}:5: article labels: stances[0].label: 'HATE' is not in the label set")
    assert lines[5] == f"{path}:6: article good: id: duplicate article id (first at {path}:1)"


def test_non_utf8_file_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(_good().to_dict()).encode() + b"\n" + '{"id": "caf\xe9"}'.encode("latin-1") + b"\n")
    _, issues = check_corpus([path])
    assert [(i.line, i.field) for i in issues] == [(2, "encoding")]
    assert "not valid UTF-8: byte 0xe9" in issues[0].message


def test_missing_path_and_empty_folder(tmp_path):
    _, issues = check_corpus([tmp_path])
    assert issues[0].message == "no JSONL files found"
    _, issues = check_corpus([tmp_path / "nope.jsonl"])
    assert issues[0].field == "file" and "cannot read" in issues[0].message


def test_folders_are_read_recursively_and_written_atomically(tmp_path):
    (tmp_path / "sub").mkdir()
    write_corpus([_good()], tmp_path / "sub" / "a.jsonl")
    assert [a.id for a in load_corpus(tmp_path)] == ["good"]
    assert not [p for p in (tmp_path / "sub").iterdir() if p.name.startswith(".")]


def test_cli_validate_exit_codes(tmp_path):
    result = runner.invoke(app, ["validate", str(SEED_JSONL)])
    assert result.exit_code == 0, result.output
    assert "OK: 1 articles, 17 actors, 35 mentions, 20 stances" in result.output
    bad = _good().to_dict()
    bad["mentions"][0]["end"] = 3
    bad["stances"][0]["label"] = "X"
    path = _write_lines(tmp_path, [json.dumps(bad)])
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: article good: mentions[0].text: is 'Iran' but text[0:3] is 'Ira'" in result.output
    assert f"{path}:1: article good: stances[0].label: 'X' is not in the label set" in result.output
    assert "2 error(s)" in result.output


def test_cli_stats_json(tmp_path, small_corpus):
    path = tmp_path / "c.jsonl"
    write_corpus(small_corpus, path)
    result = runner.invoke(app, ["stats", str(path), "--json"])
    stats = json.loads(result.output)
    assert stats["articles"] == 12 and stats["mentions"] == 39 and stats["actors"] == 39 and stats["stances"] == 18
    assert stats["roles"] == {"CIV": 3, "GOV": 12, "IGO": 3, "MEDIA": 3, "MIL": 3, "MILITIA": 3, "POL": 3, "REB": 6, "TERROR": 3}
    assert stats["stance_labels"] == {"NEUTRAL": 6, "OPPOSE": 9, "SUPPORT": 3}
    assert stats["splits"]["train"]["articles"] == 8 and stats["splits"]["test"]["stances"] == 4
