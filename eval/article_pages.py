"""One page per evaluated article: gold and predicted side by side, linked from the report's error tables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from actorstance.html import render_side_by_side
from actorstance.labels import LabelSchema
from actorstance.schema import Article

__all__ = ["ARTICLES_DIR", "article_page", "render_article_pages"]

ARTICLES_DIR = "articles"


def article_page(article_id: str) -> str:
    """The page's path relative to the evaluation folder (ids become safe file names)."""
    return f"{ARTICLES_DIR}/{re.sub(r'[^A-Za-z0-9._-]', '_', article_id)}.html"


def render_article_pages(
    gold: Sequence[Article], end_to_end: Sequence[Article], gold_mentions: Sequence[Article] | None, labels: LabelSchema
) -> dict[str, str]:
    """Path (as `article_page` names it) -> HTML, one page per gold article."""
    by_id_e2e = {article.id: article for article in end_to_end}
    by_id_given = {article.id: article for article in gold_mentions or []}
    pages = {}
    for article in gold:
        panels = [("gold", article)]
        if article.id in by_id_e2e:
            panels.append(("predicted end to end", by_id_e2e[article.id]))
        if article.id in by_id_given:
            panels.append(("predicted, gold mentions given", by_id_given[article.id]))
        intro = (
            '<p><a href="../report.html#errors">back to the report</a> · end to end: the model found the mentions itself; '
            "gold mentions given: it assigned roles and stances to the gold mentions.</p>"
        )
        pages[article_page(article.id)] = render_side_by_side(panels, labels, f"Article {article.id}", intro)
    return pages
