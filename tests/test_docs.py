"""The documentation stays true: the config reference matches the config model, the dictionary page's examples give what they say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_config_reference_is_generated_from_the_current_config_model():
    done = subprocess.run([sys.executable, "scripts/config_reference.py", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    page = (REPO / "docs" / "config-reference.md").read_text(encoding="utf-8")
    assert "| `training.tensorboard` | boolean | `false` |" in page
    assert "| `stance.negative_ratio` | number \\| null (> 0) | `3.0` |" in page


def test_a_stale_config_reference_is_caught(tmp_path):
    stale = tmp_path / "config-reference.md"
    current = (REPO / "docs" / "config-reference.md").read_text(encoding="utf-8")
    stale.write_text(current.replace("`training.tensorboard`", "`training.tensorboard_old`"), encoding="utf-8")
    command = [sys.executable, "scripts/config_reference.py", "--check", "--page", str(stale)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == f"{stale} is stale: run python scripts/config_reference.py\n"


def _script(name: str):
    """A module of scripts/ (they are run as files, not imported as a package)."""
    import importlib.util

    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))  # as when the script runs: its folder is on the path
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _row(run: str, best=(), train_time=None, **values) -> dict:
    row = {"run": run, "best": list(best), "train_time_s": train_time}
    for metric in ("mention_strict_f1", "mention_partial_f1", "actor_role_accuracy", "stance_macro_f1", "e2e_stance_f1"):
        value, low, high = values.get(metric, (None, None, None))
        row |= {metric: value, f"{metric}_ci_low": low, f"{metric}_ci_high": high}
    return row


def test_the_readme_table_is_written_from_the_comparison_and_keeps_rows_it_has_no_numbers_for():
    readme = (
        "intro\n<!-- table:main -->\n| run | a |\n|---|---|\n"
        "| baseline: spaCy `en_core_web_sm` NER mapped to roles | OLD SPACY ROW |\n"
        "| default (shared encoder, both tasks) | OLD |\n<!-- /table:main -->\n\nafter\n"
    )
    comparison = {"rows": [
        _row("default", best=["e2e_stance_f1"], train_time=461.6, mention_strict_f1=(0.6181, 0.58, 0.654),
             stance_macro_f1=(0.3, 0.25, 0.35), e2e_stance_f1=(0.0834, 0.059, 0.11)),
        _row("baseline-majority", best=["mention_strict_f1"], train_time=0.01, mention_strict_f1=(0.0, 0.0, 0.0)),
    ]}  # fmt: skip
    updated = _script("readme_tables").update_readme(readme, comparison)
    assert updated == (
        "intro\n<!-- table:main -->\n"
        "| run | mention strict F1 | mention partial F1 | actor role acc. (gold mentions) | stance macro-F1 (gold actors) "
        "| end-to-end stance F1 | train time (s) |\n|---|---|---|---|---|---|---|\n"
        "| default (shared encoder, both tasks) | 0.618 [0.580, 0.654] | – | – | 0.300 [0.250, 0.350] | **0.083** [0.059, 0.110] | 462 |\n"
        "| baseline: spaCy `en_core_web_sm` NER mapped to roles | OLD SPACY ROW |\n"
        "| baseline: majority label | **0.000** | – | – | – | – | 0 |\n"
        "<!-- /table:main -->\n\nafter\n"
    )


def test_the_shipped_readme_tables_are_the_committed_comparison_and_seed_spread():
    done = subprocess.run([sys.executable, "scripts/readme_tables.py", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| roles-only |" in _script("readme_tables")._region(readme, "main")[2]


def test_the_seed_spread_is_mean_and_sample_deviation_of_the_reported_values():
    seed_spread = _script("seed_spread")
    summary = seed_spread.spread({1: {"a": 0.5, "b": None}, 2: {"a": 0.7, "b": None}, 3: {"a": 0.6, "b": None}})
    assert list(summary) == ["a"]  # a metric no run reports is left out
    assert summary["a"]["mean"] == pytest.approx(0.6) and summary["a"]["sd"] == pytest.approx(0.1)
    assert (summary["a"]["min"], summary["a"]["max"], summary["a"]["values"]) == (0.5, 0.7, [0.5, 0.7, 0.6])
    assert seed_spread.render_markdown(summary, [1, 2, 3]).splitlines()[2] == "| a | 0.600 ± 0.100 | 0.500 | 0.700 |"


def test_readme_stance_tables_are_the_result_files():
    """Every number of the README's stance-graph section is written from benchmarks/results by a script."""
    done = subprocess.run([sys.executable, "scripts/stance_tables.py", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_changed_stance_number_is_caught(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    stale = tmp_path / "README.md"
    stale.write_text(readme.replace("| end-to-end stance F1 | ", "| end-to-end stance F1 | 9", 1), encoding="utf-8")
    command = [sys.executable, "scripts/stance_tables.py", "--check", "--readme", str(stale)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr == f"{stale}: stance tables differ from the result files\n"


def test_learning_curve_shares_are_nested_seeded_and_sized():
    learning_curve = _script("learning_curve")
    ids = [f"a{index:03d}" for index in range(100)]
    shares = learning_curve.nested_shares(ids, [0.25, 0.5, 0.75], seed=42)
    assert [len(shares[f]) for f in (0.25, 0.5, 0.75)] == [25, 50, 75]
    assert set(shares[0.25]) < set(shares[0.5]) < set(shares[0.75]) < set(ids)
    assert shares == learning_curve.nested_shares(list(reversed(ids)), [0.25, 0.5, 0.75], seed=42)  # input order does not matter
    assert shares[0.25] != learning_curve.nested_shares(ids, [0.25], seed=43)[0.25]
    assert learning_curve.nested_shares(ids[:3], [0.1], seed=1)[0.1] != []  # never an empty share


def test_the_actor_dictionary_page_examples_run_and_give_what_their_comments_say():
    from .markdown_snippets import run_snippet, snippets

    blocks = [code for language, code, _ in snippets(REPO / "docs" / "actor-dictionary.md") if language == "python"]
    assert len(blocks) == 2
    checked = 0
    for code in blocks:
        lines = []
        for line in code.splitlines():
            statement, _, comment = line.partition("  # ")
            shown = comment.split(": ")[0].strip()
            lines.append(statement)
            if shown.startswith(("'", "None", "Link(")):  # the comment gives the value: check it
                target, is_assignment, value = statement.partition(" = ")
                expression = target.strip() if is_assignment else statement.strip()
                lines.append(f"assert repr({expression}) == {shown!r}, repr({expression})")
                checked += 1
        done = run_snippet("python", "\n".join(lines), REPO)
        assert done.returncode == 0, done.stderr
    assert checked == 7
