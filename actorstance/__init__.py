"""actorstance: tag actors and their roles, and classify directed stances between actors, in news text."""

from .labels import LabelSchema
from .schema import AUTHOR, Actor, Article, Mention, Span, Stance

__all__ = ["AUTHOR", "Actor", "Article", "LabelSchema", "Mention", "Span", "Stance"]
__version__ = "0.1.0"
