"""Where a predicted span starts and ends: the annotation's boundary rules (docs/annotation.md 5.2)
applied to the tagger's spans (`roles.repair_spans`).

The tagger tags each word on its own, so it ends a name early ("Foro" for "Foro Penal"), starts one
late ("Borders"), takes in a title ("Colonel Assimi Goïta": `titles.title_start`) or a description ("the
student association AEEM"), or splits a phrase the annotation keeps whole ("Residents" and "al-Qaim"). Each function moves
one edge, never into a neighbouring span; each rule is checked against the corpus' own mentions
(``tests/test_labels_text.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .titles import PERSON_TITLES, TITLE_MODIFIERS

__all__ = [
    "is_span_edge_ok", "trim_span", "trim_edge_words", "split_at_bracket", "name_start", "name_end", "described_name_start",
    "place_end", "join_hyphenated", "join_population_places",
]  # fmt: skip


def is_span_edge_ok(char: str, at_end: bool) -> bool:
    """Spans never start or end on whitespace or punctuation; a final '.' (of "U.S.") may end one."""
    if char.isspace():
        return False
    return not unicodedata.category(char).startswith("P") or (at_end and char == ".")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` until both edges satisfy `is_span_edge_ok` (empty if nothing is left)."""
    while start < end and not is_span_edge_ok(text[start], at_end=False):
        start += 1
    while end > start and not is_span_edge_ok(text[end - 1], at_end=True):
        end -= 1
    if end - start == 1 and text[start] == ".":
        return start, start
    return start, end


