"""Training writes complete, reproducible run directories; the predictor loads them and never falls over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actorstance.corpus import check_article
from actorstance.limits import LimitExceeded
from actorstance.predictor import Predictor
from actorstance.run import RunDirError
from actorstance.schema import Actor, Article, Mention
from train import train

from .tiny_run import tiny_config

REPO = Path(__file__).resolve().parent.parent


def test_run_directory_is_complete(run_dir):
    names = {p.name for p in run_dir.iterdir()}
    assert names == {"config.yaml", "labels.yaml", "aliases.json", "metrics.json", "decision.json", "train.log", "README.md", "model"}
    assert {p.name for p in (run_dir / "model").iterdir()} >= {"encoder", "heads.safetensors", "heads.json", "tokenizer.json"}
    assert not list(run_dir.parent.glob(".*"))  # no work folder or staging folder left behind
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["tasks"] == ["roles", "stance"] and metrics["device"]["type"] == "cpu"
    assert {"role_f1", "stance_macro_f1", "combined_f1"} <= set(metrics["validation"])
    assert metrics["data"] == {"train": 8, "validation": 2, "test": 2} and metrics["num_parameters"] > 0
    log = [json.loads(line) for line in (run_dir / "train.log").read_text().splitlines()]
    assert any("loss" in record for record in log) and any("eval_combined_f1" in record for record in log)
    card = (run_dir / "README.md").read_text()
    assert "GOV, MIL, REB" in card and "Intended use" in card and "Limits" in card
    assert "| nominal linker | none: fit_linker: needs right and wrong candidates, got 8 pairs labelled [0]" in card
    assert json.loads((run_dir / "aliases.json").read_text())["un"] == "Un"


def test_same_config_and_seed_give_the_same_run(run_dir, small_corpus_file, tiny_model_path, tmp_path):
    again = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path))
    first = json.loads((run_dir / "metrics.json").read_text())
    second = json.loads((again / "metrics.json").read_text())
    assert first["validation"] == second["validation"]
    assert first["runs"]["roles-stance"]["train_loss"] == second["runs"]["roles-stance"]["train_loss"]
    text = "Iran backs Hezbollah. The UN condemned the attack."
    assert Predictor.from_pretrained(run_dir).predict(text) == Predictor.from_pretrained(again).predict(text)


def test_bf16_training_is_reproducible_and_loads_for_prediction(small_corpus_file, tiny_model_path, tmp_path):
    runs = [train(tiny_config(small_corpus_file, tiny_model_path, tmp_path / name, "training.precision=bf16")) for name in "ab"]
    first, second = (json.loads((run / "metrics.json").read_text()) for run in runs)
    assert first["runs"]["roles-stance"]["train_loss"] == second["runs"]["roles-stance"]["train_loss"]
    assert (runs[0] / "model" / "heads.safetensors").read_bytes() == (runs[1] / "model" / "heads.safetensors").read_bytes()
    predictor = Predictor.from_pretrained(runs[0])
    assert predictor.config.training.precision == "bf16"
    text = "Iran backs Hezbollah. The UN condemned the attack."
    assert check_article(predictor.predict(text), predictor.labels) == []


def test_precision_needs_hardware_that_has_it(monkeypatch, caplog):
    from train import trainer

    with pytest.raises(ValueError, match="fp16 needs a CUDA device"):
        trainer._precision_flags("fp16")
    monkeypatch.setattr(trainer, "cpu_has_native_bf16", lambda: False)
    assert trainer._precision_flags("bf16") == {"bf16": True, "fp16": False}
    assert "emulated and slower than fp32" in caplog.text
    assert trainer._precision_flags("auto") == {"bf16": False, "fp16": False}


def test_existing_run_is_not_overwritten_silently(run_dir, small_corpus_file, tiny_model_path):
    config = tiny_config(small_corpus_file, tiny_model_path, run_dir.parent)
    with pytest.raises(FileExistsError, match="pass --overwrite"):
        train(config)


def test_separate_models_per_task(small_corpus_file, tiny_model_path, tmp_path):
    run = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path, "model.architecture=separate"))
    assert (run / "model-roles" / "heads.json").is_file() and (run / "model-stance" / "heads.json").is_file()
    metrics = json.loads((run / "metrics.json").read_text())
    assert {name: model_run["global_step"] for name, model_run in metrics["runs"].items()} == {"roles": 6, "stance": 6}
    assert {"role_f1", "stance_macro_f1", "combined_f1"} <= set(metrics["validation"])
    predictor = Predictor.from_pretrained(run, device="cpu")
    roles, stance = predictor.models["roles"], predictor.models["stance"]
    assert roles is not stance  # two models, each with only its own head
    assert (roles.num_tags, roles.num_stance_classes) == (len(predictor.labels.bio_labels), None)
    assert (stance.num_tags, stance.num_stance_classes) == (None, len(predictor.labels.stance_classes))
    text = "Iran backs Hezbollah. The UN condemned the attack."
    result = predictor.predict(text)
    assert check_article(result, predictor.labels) == []
    assert all(text[m.start : m.end] == m.text for m in result.mentions)
    given = predictor.predict(text, mentions=[{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20, "actor": "HEZ"}])
    assert [a.id for a in given.actors] == ["IRN", "HEZ"] and all(a.role in predictor.labels.roles for a in given.actors)
    assert {(s.holder, s.target) for s in given.stances} <= {("IRN", "HEZ"), ("HEZ", "IRN")}


def test_stance_only_run_given_mentions_invents_no_role(small_corpus_file, tiny_model_path, tmp_path):
    run = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path, "tasks=[stance]"))
    predictor = Predictor.from_pretrained(run, device="cpu")
    text = "Iran backs Hezbollah."
    result = predictor.predict(text, mentions=[{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20, "actor": "HEZ"}])
    assert [(a.id, a.role) for a in result.actors] == [("IRN", None), ("HEZ", None)]
    assert [set(actor) for actor in result.to_dict()["actors"]] == [{"id", "name"}, {"id", "name"}]  # no role in the record
    # articles that bring their actors keep their own roles (given, not predicted)
    gold = Article(id="g", text=text, actors=[Actor(id="IRN", name="Iran", role="GOV"), Actor(id="HEZ", name="Hezbollah", role="MILITIA")],
                   mentions=[Mention(start=0, end=4, text="Iran", actor="IRN"), Mention(start=11, end=20, text="Hezbollah", actor="HEZ")])  # fmt: skip
    [kept] = predictor.predict_articles([gold], gold_mentions=True)
    assert [(a.id, a.role) for a in kept.actors] == [("IRN", "GOV"), ("HEZ", "MILITIA")]


def _stance_passes(predictor: Predictor, article: Article, monkeypatch) -> tuple[set, list[int]]:
    """The ordered pairs ``pair_scores`` scores for ``article`` and the stance rows it ran, call by call."""
    rows: list[int] = []
    forward = predictor._forward
    monkeypatch.setattr(predictor, "_forward", lambda task, batch, size: rows.append(len(batch)) or forward(task, batch, size))
    return set(predictor.pair_scores([article])), rows


def test_joint_directions_score_both_directions_from_one_pass(run_dir, small_corpus_file, tiny_model_path, tmp_path, monkeypatch):
    run = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path, "stance.directions=joint"))
    assert json.loads((run / "model" / "heads.json").read_text())["stance_directions"] == "joint"
    assert "stance_macro_f1" in json.loads((run / "metrics.json").read_text())["validation"]
    text = "Iran backs Hezbollah. Oman met Iran."
    article = Article(
        id="x", text=text, actors=[Actor(id=a, name=a, role="GOV") for a in ("IRN", "HEZ", "OMN")],
        mentions=[Mention(start=s, end=e, text=text[s:e], actor=a) for s, e, a in ((0, 4, "IRN"), (11, 20, "HEZ"), (22, 26, "OMN"), (31, 35, "IRN"))],
    )  # fmt: skip
    joint = Predictor.from_pretrained(run, device="cpu")
    assert joint.models["stance"].stance_head.out_features == 2 * len(joint.labels.stance_classes)
    pairs = {("x", a, b) for a in ("IRN", "HEZ", "OMN") for b in ("IRN", "HEZ", "OMN") if a != b}  # neighbouring sentences too
    assert _stance_passes(joint, article, monkeypatch) == (pairs, [3])
    assert _stance_passes(Predictor.from_pretrained(run_dir, device="cpu"), article, monkeypatch) == (pairs, [6])


def test_loss_as_selection_metric_keeps_the_lowest_loss_checkpoint(small_corpus_file, tiny_model_path, tmp_path):
    run = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path, "training.early_stopping.metric=loss"))
    log = [json.loads(line) for line in (run / "train.log").read_text().splitlines()]
    losses = [record["eval_loss"] for record in log if "eval_loss" in record]
    assert len(losses) >= 2 and max(losses) > min(losses)
    assert json.loads((run / "metrics.json").read_text())["validation"]["loss"] == pytest.approx(min(losses))


def test_predictions_are_valid_corpus_records(run_dir, seed_article):
    predictor = Predictor.from_pretrained(run_dir)
    result = predictor.predict(seed_article.text)
    assert check_article(result, predictor.labels) == []
    record = json.loads(json.dumps(result.to_dict()))
    assert set(record) <= {"id", "text", "actors", "mentions", "stances", "meta"}
    for mention in result.mentions:
        assert seed_article.text[mention.start : mention.end] == mention.text and 0 <= mention.score <= 1
    given = predictor.predict_articles([seed_article], gold_mentions=True)[0]
    assert given.mentions == [m.model_copy(update={"score": None}) for m in seed_article.mentions]
    assert {a.id for a in given.actors} == {a.id for a in seed_article.actors}
    assert {s.holder for s in given.stances} | {s.target for s in given.stances} <= {a.id for a in seed_article.actors}


def test_given_mentions_mode(run_dir):
    predictor = Predictor.from_pretrained(run_dir)
    text = "Iran backs Hezbollah. Tehran armed it."
    result = predictor.predict(text, mentions=[{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20}, {"start": 22, "end": 28, "actor": "IRN"}])
    assert [(m.text, m.actor) for m in result.mentions] == [("Iran", "IRN"), ("Hezbollah", "M2"), ("Tehran", "IRN")]
    assert [a.id for a in result.actors] == ["IRN", "M2"] and all(a.role in predictor.labels.roles for a in result.actors)
    with pytest.raises(ValueError, match=r"mentions\[0\]: span \[5, 99\) is empty or outside the text \(length 38\)"):
        predictor.predict(text, mentions=[{"start": 5, "end": 99}])


def test_an_actor_whose_linked_mentions_all_imply_one_role_takes_it(run_dir, monkeypatch):
    predictor = Predictor.from_pretrained(run_dir)
    text = "The PLA and the People's Liberation Army drilled. UNICEF and the FBI spoke; the US embassy agreed."
    spans = {"The PLA": "A", "People's Liberation Army": "A", "UNICEF": "B", "the FBI": "C", "the US embassy": "C"}
    mentions = [{"start": text.index(s), "end": text.index(s) + len(s), "actor": actor} for s, actor in spans.items()]
    roles = {actor.id: actor.role for actor in predictor.predict(text, mentions=mentions).actors}
    predictor.config.actors.dictionary_roles = False
    tagged = {actor.id: actor.role for actor in predictor.predict(text, mentions=mentions).actors}
    # a state's forces -> MIL, a UN agency -> IGO; the FBI (police, MIL) and the embassy (the state) disagree:
    # the tagger's role stands
    assert roles == {"A": "MIL", "B": "IGO", "C": tagged["C"]}
    # end to end: the tagger (stubbed) calls both PLA mentions REB; the group is the state's forces
    found = [(m["start"], m["end"], "REB", 0.9) for m in mentions[:2]]
    monkeypatch.setattr(predictor, "_decode", lambda text, words: found)
    assert [(a.code, a.role, a.score) for a in predictor.predict(text).actors] == [("CHN_MIL", "REB", 0.9)]
    predictor.config.actors.dictionary_roles = True  # the tagger's score was for REB: it goes with it
    assert [(a.code, a.role, a.score) for a in predictor.predict(text).actors] == [("CHN_MIL", "MIL", None)]


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "🙂🙂 Iran 🙂 backs\u200b Hezbollah 🇺🇦.", "Россия и Iran\x00\x07 договорились. 伊朗支持真主党。", "a" * 5000],
)
def test_odd_text_gets_an_answer_with_valid_offsets(run_dir, text):
    result = Predictor.from_pretrained(run_dir).predict(text)
    assert result.text == text
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text and mention.text.strip()


def test_batch_and_long_document(run_dir):
    predictor = Predictor.from_pretrained(run_dir)
    sentence = "Iran backs Hezbollah while the UN condemned Russian troops near Idlib. "
    long_text = sentence * 600 + "Daesh attacked villagers."  # ~6,600 words
    short, long_result = predictor.predict(["Iran backs Hezbollah.", long_text], batch_size=64)
    assert short.text == "Iran backs Hezbollah." and long_result.text == long_text
    assert all(long_text[m.start : m.end] == m.text for m in long_result.mentions)
    # 2,000 sentences that each name the same four actors: 12 ordered pairs x 2,000 one-sentence contexts is over the bound
    given = [{"start": i * len(sentence) + sentence.index(name), "end": i * len(sentence) + sentence.index(name) + len(name), "actor": name}
             for i in range(2000) for name in ("Iran", "Hezbollah", "the UN", "Russian troops")]  # fmt: skip
    with pytest.raises(LimitExceeded, match=r"article doc-0: 24,000 stance candidates, over the limit of 20,000"):
        predictor.predict(sentence * 2000, mentions=given)
    with pytest.raises(TypeError, match="text 1: expected str, got int"):
        predictor.predict(["fine", 3])


def test_broken_run_directories_are_named(run_dir, tmp_path):
    import shutil

    with pytest.raises(RunDirError, match="not a run directory"):
        Predictor.from_pretrained(tmp_path / "nothing")
    broken = tmp_path / "broken"
    shutil.copytree(run_dir, broken)
    (broken / "aliases.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(RunDirError, match=r"aliases.json: corrupt JSON"):
        Predictor.from_pretrained(broken)
    (broken / "aliases.json").unlink()
    with pytest.raises(RunDirError, match=r"aliases.json: missing"):
        Predictor.from_pretrained(broken)
    shutil.copy(run_dir / "aliases.json", broken / "aliases.json")
    (broken / "model" / "heads.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(RunDirError, match=r"model: cannot load model"):
        Predictor.from_pretrained(broken)


def _train_command(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "train", str(config), *extra]


def test_resume_after_kill(small_corpus_file, tiny_model_path, tmp_path):
    config = tmp_path / "resume.yaml"
    config.write_text(tiny_config(small_corpus_file, tiny_model_path, tmp_path / "runs", "training.max_steps=200", "training.eval_every_steps=2", "training.early_stopping.patience=null").to_yaml())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = tmp_path / "killed-run.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(_train_command(config), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    checkpoints = tmp_path / "runs" / ".tiny.work" / "roles-stance" / "checkpoints"

    def saved() -> bool:
        """A checkpoint of step 4 or later is complete (its folder appears before its files are
        written, and older ones are rotated away: save_total_limit)."""
        for folder in checkpoints.glob("checkpoint-*"):
            try:
                if int(folder.name.split("-")[1]) >= 4 and json.loads((folder / "trainer_state.json").read_text()):
                    return True
            except (OSError, ValueError):
                continue
        return False

    # Waits for a count (a complete checkpoint of step 4), not for a time: a busy machine only makes it
    # slower. The 200-step run ending first would be a failure the assert below names.
    while not saved() and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert saved(), f"the run ended before a checkpoint of step 4 was complete; it said:\n{log.read_text()[-3000:]}"
    assert not (tmp_path / "runs" / "tiny").exists()  # a killed run leaves no run directory
    done = subprocess.run(_train_command(config, "--resume"), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads((tmp_path / "runs" / "tiny" / "metrics.json").read_text())
    resumed = metrics["runs"]["roles-stance"]["resumed_from"]
    assert resumed and int(resumed.split("-")[1]) >= 4 and metrics["runs"]["roles-stance"]["global_step"] == 200


def test_cli_reports_config_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("training:\n  epochz: 1\n", encoding="utf-8")
    done = subprocess.run(_train_command(bad), cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "config key 'training.epochz': unknown key" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_two_process_data_parallel_run(small_corpus_file, tiny_model_path, tmp_path):
    config = tmp_path / "ddp.yaml"
    config.write_text(tiny_config(small_corpus_file, tiny_model_path, tmp_path / "runs").to_yaml())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "2", "--num_machines", "1",
               "--mixed_precision", "no", "--dynamo_backend", "no", "--multi_gpu", "-m", "train", str(config)]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((tmp_path / "runs" / "tiny" / "metrics.json").read_text())
    assert metrics["runs"]["roles-stance"]["world_size"] == 2
    assert metrics["runs"]["roles-stance"]["global_step"] == 6
