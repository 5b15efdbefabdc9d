"""Typed records of an annotated (or predicted) article: the one definition of the corpus format.

The JSONL corpus, the predictor's output, the CLI and the HTTP server all use these models, so
a prediction can be scored, converted or re-annotated like any gold article.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AUTHOR", "SPLITS", "Span", "Mention", "Actor", "Stance", "Article"]

AUTHOR = "AUTHOR"
"""Reserved stance holder: the article's own voice. It has no mentions and is not an actor."""

SPLITS = ("train", "validation", "test")

Split = Literal["train", "validation", "test"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_dict(self) -> dict[str, Any]:
        """The JSON object as stored in a corpus: optional fields left out when unset."""
        return self.model_dump(mode="json", exclude_none=True)


class Span(_Record):
    """Character offsets into an article's text (Python code points, end exclusive)."""

    start: int
    end: int


class Mention(_Record):
    start: int
    end: int
    text: str
    actor: str
    score: float | None = Field(default=None, description="model confidence; absent in gold data")


class Actor(_Record):
    id: str
    name: str
    role: str | None = Field(
        default=None,
        description="absent only where nothing gave or predicted one: a run without a role head asked about given mentions",
    )
    other_roles: list[str] | None = Field(
        default=None, description="further roles, for multi-label schemes such as SemEval fine roles"
    )
    score: float | None = None
    code: str | None = Field(
        default=None,
        description="the actor-dictionary code it links to (JOR, JOR_MIL, IGOUNO); the same actor has the same code in every article",
    )


class Stance(_Record):
    holder: str
    target: str
    label: str
    evidence: list[Span] = Field(default_factory=list)
    score: float | None = None


class Article(_Record):
    id: str
    text: str
    meta: dict[str, Any] = Field(default_factory=dict)
    actors: list[Actor] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    split: Split | None = None

    def actor_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    def role_of(self, mention: Mention) -> str:
        """A mention's role is its actor's role (spec section 6)."""
        return self.actor_by_id()[mention.actor].role

    def to_dict(self) -> dict[str, Any]:
        record = super().to_dict()
        if not record.get("meta"):
            record.pop("meta", None)
        return record