# A mention never starts with a lower-case preposition or conjunction, nor ends with one or an
# article (none of the 4,690 mentions of the training split does); a tagger's span sometimes takes one in.
_NEVER_FIRST = frozenset({"of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "as", "into", "against", "than"})
_NEVER_LAST = _NEVER_FIRST | {"the", "a", "an"}
_EDGE_WORD = re.compile(r"\S+")


def trim_edge_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop lower-case prepositions and conjunctions from both edges of ``[start, end)`` and articles from
    its end ("of Foro Penal" -> "Foro Penal", "Bangladeshi peacekeepers of" -> "Bangladeshi peacekeepers"),
    then `trim_span`; capitalised words stay ("For Georgia")."""
    words = [(match.start() + start, match.end() + start) for match in _EDGE_WORD.finditer(text[start:end])]
    while len(words) > 1 and text[words[0][0] : words[0][1]] in _NEVER_FIRST:
        words.pop(0)
    while len(words) > 1 and text[words[-1][0] : words[-1][1]] in _NEVER_LAST:
        words.pop()
    return trim_span(text, words[0][0], words[-1][1]) if words else (start, start)


def split_at_bracket(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at a round bracket into the words before it, inside it and after it, each
    trimmed by `trim_edge_words` ("the International Monetary Fund (IMF" -> "the International Monetary
    Fund", "IMF"): no mention of the corpus holds a bracket, the tagger reads news' "Name (ACRONYM)" as
    one span, and the grouping joins an acronym in brackets to the name before it."""
    opening = text.find("(", start, end)
    if opening == -1:
        return [(start, end)]
    closing = text.find(")", opening, end)
    cuts = [(start, opening), (opening + 1, end)] if closing == -1 else [(start, opening), (opening + 1, closing), (closing + 1, end)]
    pieces = [trim_edge_words(text, *cut) for cut in cuts]
    return [(piece_start, piece_end) for piece_start, piece_end in pieces if piece_end > piece_start]


_NOT_NAME_WORDS = frozenset(  # capitalised words before a name that are not part of it: dates and counts
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    "one two three four five six seven eight nine ten eleven twelve dozens hundreds thousands".split()
)

_NAME_WORD = r"[^\W_][\w\-]*"
_NEXT_WORD = re.compile(rf" ({_NAME_WORD})")
_FINAL_WORD = re.compile(rf"{_NAME_WORD}$")


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


_ARTICLE_BEFORE = re.compile(r"\b[Tt]he $")


_PREVIOUS_WORD = re.compile(rf"(?<![\w’'.-])({_NAME_WORD}) $")
_SENTENCE_BREAK_BEFORE = re.compile(r"(?:^|[.!?:;“\"(\n]\s*)$")


def _leads_a_name(text: str, word_start: int, word: str) -> bool:
    """Whether ``word`` (at ``word_start``) is part of the name after it: capitalised, and neither a title,
    a date or a count ("President", "Vice-President", "Ministers", "September", "Eleven") nor a sentence's
    first word, which is capitalised whatever it is."""
    parts = word.casefold().split("-")
    if not word[:1].isupper() or word.split("-")[-1][:1].islower():
        return False  # "Houthi-run" describes the name
    if any(part in _NOT_NAME_WORDS or part in TITLE_MODIFIERS or {part, part.removesuffix("s")} & PERSON_TITLES for part in parts):
        return False
    return _SENTENCE_BREAK_BEFORE.search(text, max(0, word_start - 3), word_start) is None


def name_start(text: str, start: int, floor: int) -> int:
    """The start of a span that begins with a capital, moved over the capitalised words right before it
    ("Borders" -> "Reporters Without Borders", "Nasir" -> "Fadlallah Burma Nasir") and then a "the" ("Kachin
    News Group" -> "the Kachin News Group"), never before ``floor`` (the end of the span before), nor over a
    title, a date or a sentence's first word. No mention of the training split's 4,690 that starts with a
    capital leaves out a "the" before it, and none a capitalised word other than those."""
    if not text[start : start + 1].isupper():
        return start
    while (word := _PREVIOUS_WORD.search(text, max(floor, start - 60), start)) and _leads_a_name(text, word.start(1), word[1]):
        start = word.start(1)
    article = _ARTICLE_BEFORE.search(text, max(floor, start - 4), start)
    return article.start() if article else start


def name_end(text: str, start: int, end: int, limit: int) -> int:
    """The end of ``[start, end)`` grown over the capitalised words and numbers that follow it after one
    space ("Foro" -> "Foro Penal", "France" -> "France 24"), never past ``limit`` (the start of the next
    span), and only when the span ends in such a word, not in punctuation: a name does not stop halfway,
    and a sentence ends where its full stop is. 2 of the training split's 4,690 mentions are followed by
    a capitalised word they leave out ("Armenia" before a quote's "Caesar")."""
    final = _FINAL_WORD.search(text, start, end)
    if final is None or not text[end - 1].isalnum() or not _is_name_word(final.group()):
        return end
    while (match := _NEXT_WORD.match(text, end)) and match.end() <= limit and _is_name_word(match.group(1)):
        end = match.end()
    return end


_DESCRIBED_NAME = re.compile(
    r"(?:[Tt]he|[Aa]n?) (?:[a-z][\w-]* ){0,3}(?:charity|association|newspaper|paper|agency|broadcaster|outlet|site|station|"
    r"mission|channel|daily|weekly|network|organi[sz]ation|group|movement|party|coalition|alliance|militia|union|syndicate|"
    r"watchdog|regulator|council|committee|body|bloc|federation|institute|monitor) (?=[A-Z])"
)


def described_name_start(text: str, start: int, end: int) -> int:
    """Where the name in ``text[start:end]`` starts after a description of what it is ("the student
    association AEEM" -> "AEEM", "the state news agency Petra" -> "Petra"), else ``start``: the
    annotation marks the name alone (every such phrase of the training and validation splits)."""
    description = _DESCRIBED_NAME.match(text, start, end)
    return description.end() if description else start


_POPULATION_NOUNS = frozenset("residents inhabitants villagers people citizens locals families civilians townspeople".split())
_OF_PLACE = re.compile(r" of (?:the )?(?:(?:al|el)-)?[A-Z][\w’'-]*(?: (?:(?:al|el)-)?[A-Z][\w’'-]*)*")
_POSSESSIVE_END = re.compile(r"[’']s$")
_OF_GAP = re.compile(r" of (?:the )?")


def _ends_in_population_noun(text: str, start: int, end: int) -> bool:
    words = text[start:end].split()
    return bool(words) and words[-1].lower() in _POPULATION_NOUNS


def place_end(text: str, start: int, end: int, limit: int) -> int:
    """The end of a population noun's span grown over the place named after it ("Residents" ->
    "Residents of Nyala", "residents of the Jordan Valley", "Residents of al-Qaim"), never past
    ``limit`` (the start of the next span, so a place tagged as an actor stays its own mention; one
    tagged in the people's role is joined to them first, `join_population_places`): the
    noun alone does not say who they are, and the guidelines keep such a phrase whole ("[residents of
    Kidal]", docs/annotation.md section 5.2), as 8 of the 9 in the training and validation splits are."""
    if not _ends_in_population_noun(text, start, end):
        return end
    match = _OF_PLACE.match(text, end)
    if match is None or match.end() > limit:
        return end
    possessive = _POSSESSIVE_END.search(match.group())  # "residents of Kidal's old town": the place is Kidal's
    return match.end() - (len(possessive.group()) if possessive else 0)


_Span = tuple[int, int, str, float]  # a tagged span: start, end, role, confidence


def _join_adjacent(spans: list[_Span], join: Callable[[_Span, _Span], _Span | None]) -> list[_Span]:
    """``spans`` by start, with each one that ``join(previous, span)`` makes one span with the span before
    it replaced, together with that one, by what ``join`` returns."""
    joined: list[_Span] = []
    for span in spans:
        merged = join(joined[-1], span) if joined else None
        if merged is None:
            joined.append(span)
        else:
            joined[-1] = merged
    return joined


def join_hyphenated(text: str, spans: list[_Span]) -> list[_Span]:
    """Spans ``(start, end, role, confidence)`` by start, with two that only a hyphen separates made one
    ("pro" and "Iranian forces" -> "pro-Iranian forces"), in the role of the second, which holds the
    phrase's head noun, and their mean confidence: the tagger reads the words on either side of a hyphen
    apart, and no mention of the corpus (any split) ends right before a hyphen and a letter."""

    def join(first: _Span, second: _Span) -> _Span | None:
        if second[0] != first[1] + 1 or text[first[1]] != "-":
            return None
        return (first[0], second[1], second[2], (first[3] + second[3]) / 2)

    return _join_adjacent(spans, join)


def join_population_places(text: str, spans: list[_Span]) -> list[_Span]:
    """Spans by start, with a population noun's span and the place named after it made one when the
    tagger gave both one role ("Residents" and "al-Qaim" -> "Residents of al-Qaim"): the phrase is one
    mention (`place_end`), and a place the tagger calls what the people are is their place, not an
    actor. The noun is the phrase's head: the span keeps its confidence (the place's says how sure the
    tagger is that the place is an actor of its own)."""

    def join(first: _Span, second: _Span) -> _Span | None:
        if first[2] != second[2] or not _ends_in_population_noun(text, first[0], first[1]):
            return None
        place = _OF_PLACE.match(text, first[1])
        if place is None or place.end() != second[1] or _OF_GAP.fullmatch(text, first[1], second[0]) is None:
            return None
        return (first[0], second[1], first[2], first[3])

    return _join_adjacent(spans, join)
