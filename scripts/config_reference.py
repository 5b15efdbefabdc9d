"""Write docs/config-reference.md from the pydantic run-config model, so the reference cannot go stale.

    python scripts/config_reference.py           # rewrite the page
    python scripts/config_reference.py --check   # exit 1 if the page differs from the model (the tests run this)
"""

from __future__ import annotations

import argparse
import json
import sys
import types
import typing
from pathlib import Path

from generated_file import write_or_check
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "config-reference.md"

HEADER = """# Config reference

Every key of a run config (`configs/*.yaml`, `--set key.sub=value`), with its type, default and
meaning. Generated from `actorstance/config.py` by `python scripts/config_reference.py`; a test
fails when this page and the config model disagree. Unknown keys are errors; values are checked
when the config loads, and the error names the key. Keys marked *prediction setting* only change how a
trained run predicts: `python -m eval RUN --set KEY=VALUE`, `actorstance predict|serve RUN --set KEY=VALUE`
and `Predictor.from_pretrained(RUN, overrides=["KEY=VALUE"])` change them for one call.
"""


def _type_name(annotation) -> str:
    """A short, YAML-minded spelling of a field's type."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(value) for value in arguments)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join("null" if item is type(None) else _type_name(item) for item in arguments)
    if origin in (list, tuple):
        inner = ", ".join(_type_name(item) for item in arguments if item is not Ellipsis)
        return f"list[{inner}]" if origin is list else f"[{inner}]"
    if origin is dict:
        return f"map {_type_name(arguments[0])} -> {_type_name(arguments[1])}"
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(field) -> str:
    value = field.get_default(call_default_factory=True)
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, BaseModel):
        return "(section)"
    return f"`{json.dumps(value if not isinstance(value, tuple) else list(value), ensure_ascii=False)}`"


def _constraints(field) -> str:
    words = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "min_length": "at least"}
    found = []
    for item in field.metadata:
        for attribute, symbol in words.items():
            bound = getattr(item, attribute, None)
            if bound is not None:
                found.append(f"{symbol} {bound} item" + ("s" if bound != 1 else "") if attribute == "min_length" else f"{symbol} {bound}")
    return f" ({', '.join(found)})" if found else ""


def _optional_section(annotation) -> type[BaseModel] | None:
    """``Section`` of a ``Section | None`` field, else None."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    members = [item for item in typing.get_args(annotation) if item is not type(None)]
    if len(members) == 1 and isinstance(members[0], type) and issubclass(members[0], BaseModel):
        return members[0]
    return None


def _rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str, str]]:
    rows = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.append((key, "section", "", field.description or ""))
            rows.extend(_rows(annotation, f"{key}."))
            continue
        section = _optional_section(annotation)
        if section is not None:  # a section that is off (null) unless given
            rows.append((key, "section \\| null", _default(field), field.description or ""))
            rows.extend(_rows(section, f"{key}."))
            continue
        rows.append((key, _type_name(annotation) + _constraints(field), _default(field), field.description or ""))
    return rows


def render_reference() -> str:
    """The whole Markdown page."""
    from actorstance.config import RunConfig, predict_time_keys

    lines = [HEADER, "| key | type | default | meaning |", "|---|---|---|---|"]
    settings = set(predict_time_keys())
    for key, kind, default, meaning in _rows(RunConfig):
        mark = " *(prediction setting)*" if key in settings else ""
        lines.append(f"| `{key}` | {kind} | {default} | {meaning.replace('|', chr(92) + '|')}{mark} |")
    undescribed = [key for key, _, _, meaning in _rows(RunConfig) if not meaning]
    if undescribed:
        raise SystemExit(f"config keys without a description= in actorstance/config.py: {', '.join(undescribed)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale instead of writing it")
    parser.add_argument("--page", type=Path, default=PAGE, help="the page to write or check")
    args = parser.parse_args()
    return write_or_check(args.page, render_reference(), args.check, f"{args.page} is stale: run python scripts/config_reference.py")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
