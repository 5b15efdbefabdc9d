"""brat, Label Studio and doccano: fixtures as the tools write them, lossless round trips, located errors."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.corpus import CorpusError, load_corpus, read_articles, write_articles, write_corpus
from actorstance.corpus.brat import write_brat
from actorstance.corpus.labelstudio import config_path
from actorstance.schema import Actor, Article, Mention, Span, Stance

from .conftest import SEED_JSONL

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interop"
BRAT_DIR = FIXTURES / "brat"
LABELSTUDIO_JSON = FIXTURES / "labelstudio-export.json"
DOCCANO_JSONL = FIXTURES / "doccano-export.jsonl"
FORMATS = {"brat": "out", "labelstudio": "out.json", "doccano": "out.jsonl"}

runner = CliRunner()


def _border_talks(**extra) -> Article:
    """The article every fixture holds: curly quotes, a shared evidence span, an AUTHOR stance."""
    text = (BRAT_DIR / "border-talks.txt").read_text(encoding="utf-8")

    def mention(start, end, actor):
        return Mention(start=start, end=end, text=text[start:end], actor=actor)

    return Article(
        id="border-talks",
        text=text,
        actors=[
            Actor(id="JOR", name="Jordan", role="GOV"),
            Actor(id="USA", name="United States", role="GOV"),
            Actor(id="IRN_MILITIA", name="Militias backed by Tehran", role="MILITIA"),
            Actor(id="JOR_MIL", name="Jordanian forces", role="MIL"),
            Actor(id="SYR_MIL", name="Syrian regime forces", role="MIL"),
        ],
        mentions=[
            mention(0, 9, "JOR"),
            mention(14, 26, "USA"),
            mention(67, 92, "IRN_MILITIA"),
            mention(102, 117, "JOR_MIL"),
            mention(119, 124, "JOR"),
            mention(173, 185, "SYR_MIL"),
        ],
        stances=[
            Stance(holder="JOR", target="USA", label="SUPPORT", evidence=[Span(start=0, end=38)]),
            Stance(holder="USA", target="JOR", label="SUPPORT", evidence=[Span(start=0, end=38)]),
            Stance(holder="IRN_MILITIA", target="JOR_MIL", label="OPPOSE", evidence=[Span(start=67, end=117)]),
            Stance(holder="AUTHOR", target="SYR_MIL", label="OPPOSE", evidence=[Span(start=132, end=150)]),
        ],
        **extra,
    )


def _edge_article() -> Article:
    """Astral characters (UTF-16 offsets differ), evidence across a line break, other_roles, ';' in a name."""
    text = "🇯🇴 Amman thanked the UN 🙏 for aid.\nThe UN denied it.\nA thuggish Assad regime, wrote the paper."

    def at(surface, nth=1):
        start = -1
        for _ in range(nth):
            start = text.index(surface, start + 1)
        return start, start + len(surface)

    def mention(surface, actor, nth=1):
        start, end = at(surface, nth)
        return Mention(start=start, end=end, text=surface, actor=actor)

    evidence = at("thanked the UN 🙏 for aid.\nThe UN denied")
    return Article(
        id="edge-1",
        text=text,
        meta={"source": "test", "tags": ["a", "b"]},
        split="test",
        actors=[
            Actor(id="JOR", name="Jordan; the kingdom", role="GOV", other_roles=["MIL"]),
            Actor(id="UN", name="United Nations", role="IGO"),
            Actor(id="SYR", name="Syria", role="GOV"),
        ],
        mentions=[
            mention("Amman", "JOR"),
            mention("the UN", "UN"),
            mention("The UN", "UN"),
            mention("Assad regime", "SYR"),
        ],
        stances=[
            Stance(holder="JOR", target="UN", label="SUPPORT", evidence=[Span(start=evidence[0], end=evidence[1])]),
            Stance(
                holder="AUTHOR",
                target="SYR",
                label="OPPOSE",
                evidence=[Span(start=at("thuggish")[0], end=at("thuggish")[1])],
            ),
            Stance(holder="UN", target="JOR", label="NEUTRAL"),
        ],
    )


def _canonical(article: Article) -> dict:
    """Articles compare equal up to the order of actors, which no tool keeps (docs/interop.md)."""
    record = article.to_dict()
    record["actors"] = sorted(record["actors"], key=lambda actor: actor["id"])
    return record


# --- fixtures as the tools write them -------------------------------------------------------------


def test_read_brat_fixture_folder_and_single_file():
    assert read_articles(BRAT_DIR, "brat") == [_border_talks()]
    assert read_articles(BRAT_DIR / "border-talks.ann", "brat") == [_border_talks()]


def test_read_labelstudio_fixture():
    # the cancelled second annotation is skipped; data.title lands in meta
    assert read_articles(LABELSTUDIO_JSON, "labelstudio") == [_border_talks(meta={"title": "Border talks"})]


def test_read_doccano_fixture_with_utf16_offsets():
    first, second = read_articles(DOCCANO_JSONL, "doccano")
    assert first == _border_talks()
    assert second.id == "2418"  # no article_id: doccano's example id
    assert [(m.start, m.end, m.text, m.actor) for m in second.mentions] == [
        (3, 8, "Amman", "JOR"),
        (17, 23, "the UN", "UN"),
    ]
    assert [(a.id, a.name, a.role) for a in second.actors] == [
        ("JOR", "Jordan", "GOV"),
        ("UN", "United Nations", "IGO"),
    ]
    assert second.stances == [Stance(holder="JOR", target="UN", label="SUPPORT", evidence=[Span(start=3, end=23)])]


# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("which", ["seed", "author", "edge"])
def test_round_trip_jsonl_to_tool_to_jsonl(tmp_path, fmt, which):
    original = {
        "seed": lambda: load_corpus(SEED_JSONL)[0],
        "author": lambda: _border_talks(meta={"title": "Border talks"}, split="train"),
        "edge": _edge_article,
    }[which]()
    source = write_corpus([original], tmp_path / "in.jsonl")
    write_articles(read_articles(source, "jsonl"), tmp_path / FORMATS[fmt], fmt)
    write_corpus(read_articles(tmp_path / FORMATS[fmt], fmt), tmp_path / "back.jsonl")
    (back,) = read_articles(tmp_path / "back.jsonl", "jsonl")
    assert _canonical(back) == _canonical(original)
    if which != "seed":  # actors listed in order of first mention come back in the same order
        assert back == original


def test_writers_lay_out_what_the_tools_read(tmp_path, seed_article):
    write_brat([seed_article], tmp_path / "brat")
    ann = (tmp_path / "brat" / f"{seed_article.id}.ann").read_text(encoding="utf-8")
    assert "T1\tGOV 0 9\tJordanian\n" in ann
    assert "\tAnnotatorNotes T1\tactor=JOR; name=Jordan\n" in ann
    assert "R1\tSUPPORT Arg1:T1 Arg2:T2\t\n" in ann
    assert (
        json.loads((tmp_path / "brat" / f"{seed_article.id}.meta.json").read_text(encoding="utf-8"))["split"] == "train"
    )
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]\nGOV\nMIL\n" in conf and "\nEvidence\n" in conf
    assert "\nOPPOSE\tArg1:GOV|" in conf and "Value:ABDULLAH|COALITION|" in conf

    write_articles([seed_article], tmp_path / "ls.json", "labelstudio")
    (task,) = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert task["data"]["article_id"] == seed_article.id
    kinds = {item.get("type") for item in task["annotations"][0]["result"]}
    assert kinds == {"labels", "textarea", "relation"}
    view = ET.fromstring(config_path(tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert [label.get("value") for label in view.find("Labels")][-1] == "Evidence"
    assert [relation.get("value") for relation in view.find("Relations")] == ["SUPPORT", "OPPOSE", "NEUTRAL"]
    assert view.find("TextArea").get("perRegion") == "true"

    write_articles([seed_article], tmp_path / "d.jsonl", "doccano")
    record = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert list(record)[:5] == ["id", "text", "entities", "relations", "Comments"]
    assert record["entities"][0] == {"id": 1, "label": "GOV", "start_offset": 0, "end_offset": 9}


def test_brat_writer_keeps_an_existing_folder(tmp_path, seed_article):
    target = tmp_path / "brat"
    target.mkdir()
    (target / "keep.txt").write_text("annotator work", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_brat([seed_article], target)
    assert (target / "keep.txt").exists()
    write_brat([seed_article], target, overwrite=True)
    assert not (target / "keep.txt").exists()


def test_writers_refuse_what_the_format_cannot_hold(tmp_path):
    article = _border_talks()
    article.stances.append(Stance(holder="AUTHOR", target="USA", label="OPPOSE"))
    article.actors.append(Actor(id="IRN", name="Iran", role="GOV"))
    for fmt, name in FORMATS.items():
        with pytest.raises(CorpusError) as raised:
            write_articles([article], tmp_path / name, fmt)
        found = {(issue.article, issue.field) for issue in raised.value.issues}
        assert found == {("border-talks", "stances[4]"), ("border-talks", "actors")}, fmt
        assert not (tmp_path / name).exists()


# --- the CLI --------------------------------------------------------------------------------------


def test_cli_converts_through_every_tool(tmp_path):
    steps = [
        ("jsonl", SEED_JSONL, "brat", tmp_path / "brat"),
        ("brat", tmp_path / "brat", "labelstudio", tmp_path / "ls.json"),
        ("labelstudio", tmp_path / "ls.json", "doccano", tmp_path / "d.jsonl"),
        ("doccano", tmp_path / "d.jsonl", "jsonl", tmp_path / "back.jsonl"),
    ]
    for source_format, source, target_format, target in steps:
        result = runner.invoke(
            app, ["convert", str(source), str(target), "--from", source_format, "--to", target_format]
        )
        assert result.exit_code == 0, result.output
        assert "wrote 1 article(s)" in result.output
    assert config_path(tmp_path / "ls.json").is_file()
    assert [_canonical(a) for a in load_corpus(tmp_path / "back.jsonl")] == [
        _canonical(a) for a in load_corpus(SEED_JSONL)
    ]


def test_cli_reports_bad_tool_input(tmp_path):
    folder = tmp_path / "brat"
    shutil.copytree(BRAT_DIR, folder)
    ann = folder / "border-talks.ann"
    ann.write_text(
        ann.read_text(encoding="utf-8").replace("R3\tOPPOSE Arg1:T4", "R3\tOPPOSE Arg1:T44"), encoding="utf-8"
    )
    result = runner.invoke(app, ["convert", str(folder), str(tmp_path / "out.jsonl"), "--from", "brat"])
    assert result.exit_code == 1
    assert "border-talks.ann:14: article border-talks: R3: unknown relation argument 'T44' (source)" in result.output
    assert not (tmp_path / "out.jsonl").exists()


# --- bad input: every problem, located ------------------------------------------------------------


def _issues(path, fmt):
    with pytest.raises(CorpusError) as raised:
        read_articles(path, fmt)
    return [(Path(i.path).name, i.line, i.article, i.field, i.message) for i in raised.value.issues]


def test_brat_bad_input_lists_every_problem(tmp_path):
    folder = tmp_path / "brat"
    shutil.copytree(BRAT_DIR, folder)
    ann = folder / "border-talks.ann"
    lines = ann.read_text(encoding="utf-8").split("\n")
    lines[0] = "T1\tGOV 0 9\tJordanien"  # text mismatch
    lines[2] = "T2\tGOV 14 926\tUS officials"  # offsets outside the text
    lines[15] = "T7\tGOV 119 124\tAmman"  # keep
    lines[16] = "A1\tNegated T7"  # an attribute actorstance does not know (and T7 loses its actor)
    lines.append("R5\tOPPOSE Arg1:T4 Arg2:T99\t")
    ann.write_text("\n".join(lines), encoding="utf-8")
    issues = _issues(folder, "brat")
    assert issues == [
        (
            "border-talks.ann",
            17,
            "border-talks",
            "A1",
            "attribute 'Negated T7' is not read: the only attribute is 'Actor <T-id> <actor id>'",
        ),
        (
            "border-talks.ann",
            1,
            "border-talks",
            "T1",
            "text mismatch: the span's text is 'Jordanien' but text[0:9] is 'Jordanian'",
        ),
        ("border-talks.ann", 3, "border-talks", "T2", "span [14, 926) is empty or outside the text (length 187)"),
        ("border-talks.ann", 16, "border-talks", "T7", "mention 'Amman' has no actor (give it the note actor=ID)"),
        ("border-talks.ann", 23, "border-talks", "R5", "unknown relation argument 'T99' (target)"),
    ]


def test_brat_pair_without_text_and_bad_notes(tmp_path):
    (tmp_path / "lonely.ann").write_text("T1\tGOV 0 4\tIran\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Iran backs Hezbollah.", encoding="utf-8")
    (tmp_path / "notes.ann").write_text(
        "T1\tGOV 0 4\tIran\n#1\tAnnotatorNotes T1\tunsure about this one\n"
        "T2\tMILITIA 11 20\tHezbollah\n#2\tAnnotatorNotes T2\tactor=HEZ; stances=IRN->HEZ\n"
        "R1\tSUPPORT Arg1:T1 Arg2:T2\t\n#3\tAnnotatorNotes R1\tevidence=0-20\nE1\tAttack:T1 Target:T2\n",
        encoding="utf-8",
    )
    issues = _issues(tmp_path, "brat")
    assert issues[0] == ("lonely.ann", None, "lonely", "file", "no text file lonely.txt beside it")
    fields = [(line, field) for _, line, _, field, _ in issues[1:]]
    assert fields == [(7, "E1"), (2, "#1"), (4, "#2"), (6, "#3")]  # T1, T2: their bad notes are the news
    messages = " | ".join(message for *_, message in issues)
    assert "relations carry no notes" in messages and "'unsure about this one' is not usable: ids must be" in messages
    assert "stances= does not belong on a mention" in messages


def test_labelstudio_bad_input_lists_every_problem(tmp_path):
    tasks = json.loads(LABELSTUDIO_JSON.read_text(encoding="utf-8"))
    result = tasks[0]["annotations"][0]["result"]
    result[0]["value"]["text"] = "Jordan"  # text mismatch
    result[2]["value"]["end"] = 999  # offsets outside the text
    result.append(
        {"from_id": "kX3v9TqLmA", "to_id": "nope", "type": "relation", "direction": "right", "labels": ["OPPOSE"]}
    )
    second = json.loads(json.dumps(tasks[0]))
    second["data"]["article_id"] = "second"
    second["annotations"][1]["was_cancelled"] = False  # two live annotations, none ground truth
    path = tmp_path / "export.json"
    path.write_text(json.dumps([tasks[0], second]), encoding="utf-8")
    issues = _issues(path, "labelstudio")
    assert issues == [
        ("export.json", None, "border-talks", "[0].annotations[0].result[0]",
         "text mismatch: the region's text is 'Jordan' but text[0:9] is 'Jordanian'"),
        ("export.json", None, "border-talks", "[0].annotations[0].result[2]",
         "span [14, 999) is empty or outside the text (length 187)"),
        ("export.json", None, "border-talks", "[0].annotations[0].result[21]",
         "unknown relation argument 'nope' (target)"),
        ("export.json", None, "second", "[1].annotations",
         "2 annotations and 0 marked ground truth: keep one annotation per task or mark one as ground truth"),
    ]  # fmt: skip


def test_doccano_bad_input_lists_every_problem(tmp_path):
    lines = DOCCANO_JSONL.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["entities"][1]["end_offset"] = 400  # outside the text
    record["relations"][2]["to_id"] = 1  # unknown entity
    record["actors"] = [actor for actor in record["actors"] if actor["id"] != "SYR_MIL"]  # mention without actor
    emoji = json.loads(lines[1])
    emoji["entities"][0]["start_offset"] = 1  # inside the flag's surrogate pair
    path = tmp_path / "export.jsonl"
    path.write_text(
        json.dumps(record, ensure_ascii=False) + "\n{not json\n" + json.dumps(emoji, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    issues = _issues(path, "doccano")
    assert issues == [
        ("export.jsonl", 1, "border-talks", "entities[1]", "span [14, 400) is empty or outside the text (length 187)"),
        ("export.jsonl", 1, "border-talks", "entities[7]",
         "mention 'Assad’s army' has no actor (list its [start, end] under an actor in the line's 'actors')"),
        ("export.jsonl", 1, "border-talks", "relations[2]", "unknown relation argument '1' (target)"),
        ("export.jsonl", 2, None, "json",
         "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
        ("export.jsonl", 3, "2418", "entities[0]",
         "offsets [1, 10] split a character (UTF-16 surrogate pair) or lie outside the text"),
    ]  # fmt: skip


def test_labelstudio_utf16_offsets_get_a_hint(tmp_path):
    text = "🇯🇴 Amman thanked the UN."
    region = {"value": {"start": 5, "end": 10, "text": "Amman", "labels": ["GOV"]}, "id": "a1", "from_name": "label",
              "to_name": "text", "type": "labels", "origin": "manual"}  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": [region]}]}]))
    ((name, line, article, field, message),) = _issues(path, "labelstudio")
    assert (name, line, article, field) == ("export.json", None, "1", "[0].annotations[0].result[0]")
    assert message.endswith("(the offsets look like UTF-16 code units; Label Studio exports code points)")


def test_brat_text_without_ann_is_an_unannotated_article(tmp_path):
    (tmp_path / "plain.txt").write_text("Line one.\r\nLine two.", encoding="utf-8")
    (article,) = read_articles(tmp_path, "brat")
    assert (article.id, article.text, article.mentions, article.stances) == ("plain", "Line one.\nLine two.", [], [])
