"""External benchmarks (benchmarks/external.py): the published metrics on hand-computed cases, fine
roles consistent with the main role, and the runner end to end on the small fixtures."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score

from actorstance.labels import LabelSchema
from actorstance.predictor import Predictor, _Word
from actorstance.schema import AUTHOR, Actor, Article, Mention, Stance

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "external"


def _load_runner():
    spec = importlib.util.spec_from_file_location("bench_external", REPO / "benchmarks" / "external.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_runner()


# --------------------------------------------------------------------------- park2021


def _park(article_id: str, label: int | None, *edges: tuple[str, str, str, float | None]) -> Article:
    text = "Anna met Carl."
    return Article(
        id=article_id,
        text=text,
        meta={} if label is None else {"park2021_label": label},
        actors=[Actor(id="P", name="Anna", role="ENTITY"), Actor(id="Q", name="Carl", role="ENTITY")],
        mentions=[Mention(start=0, end=4, text="Anna", actor="P"), Mention(start=9, end=13, text="Carl", actor="Q")],
        stances=[Stance(holder=h, target=t, label=lab, score=score) for h, t, lab, score in edges],
    )


def test_park2021_class_maps_both_directions_back():
    assert bench.park2021_class(_park("a", None)) == 0
    assert bench.park2021_class(_park("a", None, ("P", "Q", "SUPPORT", 0.9))) == 1
    assert bench.park2021_class(_park("a", None, ("Q", "P", "SUPPORT", 0.9))) == 2
    assert bench.park2021_class(_park("a", None, ("P", "Q", "OPPOSE", 0.9))) == 3
    assert bench.park2021_class(_park("a", None, ("Q", "P", "OPPOSE", 0.9))) == 4
    # both directions predicted: the more confident edge decides
    assert bench.park2021_class(_park("a", None, ("P", "Q", "SUPPORT", 0.6), ("Q", "P", "OPPOSE", 0.8))) == 4
    assert bench.park2021_class(_park("a", None, ("P", "Q", "OPPOSE", 0.7), ("Q", "P", "SUPPORT", 0.55))) == 3


def test_park2021_scores_hand_computed_and_as_sklearn():
    gold_labels = [0, 0, 1, 2, 3, 4, 4, 0]
    predictions = [
        (),                                                       # 0 -> 0
        (("P", "Q", "SUPPORT", 0.7),),                            # 0 -> 1
        (("P", "Q", "SUPPORT", 0.9),),                            # 1 -> 1
        (("Q", "P", "SUPPORT", 0.8),),                            # 2 -> 2
        (("Q", "P", "OPPOSE", 0.8),),                             # 3 -> 4
        (("Q", "P", "OPPOSE", 0.9), ("P", "Q", "SUPPORT", 0.5)),  # 4 -> 4
        (),                                                       # 4 -> 0
        (),                                                       # 0 -> 0
    ]  # fmt: skip
    gold = [_park(f"a{i}", label, ("P", "Q", "SUPPORT", None)) for i, label in enumerate(gold_labels)]  # meta wins
    predicted = [_park(f"a{i}", None, *edges) for i, edges in enumerate(predictions)]
    scores = bench.park2021_scores(gold, list(reversed(predicted)))  # paired by id, not by order
    y_pred = [0, 1, 1, 2, 4, 4, 0, 0]
    # per class F1: 0: P=2/3 R=2/3 -> 2/3; 1: P=1/2 R=1 -> 2/3; 2: 1; 3: 0; 4: P=1/2 R=1/2 -> 1/2
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1 + 0 + 1 / 2) / 5)
    assert scores["macro_f1"] == pytest.approx(f1_score(gold_labels, y_pred, labels=[0, 1, 2, 3, 4], average="macro"))
    assert scores["accuracy"] == pytest.approx(5 / 8) == accuracy_score(gold_labels, y_pred)
    assert scores["examples"] == 8 and scores["gold_counts"] == {"0": 3, "1": 1, "2": 1, "3": 1, "4": 2}
    assert scores["confusion"][3] == [0, 0, 0, 0, 1]
    with pytest.raises(ValueError, match="no prediction for 1 article"):
        bench.park2021_scores(gold, predicted[:-1])


def test_majority_baseline_is_fitted_per_fold_on_that_folds_training_part():
    park = bench.BENCHMARKS["park2021"]
    fold_one = ([_park("t1", 1), _park("t2", 1), _park("t3", 0)], [_park("a", 1), _park("b", 1)])
    fold_two = ([_park("t4", 0), _park("t5", 0), _park("t6", 0)], [_park("c", 0), _park("d", 0)])
    baseline = park.majority_baseline([fold_one, fold_two], labels=None)
    # fold one guesses 1 for a, b and fold two 0 for c, d: all right; classes 0 and 1 F1 1, the other three 0
    assert baseline == {"class_per_fold": [1, 0], "macro_f1": pytest.approx(2 / 5), "accuracy": 1.0}
    # fitted on all six training articles (class 0) it would score a and b wrong
    pooled = park.majority_baseline([(fold_one[0] + fold_two[0], fold_one[1] + fold_two[1])], labels=None)
    assert pooled == {"class": 0, "macro_f1": pytest.approx(2 / 3 / 5), "accuracy": 0.5}


def test_each_benchmark_object_guesses_its_own_majority_class():
    news = bench.BENCHMARKS["newsmtsc"]
    training = [_news("n1", [("T1", 2.0)], {"T1": "OPPOSE"}), _news("n2", [("T1", 2.0), ("T2", 6.0)], {"T1": "OPPOSE", "T2": "SUPPORT"})]
    assert news.majority_class(training) == "negative"
    guessed = news.guess("negative", _news("n3", [("T1", 6.0), ("T2", 4.0)], {}))
    assert [(s.holder, s.target, s.label) for s in guessed.stances] == [(AUTHOR, "T1", "OPPOSE"), (AUTHOR, "T2", "OPPOSE")]
    semeval = bench.BENCHMARKS["semeval2025"]
    assert semeval.majority_class([_sem("d1", [["Victim"], ["Tyrant"], ["Victim", "Scapegoat"]])]) == "Victim"
    assert [a.role for a in semeval.guess("Victim", _sem("d2", [["Tyrant"], ["Spy"]])).actors] == ["Victim", "Victim"]
    with pytest.raises(ValueError, match="a majority baseline needs a training part with at least one labelled example"):
        news.majority_class([])


# --------------------------------------------------------------------------- newsmtsc


def _news(article_id: str, targets: list[tuple[str | None, float]], stances: dict[str, str]) -> Article:
    actors = sorted({actor for actor, _ in targets if actor})
    text = " ".join(actors) + " spoke."
    mentions, cursor = [], 0
    for actor in actors:
        mentions.append(Mention(start=cursor, end=cursor + len(actor), text=actor, actor=actor))
        cursor += len(actor) + 1
    return Article(
        id=article_id,
        text=text,
        meta={"newsmtsc_targets": [{"actor": actor, "polarity": polarity} for actor, polarity in targets]},
        actors=[Actor(id=a, name=a, role="PERSON") for a in actors],
        mentions=mentions,
        stances=[Stance(holder=AUTHOR, target=t, label=label) for t, label in stances.items()],
    )


def test_newsmtsc_scores_per_target_hand_computed():
    gold = [
        _news("n1", [("T1", 2.0), ("T2", 6.0)], {}),
        _news("n2", [("T1", 4.0), ("T1", 4.0), (None, 6.0)], {}),  # merged duplicate counts twice; refused target skipped
        _news("n3", [("T1", 6.0)], {}),
        _news("n4", [("T1", 2.0)], {}),
    ]
    predicted = [
        _news("n1", [("T1", 0), ("T2", 0)], {"T1": "OPPOSE", "T2": "NEUTRAL"}),
        _news("n2", [("T1", 0)], {}),  # nothing predicted: counts as neutral
        _news("n3", [("T1", 0)], {"T1": "SUPPORT"}),
        _news("n4", [("T1", 0)], {"T1": "SUPPORT"}),
    ]
    predicted[1] = predicted[1].model_copy(update={"stances": [Stance(holder="T1", target="T1x", label="OPPOSE")]})
    scores = bench.newsmtsc_scores(gold, predicted)
    y_true = ["negative", "positive", "neutral", "neutral", "positive", "negative"]
    y_pred = ["negative", "neutral", "neutral", "neutral", "positive", "positive"]
    # negative: P 1/1 R 1/2 -> 2/3; neutral: P 2/3 R 1 -> 4/5; positive: P 1/2 R 1/2 -> 1/2
    assert scores["f1m"] == pytest.approx((2 / 3 + 4 / 5 + 1 / 2) / 3)
    assert scores["f1m"] == pytest.approx(f1_score(y_true, y_pred, average="macro"))
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["targets"] == 6 and scores["targets_refused_by_importer"] == 1
    assert scores["no_author_stance_predicted"] == 2


def test_newsmtsc_without_meta_uses_gold_author_stances():
    gold = _news("n1", [("T1", 2.0)], {"T1": "OPPOSE"}).model_copy(update={"meta": {}})
    predicted = _news("n1", [("T1", 0)], {"T1": "OPPOSE"})
    assert bench.newsmtsc_pairs(gold, predicted) == (["negative"], ["negative"], 0, 0)


# --------------------------------------------------------------------------- semeval2025

SEMEVAL = LabelSchema.resolve("semeval2025")


def _sem(article_id: str, roles: list[list[str]]) -> Article:
    names = [f"E{i + 1}" for i in range(len(roles))]
    text = " ".join(names) + "."
    return Article(
        id=article_id,
        text=text,
        actors=[Actor(id=n, name=n, role=r[0], other_roles=r[1:] or None) for n, r in zip(names, roles)],
        mentions=[Mention(start=3 * i, end=3 * i + 2, text=n, actor=n) for i, n in enumerate(names)],
    )


def test_semeval2025_emr_micro_f1_and_main_role_accuracy():
    gold = [_sem("d1", [["Guardian"], ["Saboteur", "Instigator"], ["Victim"]]), _sem("d2", [["Tyrant"], ["Peacemaker"]])]
    predicted = [_sem("d1", [["Guardian"], ["Saboteur"], ["Tyrant"]]), _sem("d2", [["Corrupt", "Tyrant"], ["Peacemaker"]])]
    scores = bench.semeval2025_scores(gold, predicted, SEMEVAL)
    # sets: {G}={G} yes; {Sa,In} vs {Sa} no; {V} vs {Ty} no; {Ty} vs {Co,Ty} no; {Pe}={Pe} yes
    assert scores["emr"] == pytest.approx(2 / 5)
    # fine roles: gold 6, predicted 6, true positives G, Sa, Ty, Pe = 4
    assert scores["fine_micro_precision"] == pytest.approx(4 / 6)
    assert scores["fine_micro_recall"] == pytest.approx(4 / 6)
    assert scores["fine_micro_f1"] == pytest.approx(4 / 6)
    # main roles: P/P, A/A, I/A, A/A, P/P
    assert scores["main_role_accuracy"] == pytest.approx(4 / 5)
    assert scores["mentions"] == 5 and scores["mentions_with_several_fine_roles"] == {"gold": 1, "predicted": 1}


def test_semeval2025_micro_f1_matches_sklearn_on_unequal_counts():
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.preprocessing import MultiLabelBinarizer

    gold_roles = [["Guardian", "Virtuous"], ["Victim"], ["Spy"]]
    predicted_roles = [["Guardian"], ["Victim", "Scapegoat"], ["Traitor", "Spy"]]
    scores = bench.semeval2025_scores([_sem("d", gold_roles)], [_sem("d", predicted_roles)], SEMEVAL)
    binarizer = MultiLabelBinarizer(classes=SEMEVAL.roles)
    expected = precision_recall_fscore_support(
        binarizer.fit_transform(gold_roles), binarizer.transform(predicted_roles), average="micro"
    )
    assert (scores["fine_micro_precision"], scores["fine_micro_recall"], scores["fine_micro_f1"]) == pytest.approx(expected[:3])
    assert scores["fine_micro_precision"] == pytest.approx(3 / 5) and scores["fine_micro_recall"] == pytest.approx(3 / 4)
    assert scores["emr"] == 0 and scores["main_role_accuracy"] == 1


# --------------------------------------------------------------------------- fine roles consistent with the main role

TINY_GROUPS = LabelSchema(
    name="tiny-groups",
    roles=["A1", "A2", "A3", "B1", "C1"],
    stances=["SUPPORT"],
    role_groups={"A": ["A1", "A2", "A3"], "B": ["B1"]},  # C1 in no group: a group of its own
)


def _given_roles(labels: LabelSchema, role_probabilities: dict[str, float]) -> Actor:
    """`Predictor._roles_for_given` on one one-word mention whose B- tags get these probabilities."""
    predictor = Predictor.__new__(Predictor)
    predictor.labels, predictor.models, predictor.role_vote = labels, {"roles": None}, "geometric"
    tags = labels.bio_labels
    probabilities = np.zeros(len(tags))
    for role, value in role_probabilities.items():
        probabilities[tags.index(f"B-{role}")] = value
    probabilities[0] = 1.0 - probabilities.sum()  # O
    article = Article(
        id="x", text="Ostland acts.", actors=[Actor(id="E1", name="Ostland", role=labels.roles[0])],
        mentions=[Mention(start=0, end=7, text="Ostland", actor="E1")],
    )  # fmt: skip
    words = [_Word(start, end, p, int(p.argmax()), float(p.max())) for start, end, p in ((0, 7, probabilities), (8, 12, probabilities * 0))]
    [actor] = predictor._roles_for_given(article, words)
    return actor


def test_main_role_is_the_group_with_the_largest_summed_probability():
    # B1 is the single most probable fine role, but group A together is more probable
    actor = _given_roles(TINY_GROUPS, {"A1": 0.25, "A2": 0.2, "A3": 0.05, "B1": 0.4})
    assert actor.role == "A1" and actor.other_roles == ["A2"]  # A2 >= 0.5 x A1, A3 below
    assert actor.score == pytest.approx(0.25 / 0.9, abs=1e-4)
    actor = _given_roles(TINY_GROUPS, {"A1": 0.1, "A2": 0.3, "A3": 0.15, "B1": 0.6})
    assert actor.role == "B1" and actor.other_roles is None
    actor = _given_roles(TINY_GROUPS, {"A1": 0.1, "A2": 0.1, "B1": 0.1, "C1": 0.5})
    assert actor.role == "C1" and actor.other_roles is None
    # further fine roles, most probable first, exactly at the threshold included
    ratio = Predictor.FINE_ROLE_RATIO
    actor = _given_roles(TINY_GROUPS, {"A1": 0.2 * ratio, "A2": 0.2, "A3": 0.15, "B1": 0.05})
    assert actor.role == "A2" and actor.other_roles == ["A3", "A1"]


def test_fine_roles_never_cross_groups_on_the_semeval_schema():
    rng = np.random.default_rng(0)
    groups = {role: group for group, fine in SEMEVAL.role_groups.items() for role in fine}
    for _ in range(200):
        values = rng.dirichlet(np.full(len(SEMEVAL.roles), 0.3)) * 0.9
        actor = _given_roles(SEMEVAL, dict(zip(SEMEVAL.roles, values)))
        assert {groups[role] for role in [actor.role, *(actor.other_roles or [])]} == {groups[actor.role]}
        summed = {g: sum(v for r, v in zip(SEMEVAL.roles, values) if groups[r] == g) for g in SEMEVAL.role_groups}
        assert groups[actor.role] == max(summed, key=summed.get)


def test_schema_without_groups_keeps_the_argmax():
    flat = LabelSchema(name="flat", roles=["A1", "A2", "B1"], stances=["SUPPORT"])
    actor = _given_roles(flat, {"A1": 0.3, "A2": 0.25, "B1": 0.4})
    assert actor.role == "B1" and actor.other_roles is None


# --------------------------------------------------------------------------- the runner end to end


def _run(name: str, tmp_path: Path, tiny_model_path: str, *extra: str) -> tuple[dict, Path]:
    output = tmp_path / f"{name}.json"
    predictions = tmp_path / f"{name}-predictions.jsonl"
    code = bench.main(
        [
            name, "--data", str(FIXTURES / name), "--output", str(output), "--predictions", str(predictions),
            "--set", f"model.name={tiny_model_path}", "--set", f"output_dir={tmp_path / 'runs'}",
            "--set", "training.max_steps=2", "--set", "training.eval_every_steps=1", "--set", "training.batch_size=4",
            *extra,
        ]
    )  # fmt: skip
    assert code == 0
    return json.loads(output.read_text(encoding="utf-8")), predictions


@pytest.mark.parametrize(
    "name, part, keys",
    [
        ("park2021", "valid", {"macro_f1", "accuracy"}),
        ("newsmtsc", "dev-mt", {"f1m", "accuracy"}),
        ("semeval2025", "cv", {"emr", "fine_micro_f1", "main_role_accuracy"}),
    ],
)
def test_runner_end_to_end_on_fixtures(name, part, keys, tmp_path, tiny_model_path, capsys):
    results, predictions = _run(name, tmp_path, tiny_model_path, *(["--folds", "2"] if name == "semeval2025" else []))
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.startswith(f"{name}: {part} (") and "wall" in summary
    assert list(results["metrics"]) == [part] and keys <= set(results["metrics"][part])
    assert all(0.0 <= results["metrics"][part][key] <= 1.0 for key in keys)
    assert results["model"] == tiny_model_path and results["config"]["model"]["name"] == tiny_model_path
    assert results["config"]["training"]["max_steps"] == 2 and results["training"]["global_step"] == 2
    assert results["run_dir"] == str(tmp_path / "runs" / f"bench-{name}")
    data = results["data"]
    assert data["train_articles"] >= 1  # fixtures: internal validation from 2 training articles on
    assert data["internal_validation_articles"] == (data["train_articles"] + data["internal_validation_articles"] > 1)
    assert data["train_articles"] + data["internal_validation_articles"] + sum(
        data["evaluation_parts"].values()
    ) == data["imported_articles"] + (data["imported_articles"] if part == "cv" else 0) // 2  # 2 folds: one scored each
    assert {"import", "train", "predict", "wall"} <= set(results["timing_s"])
    assert results["command"].startswith(f"python benchmarks/external.py {name} --data ")
    assert "git_commit" in results
    baseline = results["majority_baseline"][part]
    fitted = "class_per_fold" if part == "cv" else "class"
    assert set(baseline) == {fitted, *keys} and all(0.0 <= baseline[key] <= 1.0 for key in keys)
    if part == "cv":  # fitted on each fold's training part
        assert len(baseline["class_per_fold"]) == 2 and set(baseline["class_per_fold"]) <= set(SEMEVAL.roles)
    config_text = (tmp_path / "runs" / f"bench-{name}" / "config.yaml").read_text(encoding="utf-8")
    assert f"labels: {name}" in config_text  # the shipped schema named by the bench config
    predicted = [Article.model_validate_json(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert len(predicted) == data["evaluation_parts"][part]
    if name == "semeval2025":
        assert len(results["folds"]) == 2 and results["caps"]["mention_sentences_only"] is True
        assert results["data"]["evaluation"].startswith("2-fold cross-validation")
        for article in predicted:
            for actor in article.actors:
                assert len({SEMEVAL.coarse_role(r) for r in [actor.role, *(actor.other_roles or [])]}) == 1


def test_prepare_parts_is_seeded_and_capped():
    articles = [Article(id=f"a{i:02d}", text="x") for i in range(30)]
    articles += [Article(id=f"v{i}", text="x", split="validation", meta={"file": "dev-rw.jsonl"}) for i in range(3)]
    train, parts, notes = bench.prepare_parts(articles, seed=1, max_train=20, validation_fraction=0.1, holdout=0.2)
    assert list(parts) == ["dev-rw"] and len(parts["dev-rw"]) == 3
    assert len(train) == 20 and sum(a.split == "validation" for a in train) == 2
    assert notes["subsampled"] == {"from": 30, "to": 20} and notes["train_articles"] == 18
    again, _, _ = bench.prepare_parts(list(reversed(articles)), seed=1, max_train=20, validation_fraction=0.1, holdout=0.2)
    assert again == train  # independent of input order
    held_train, held, held_notes = bench.prepare_parts(articles[:30], seed=1, max_train=None, validation_fraction=0.1, holdout=0.2)
    assert list(held) == ["held-out"] and len(held["held-out"]) == 6 and len(held_train) == 24
    assert not {a.id for a in held["held-out"]} & {a.id for a in held_train}


def test_runner_reports_bad_overrides(tmp_path, capsys):
    code = bench.main(["park2021", "--data", str(FIXTURES / "park2021"), "--set", "training.epochz=1"])
    assert code == 2 and "training.epochz" in capsys.readouterr().err


def test_evaluation_rounds_cross_validate_each_article_once():
    articles = [Article(id=f"a{i:02d}", text="x") for i in range(11)]
    rounds = bench.evaluation_rounds(articles, seed=3, folds=5)
    assert len(rounds) == 5
    scored = [a.id for _, parts in rounds for a in parts["cv"]]
    assert sorted(scored) == [a.id for a in articles]
    for training, parts in rounds:
        assert not {a.id for a in training} & {a.id for a in parts["cv"]} and len(training) + len(parts["cv"]) == 11
    with pytest.raises(ValueError, match="5 folds need at least 5 articles"):
        bench.evaluation_rounds(articles[:3], seed=3, folds=5)


def test_mention_sentences_keep_offsets_roles_and_split():
    text = "Nothing here. Ostland attacked Norland. Quiet day. The U.S. and Ostland met."
    article = Article(
        id="d", text=text, split="train",
        actors=[Actor(id="E1", name="Ostland", role="Saboteur", other_roles=["Instigator"]),
                Actor(id="E2", name="Norland", role="Victim"), Actor(id="E3", name="U.S.", role="Guardian")],
        mentions=[Mention(start=text.index("Ostland"), end=text.index("Ostland") + 7, text="Ostland", actor="E1"),
                  Mention(start=text.index("Norland"), end=text.index("Norland") + 7, text="Norland", actor="E2"),
                  Mention(start=text.index("U.S."), end=text.index("U.S.") + 4, text="U.S.", actor="E3")],
    )  # fmt: skip
    pieces = bench.mention_sentences([article])
    assert [p.text for p in pieces] == ["Ostland attacked Norland.", "The U.S. and Ostland met."]
    assert [p.id for p in pieces] == ["d-s001", "d-s003"] and {p.split for p in pieces} == {"train"}
    for piece in pieces:
        assert all(piece.text[m.start : m.end] == m.text for m in piece.mentions)
    assert [a.id for a in pieces[0].actors] == ["E1", "E2"] and pieces[0].actors[0].other_roles == ["Instigator"]
    assert [a.id for a in pieces[1].actors] == ["E3"]
