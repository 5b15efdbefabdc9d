"""actorstance: tag actors and their roles, and classify directed stances between actors, in news text."""

from .labels import LabelSchema
from .schema import AUTHOR, Actor, Article, Mention, Span, Stance

__all__ = ["AUTHOR", "Actor", "Article", "LabelSchema", "Mention", "Predictor", "Span", "Stance"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """`Predictor` is imported on first use, so ``import actorstance`` stays light (no torch)."""
    if name == "Predictor":
        from .predictor import Predictor

        return Predictor
    raise AttributeError(f"module 'actorstance' has no attribute {name!r}")
