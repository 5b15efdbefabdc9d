from __future__ import annotations

from pathlib import Path

import pytest

from actorstance.config import ConfigError, apply_overrides, load_config, resolve_model_name

CONFIGS = Path(__file__).resolve().parent.parent / "configs"


@pytest.mark.parametrize("name", ["default", "roles-only", "stance-only", "smoke", "roles-actor"])
def test_shipped_configs_validate(name):
    config = load_config(CONFIGS / f"{name}.yaml")
    assert config.name == name


def test_default_config_uses_the_packaged_encoder_and_both_tasks(packaged_model_path):
    config = load_config(CONFIGS / "default.yaml")
    assert config.tasks == ["roles", "stance"] and config.model.architecture == "shared"
    assert resolve_model_name(config.model.name) == packaged_model_path
    assert resolve_model_name("bert-base-cased") == "bert-base-cased"


def test_overrides_are_parsed_as_yaml():
    config = load_config(
        CONFIGS / "default.yaml",
        ["training.epochs=2", "stance.negative_ratio=null", "tasks=[roles]", "model.name=my/model", "name=x"],
    )
    assert config.training.epochs == 2 and config.stance.negative_ratio is None
    assert config.tasks == ["roles"] and config.model.name == "my/model" and config.name == "x"
    assert apply_overrides({}, ["a.b.c=1"]) == {"a": {"b": {"c": 1}}}


def test_errors_name_every_bad_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("training:\n  epoch: 3\n  batch_size: -1\nmodel:\n  architecture: twin\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "config key 'training.epoch': unknown key" in message
    assert "config key 'training.batch_size': Input should be greater than or equal to 1" in message
    assert "config key 'model.architecture': Input should be 'shared' or 'separate'" in message


def test_bad_override_and_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        load_config(None, ["training.epochs"])
    with pytest.raises(ConfigError, match="'training' is a value, not a section"):
        load_config(None, ["training=1", "training.epochs=2"])
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(tmp_path / "list.yaml")
    with pytest.raises(ConfigError, match="stride .* must be below half"):
        load_config(None, ["roles.max_length=32", "roles.stride=16"])
    with pytest.raises(ConfigError, match="package 'no_such_pkg' is not installed"):
        resolve_model_name("package:no_such_pkg")


def test_early_stopping_metric_must_come_from_a_trained_task():
    with pytest.raises(ConfigError, match=r"'stance_macro_f1' is not computed by tasks \['roles'\]"):
        load_config(None, ["tasks=[roles]", "training.early_stopping.metric=stance_macro_f1"])
    with pytest.raises(ConfigError, match=r"'f1' is not computed"):
        load_config(None, ["training.early_stopping.metric=f1"])
    for metric in ("loss", "combined_f1", "role_f1"):
        assert load_config(None, ["tasks=[roles]", f"training.early_stopping.metric={metric}"])


def test_loading_a_config_does_not_load_the_data_stack():
    import subprocess
    import sys

    code = (
        "import sys, actorstance.config as c; c.load_config(None); "
        "print(sorted(m for m in ('datasets', 'torch', 'transformers', 'actorstance.dataset') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_config_defaults_are_the_option_defaults():
    from actorstance.config import RunConfig
    from actorstance.options import RoleOptions, SplitOptions, StanceOptions

    config = RunConfig()
    assert config.roles.options() == RoleOptions() and config.stance.options() == StanceOptions()
    assert config.data.split_options() == SplitOptions()
    assert config.stance.options(training=True) == StanceOptions()  # no train_sentence_distance: the same pairs


def test_training_contexts_may_reach_further_than_the_predicted_pairs():
    from actorstance.config import StanceConfig

    stance = StanceConfig(max_sentence_distance=0, train_sentence_distance=1)
    assert stance.options().max_sentence_distance == 0
    assert stance.options(training=True).max_sentence_distance == 1
    assert stance.options(training=True).max_length == stance.options().max_length


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["stance.typed_markers=true", "stance.design=windows"], "typed_markers works with design: pair_contexts"),
        (["stance.typed_markers=true", "tasks=[stance]"], "stance.typed_markers needs the roles task"),
    ],
)
def test_typed_markers_need_marked_pairs_and_predicted_roles(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_config(None, overrides)
