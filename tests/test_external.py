"""Importers of the external data sets, on small fixtures that copy their formats and oddities."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.corpus import CorpusError, check_article, load_corpus, read_articles, write_articles
from actorstance.corpus.external import (
    import_newsmtsc,
    import_park2021,
    import_semeval2025,
    read_newsmtsc,
    read_park2021,
    read_semeval2025,
    trim_span,
    write_semeval2025,
)
from actorstance.labels import LabelSchema
from actorstance.schema import AUTHOR, Actor, Article, Mention

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "external"
PARK = FIXTURES / "park2021"
NEWSMTSC = FIXTURES / "newsmtsc"
SEMEVAL = FIXTURES / "semeval2025"
LABELS = ROOT / "configs" / "labels"


def labels(name: str) -> LabelSchema:
    return LabelSchema.load(LABELS / f"{name}.yaml")


def mentions(article: Article) -> list[tuple[str, int, int, str]]:
    return [(mention.actor, mention.start, mention.end, mention.text) for mention in article.mentions]


def stances(article: Article) -> list[tuple[str, str, str, list[tuple[int, int]]]]:
    return [
        (stance.holder, stance.target, stance.label, [(span.start, span.end) for span in stance.evidence])
        for stance in article.stances
    ]


def assert_valid(articles: list[Article], schema: LabelSchema) -> None:
    problems = [(article.id, problem) for article in articles for problem in check_article(article, schema)]
    assert problems == []


# --------------------------------------------------------------------------- label schemas


@pytest.mark.parametrize(
    ("name", "roles", "stance_labels"),
    [("park2021", ["ENTITY"], ["SUPPORT", "OPPOSE"]), ("newsmtsc", ["PERSON"], ["SUPPORT", "OPPOSE", "NEUTRAL"])],
)
def test_label_schemas(name, roles, stance_labels):
    schema = labels(name)
    assert schema.roles == roles
    assert schema.stances == stance_labels


def test_semeval_schema_groups_the_22_fine_roles():
    schema = labels("semeval2025")
    assert len(schema.roles) == 22
    assert sorted(role for group in schema.role_groups.values() for role in group) == sorted(schema.roles)
    assert {group: len(fine) for group, fine in schema.role_groups.items()} == {
        "Protagonist": 6,
        "Antagonist": 12,
        "Innocent": 4,
    }
    assert schema.coarse_role("Foreign Adversary") == "Antagonist"
    assert schema.coarse_role("Scapegoat") == "Innocent"


# --------------------------------------------------------------------------- shared helpers


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("Kasich’s", (0, 7), (0, 6)),
        ("x  Davi s", (2, 7), (3, 7)),
        ("the U. S. ”One", (0, 11), (0, 9)),
        ("U.S.", (0, 4), (0, 4)),
        ("NATO)", (0, 5), (0, 4)),
        ('"Mara', (0, 5), (1, 5)),
        ("a , b", (2, 3), None),
        ("’", (0, 1), None),
        (".", (0, 1), None),
    ],
)
def test_trim_span(text, span, expected):
    assert trim_span(text, *span) == expected


def test_utf16_offsets_count_astral_characters_twice():
    from actorstance.corpus._utf16 import Utf16

    offsets = Utf16("a🔵b")
    assert [offsets.to_units(i) for i in range(4)] == [0, 1, 3, 4]
    assert [offsets.to_points(u) for u in range(5)] == [0, 1, None, 2, 3]  # 2 falls inside the surrogate pair
    assert Utf16("").to_units(0) == 0


# --------------------------------------------------------------------------- park2021


def test_park2021_articles_offsets_and_edges():
    result = import_park2021(PARK / "train.txt")
    by_line = {article.meta["line"]: article for article in result.articles}
    assert sorted(by_line) == [1, 2, 3, 4, 5, 11, 13, 14]

    first = by_line[1]
    assert first.id == "park2021-train-000001"
    assert first.text == "A Springfield Mayor praised the Riverton Council for its budget."
    assert first.split == "train"
    assert [(actor.id, actor.name, actor.role) for actor in first.actors] == [
        ("P", "Springfield Mayo", "ENTITY"),
        ("Q", "the Riverton Council", "ENTITY"),
    ]
    # the bracket cut "Mayo]r": the mention is the bracketed part only
    assert mentions(first) == [("P", 2, 18, "Springfield Mayo"), ("Q", 28, 48, "the Riverton Council")]
    assert stances(first) == [("P", "Q", "SUPPORT", [(0, 64)])]
    assert first.meta == {"source": "park2021", "file": "train.txt", "line": 1, "park2021_label": 1}

    # CSV quoting: outer quotes gone, doubled quotes single
    second = by_line[2]
    assert second.text == 'Ostland\'s minister said "we stand with the Northern League" on Monday.'
    assert mentions(second) == [("P", 0, 7, "Ostland"), ("Q", 39, 58, "the Northern League")]
    assert stances(second) == [("Q", "P", "SUPPORT", [(0, 70)])]

    # punctuation and whitespace inside the brackets are trimmed; the actor name keeps the entity string
    third = by_line[3]
    assert third.text == "Kasimir’s allies accused  the Valemark Union  of fraud."
    assert mentions(third) == [("P", 0, 7, "Kasimir"), ("Q", 26, 44, "the Valemark Union")]
    assert third.actors[0].name == "Kasimir’"
    assert stances(third) == [("P", "Q", "OPPOSE", [(0, 55)])]

    # p bracketed twice: two mentions of P
    fourth = by_line[4]
    assert mentions(fourth) == [("P", 0, 4, "Brel"), ("Q", 9, 13, "Dova"), ("P", 24, 28, "Brel")]
    assert stances(fourth) == [("Q", "P", "OPPOSE", [(0, 44)])]

    # label 0: no edge; a final abbreviation dot stays
    fifth = by_line[5]
    assert fifth.text == "Officials in the U. S. ”Trade talks with Norland stalled."
    assert mentions(fifth) == [("P", 13, 22, "the U. S."), ("Q", 41, 48, "Norland")]
    assert fifth.stances == [] and fifth.meta["park2021_label"] == 0

    # p and q the same string: first bracket P, second Q
    assert mentions(by_line[11]) == [("P", 0, 5, "Smith"), ("Q", 11, 16, "Smith")]
    # an entity glued across a quote, as in the published files, is kept as given
    assert mentions(by_line[13]) == [("P", 13, 28, 'Voss."The Board'), ("Q", 34, 38, "Lind")]
    assert by_line[13].actors[0].name == 'Voss."The Board'
    assert stances(by_line[14]) == [("P", "Q", "SUPPORT", [(0, 22)])]

    assert_valid(result.articles, labels("park2021"))


def test_park2021_refused_lines_are_issues_with_file_and_line():
    result = import_park2021(PARK / "train.txt")
    refused = [(issue.line, issue.field) for issue in result.issues]
    assert refused == [(6, "p"), (7, "sentence"), (8, "q"), (9, "label"), (10, "columns"), (12, "sentence")]
    assert all(issue.path.endswith("train.txt") for issue in result.issues)
    assert result.issues[0].article == "park2021-train-000006"
    assert "no letter or digit" in result.issues[0].message
    assert "nested" in result.issues[1].message
    assert "never closed" in result.issues[5].message
    assert result.summary["lines"] == 14
    assert result.summary["articles"] == 8
    assert result.summary["lines refused"] == 6
    assert result.summary["mentions trimmed"] == 3
    assert result.summary["label 3"] == 2


def test_park2021_reader_logs_refusals_or_raises_when_strict(caplog):
    with caplog.at_level(logging.INFO, logger="actorstance.corpus.external"):
        articles = read_park2021(PARK / "train.txt")
    assert len(articles) == 8
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert sum("train.txt:" in message and "refused" in message for message in warnings) == 6
    assert any("lines refused 6" in message for message in warnings)
    with pytest.raises(CorpusError) as error:
        read_park2021(PARK / "train.txt", strict=True)
    assert [issue.line for issue in error.value.issues] == [6, 7, 8, 9, 10, 12]


def test_park2021_folder_pins_splits_by_file_name():
    articles = read_articles(PARK, "park2021")
    assert [article.id for article in articles][-1] == "park2021-valid-000001"
    assert {article.split for article in articles} == {"train", "validation"}
    valid = articles[-1]
    assert mentions(valid) == [("P", 0, 4, "Kiro"), ("Q", 12, 27, "the Delta Front")]


def test_park2021_crlf_lines_and_unusable_files(tmp_path):
    crlf = tmp_path / "extra.txt"
    crlf.write_bytes('[Ana] met [Bo].\tAna\tBo\t1\r\n"Hi," said [Ana] to [Bo].\tAna\tBo\t0\r\n'.encode())
    result = import_park2021(crlf)
    first, second = result.articles
    assert first.text == "Ana met Bo." and first.split is None
    assert first.meta["park2021_label"] == 1
    # a leading quote that is not CSV quoting: the line is read by plain tab splitting
    assert second.text == '"Hi," said Ana to Bo.'
    assert mentions(second) == [("P", 11, 14, "Ana"), ("Q", 18, 20, "Bo")]
    assert result.summary["lines read without CSV quoting"] == 1

    junk = tmp_path / "junk.txt"
    junk.write_text("not a park file\nat all\n", encoding="utf-8")
    with pytest.raises(CorpusError) as error:
        read_park2021(junk)  # nothing usable: raised even when not strict
    assert [issue.line for issue in error.value.issues] == [1, 2]

    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("[Ana] met [Bo].\tAna\tBo\t1\n[Bj\xf6rn] met [Bo].\tBj\xf6rn\tBo\t0\n".encode("latin-1"))
    with pytest.raises(CorpusError) as error:
        read_park2021(latin1)
    assert error.value.issues[0].field == "encoding" and error.value.issues[0].line == 2


def test_cli_convert_park2021(tmp_path):
    runner = CliRunner()
    out = tmp_path / "park.jsonl"
    labels_path = str(LABELS / "park2021.yaml")
    arguments = ["convert", str(PARK / "train.txt"), str(out), "--from", "park2021", "--labels", labels_path]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "wrote 8 article(s)" in result.output
    articles = load_corpus(out, labels("park2021"))
    assert [article.id for article in articles][:2] == ["park2021-train-000001", "park2021-train-000002"]
    assert mentions(articles[0]) == [("P", 2, 18, "Springfield Mayo"), ("Q", 28, 48, "the Riverton Council")]
    assert articles[0].meta["park2021_label"] == 1
    validated = runner.invoke(app, ["validate", str(out), "--labels", labels_path])
    assert validated.exit_code == 0, validated.output
    # the default label set has no ENTITY role: the convert check refuses, listing the articles
    refused = runner.invoke(app, ["convert", str(PARK / "train.txt"), str(tmp_path / "x.jsonl"), "--from", "park2021"])
    assert refused.exit_code == 1


# --------------------------------------------------------------------------- newsmtsc


def test_newsmtsc_articles_targets_and_stances():
    result = import_newsmtsc(NEWSMTSC / "train.jsonl")
    by_line = {article.meta["line"]: article for article in result.articles}
    assert sorted(by_line) == [1, 2, 3, 4, 5, 6]

    first = by_line[1]
    assert first.id == "newsmtsc-train-000001"
    assert first.text == "Senator Vera Lind defended her plan on Tuesday."
    assert first.split == "train"
    assert [(actor.id, actor.name, actor.role) for actor in first.actors] == [("T1", "Senator Vera Lind", "PERSON")]
    assert mentions(first) == [("T1", 0, 17, "Senator Vera Lind")]
    assert stances(first) == [(AUTHOR, "T1", "SUPPORT", [(0, 47)])]
    assert first.meta["newsmtsc_primary_gid"] == "fx_1_Vera Lind_8_17"
    (target,) = first.meta["newsmtsc_targets"]
    assert target["actor"] == "T1" and target["further_mentions"] == [{"from": 27, "to": 30, "mention": "her"}]

    second = by_line[2]
    assert mentions(second) == [("T1", 0, 18, "Governor Tom Reyes"), ("T2", 26, 40, "Mayor Ana Kohl")]
    assert [(s[0], s[1], s[2]) for s in stances(second)] == [(AUTHOR, "T1", "OPPOSE"), (AUTHOR, "T2", "NEUTRAL")]

    # the same span twice: one actor, one stance, both targets point to it
    third = by_line[3]
    assert mentions(third) == [("T1", 12, 20, "Mr. Hale")]
    assert len(third.stances) == 1
    assert [target["actor"] for target in third.meta["newsmtsc_targets"]] == ["T1", "T1"]

    # an overlapping later target is refused, but kept in meta with no actor
    fourth = by_line[4]
    assert mentions(fourth) == [("T1", 0, 11, "Roger Ailes")]
    assert [target["actor"] for target in fourth.meta["newsmtsc_targets"]] == ["T1", None]

    # a mention starting on a quote is trimmed, and then equals the other target
    fifth = by_line[5]
    assert fifth.text == '"Mara Quinn is right," he said.'
    assert mentions(fifth) == [("T1", 1, 11, "Mara Quinn")]
    assert [target["actor"] for target in fifth.meta["newsmtsc_targets"]] == ["T1", "T1"]

    # a target with an unknown polarity is refused, the line's other target stays
    assert mentions(by_line[6]) == [("T1", 0, 9, "Ben Ortiz")]
    assert stances(by_line[6])[0][2] == "NEUTRAL"

    assert_valid(result.articles, labels("newsmtsc"))


def test_newsmtsc_refusals_and_summary():
    result = import_newsmtsc(NEWSMTSC / "train.jsonl")
    assert [(issue.line, issue.field) for issue in result.issues] == [
        (4, "targets[1]"),
        (6, "targets[1]"),
        (7, "json"),
        (8, "targets[0]"),
    ]
    assert "overlaps the earlier target 'Roger Ailes'" in result.issues[0].message
    assert "polarity 5.0" in result.issues[1].message
    assert "is not the sentence's text" in result.issues[3].message
    summary = result.summary
    assert (summary["lines"], summary["articles"], summary["lines refused"]) == (8, 6, 2)
    assert summary["targets"] == 12
    assert summary["duplicate targets merged"] == 2
    assert (summary["stance SUPPORT"], summary["stance OPPOSE"], summary["stance NEUTRAL"]) == (3, 2, 2)


def test_newsmtsc_folder_and_dev_split():
    articles = read_newsmtsc(NEWSMTSC)
    dev = [article for article in articles if article.id.startswith("newsmtsc-dev-mt-")]
    (article,) = dev
    assert article.split == "validation"
    assert mentions(article) == [("T1", 0, 18, "President Ada Voss"), ("T2", 23, 48, "Prime Minister Eli Brandt")]
    assert [stance.label for stance in article.stances] == ["SUPPORT", "NEUTRAL"]
    with pytest.raises(CorpusError):
        read_newsmtsc(NEWSMTSC / "train.jsonl", strict=True)


def test_cli_convert_newsmtsc(tmp_path):
    out = tmp_path / "newsmtsc.jsonl"
    labels_path = str(LABELS / "newsmtsc.yaml")
    result = CliRunner().invoke(
        app, ["convert", str(NEWSMTSC / "dev-mt.jsonl"), str(out), "--from", "newsmtsc", "--labels", labels_path]
    )
    assert result.exit_code == 0, result.output
    (article,) = load_corpus(out, labels("newsmtsc"))
    assert article.id == "newsmtsc-dev-mt-000001"


# --------------------------------------------------------------------------- semeval2025


def test_semeval2025_offsets_roles_and_text():
    result = import_semeval2025(SEMEVAL)
    first, second = result.articles
    assert first.id == "EN_UA_900001" and first.meta["document"] == "EN_UA_900001.txt"
    assert first.text == (SEMEVAL / "raw-documents" / "EN_UA_900001.txt").read_bytes().decode("utf-8")
    assert first.text.endswith("\n") and not second.text.endswith("\n")
    # UTF-16 offsets (the emoji counts 2) become code-point offsets, end exclusive
    assert mentions(first) == [
        ("E1", 0, 7, "Norland"),
        ("E2", 16, 23, "Ostland"),
        ("E3", 39, 46, "Ostland"),  # "Ostland-" trimmed
        ("E4", 81, 88, "Norland"),
        ("E5", 140, 144, "NATO"),  # 'NATO"' trimmed
    ]
    assert [(actor.id, actor.name, actor.role, actor.other_roles) for actor in first.actors] == [
        ("E1", "Norland", "Underdog", None),
        ("E2", "Ostland", "Saboteur", ["Instigator"]),
        ("E3", "Ostland-", "Instigator", None),
        ("E4", "Norland", "Victim", ["Scapegoat"]),
        ("E5", 'NATO"', "Conspirator", None),
    ]
    assert first.meta["semeval2025_trimmed"] == [
        {"start": 39, "end": 46, "original_start": 39, "original_end": 47},
        {"start": 140, "end": 144, "original_start": 140, "original_end": 145},
    ]
    assert mentions(second) == [("E1", 37, 45, "Ida Marr"), ("E2", 93, 101, "Ida Marr"), ("E3", 131, 135, "OPEC")]
    schema = labels("semeval2025")
    assert [schema.coarse_role(actor.role) for actor in second.actors] == ["Protagonist", "Innocent", "Antagonist"]
    assert result.summary["mentions"] == 8 and result.summary["mentions trimmed"] == 3
    assert result.issues == []
    assert_valid(result.articles, schema)


def test_semeval2025_unannotated_documents_are_counted(caplog):
    result = import_semeval2025(SEMEVAL)
    assert result.notes["unannotated_documents"] == ["EN_CC_900003.txt"]
    assert result.summary["skipped: documents without annotations"] == 1
    with caplog.at_level(logging.INFO, logger="actorstance.corpus.external"):
        articles = read_semeval2025(SEMEVAL)
    assert len(articles) == 2
    assert any(
        record.levelno == logging.WARNING and "documents without annotations 1" in record.getMessage()
        for record in caplog.records
    )
    everything = read_semeval2025(SEMEVAL, include_unannotated=True)
    assert [article.id for article in everything] == ["EN_UA_900001", "EN_CC_900002", "EN_CC_900003"]
    assert everything[-1].actors == [] and everything[-1].text == "A document nobody annotated.\n"


def test_semeval2025_round_trip_is_byte_identical(tmp_path):
    articles = read_semeval2025(SEMEVAL)
    out = tmp_path / "predictions.txt"
    write_semeval2025(articles, out)
    assert out.read_bytes() == (SEMEVAL / "subtask-1-annotations.txt").read_bytes()

    # through the JSONL corpus too: the trimmed spans' originals travel in meta
    corpus = tmp_path / "semeval.jsonl"
    write_articles(articles, corpus, "jsonl")
    again = tmp_path / "again.txt"
    write_articles(read_articles(corpus, "jsonl"), again, "semeval2025")
    assert again.read_bytes() == out.read_bytes()


def test_semeval2025_folder_write_reads_back(tmp_path):
    articles = read_semeval2025(SEMEVAL)
    folder = tmp_path / "copy"
    write_semeval2025(articles, folder)
    assert (folder / "subtask-1-annotations.txt").read_bytes() == (SEMEVAL / "subtask-1-annotations.txt").read_bytes()
    for name in ("EN_UA_900001.txt", "EN_CC_900002.txt"):
        assert (folder / "raw-documents" / name).read_bytes() == (SEMEVAL / "raw-documents" / name).read_bytes()
    assert read_semeval2025(folder) == articles


def test_semeval2025_writes_predictions_without_meta(tmp_path):
    text = "🔵 Ida Marr met Ostland."
    prediction = Article(
        id="EN_XX_1",
        text=text,
        actors=[
            Actor(id="a", name="Ida Marr", role="Peacemaker", other_roles=["Virtuous"]),
            Actor(id="b", name="Ostland", role="Tyrant"),
        ],
        mentions=[
            Mention(start=15, end=22, text="Ostland", actor="b"),
            Mention(start=2, end=10, text="Ida Marr", actor="a"),
        ],
    )
    out = tmp_path / "out.txt"
    write_semeval2025([prediction], out)
    assert out.read_bytes() == (
        b"EN_XX_1.txt\tIda Marr\t3\t10\tProtagonist\tPeacemaker\tVirtuous\r\n"
        b"EN_XX_1.txt\tOstland\t16\t22\tAntagonist\tTyrant\r\n"
    )
    wrong = prediction.model_copy(update={"actors": [Actor(id="a", name="x", role="GOV"), prediction.actors[1]]})
    with pytest.raises(ValueError, match="no main role"):
        write_semeval2025([wrong], tmp_path / "wrong.txt")
    victim_tyrant = Actor(id="a", name="x", role="Victim", other_roles=["Tyrant"])
    mixed = prediction.model_copy(update={"actors": [victim_tyrant, prediction.actors[1]]})
    with pytest.raises(ValueError, match="not Innocent roles"):
        write_semeval2025([mixed], tmp_path / "mixed.txt")


def test_semeval2025_bad_lines_are_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SEMEVAL, data)
    table = data / "subtask-1-annotations.txt"
    table.write_bytes(
        table.read_bytes()
        + b"EN_CC_900002.txt\tOPEC\t133\t136\tProtagonist\tCorrupt\r\n"  # Corrupt is an Antagonist role
        + b"EN_CC_900002.txt\tMarr\t1\t4\tAntagonist\tTyrant\r\n"  # text there is not "Marr"
        + b"EN_CC_900002.txt\tstall\t20\t24\tAntagonist\n"  # too few columns (and LF only)
        + b"EN_XX_404.txt\tNobody\t0\t5\tInnocent\tVictim\r\n"  # no such document
        + "EN_CC_900002.txt\t🌍\t20\t20\tInnocent\tVictim\r\n".encode()  # ends inside the emoji
    )
    result = import_semeval2025(data)
    assert [(issue.line, issue.field) for issue in result.issues] == [
        (11, "columns"),
        (9, "fine_roles"),
        (10, "entity_mention"),
        (13, "offsets"),
        (12, "article_id"),
    ]
    assert result.summary["lines without CRLF"] == 1
    assert len(result.articles) == 2 and sum(len(article.mentions) for article in result.articles) == 8
    with pytest.raises(CorpusError):
        read_semeval2025(data, strict=True)


def test_cli_convert_semeval2025_round_trip(tmp_path):
    runner = CliRunner()
    labels_path = str(LABELS / "semeval2025.yaml")
    corpus = tmp_path / "semeval.jsonl"
    result = runner.invoke(app, ["convert", str(SEMEVAL), str(corpus), "--from", "semeval2025", "--labels", labels_path])
    assert result.exit_code == 0, result.output
    assert len(load_corpus(corpus, labels("semeval2025"))) == 2
    out = tmp_path / "submission.txt"
    result = runner.invoke(app, ["convert", str(corpus), str(out), "--to", "semeval2025", "--labels", labels_path])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (SEMEVAL / "subtask-1-annotations.txt").read_bytes()


def test_meta_is_plain_json():
    for articles in (read_park2021(PARK), read_newsmtsc(NEWSMTSC), read_semeval2025(SEMEVAL)):
        for article in articles:
            assert json.loads(json.dumps(article.meta)) == article.meta
