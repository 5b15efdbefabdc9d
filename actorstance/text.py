"""Sentence segmentation by character offsets: the unit of role tagging and of stance contexts.

Mentions never cross sentence ends (spec section 2), so tagging sentence by sentence loses no
span, keeps examples short (dynamic padding pays off) and lets any length of article through.
Also what a text says about where casing can be trusted (headlines, web addresses); the edges of
predicted spans are `span_edges`' job.
"""

from __future__ import annotations

import bisect
import re

__all__ = [
    "sentence_spans", "sentence_index", "undotted", "is_headline_case", "headline_spans", "web_token_spans", "inside_any",
    "has_content_word", "text_problem",
]  # fmt: skip

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep",
    "st", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "inc", "ltd", "co", "corp", "jr", "sr", "e.g", "i.e", "approx", "dept", "est", "fig",
}  # fmt: skip
# A sentence ends at . ! ? … (plus closing quotes/brackets) followed by whitespace, or at a blank line.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s)|\n\s*\n|\n(?=\s*[-•*])""")
_LAST_WORD = re.compile(r"([\w.]+)\.$")


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the '.' ending at ``end`` closes an abbreviation or an initial ("U.S.", "Gen.", "J.")."""
    # Search a window before ``end``, widened while the word may start before it: the same match as
    # searching from 0, without rescanning the whole text at every full stop (quadratic on long texts).
    window = 64
    while True:
        low = max(0, end - window)
        match = _LAST_WORD.search(text, low, end)
        if not match or match.start() > low or low == 0:
            break
        window *= 4
    if not match:
        return False
    word = match.group(1)
    if word.lower() in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():  # an initial
        return True
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))  # U.S, e.g


def _next_starts_sentence(text: str, position: int) -> bool:
    while position < len(text) and text[position].isspace():  # no copy of the rest of the text
        position += 1
    return position == len(text) or not text[position].islower()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of the sentences of ``text``, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group(0)[0] in ".!?…" and (
            (match.group(0).endswith(".") and _is_abbreviation(text, end)) or not _next_starts_sentence(text, end)
        ):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    trimmed = []
    for span_start, span_end in spans:
        piece = text[span_start:span_end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            trimmed.append((span_start + left, span_start + right))
    return trimmed


def sentence_index(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the sentence containing (or, between sentences, preceding) character ``offset``."""
    low, high = 0, len(spans) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if spans[middle][0] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


_DOTTED_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.){2,}")


def undotted(text: str) -> tuple[str, list[int] | None]:
    """``text`` with the full stops of capital-letter abbreviations taken out ("the U.S.-led coalition" ->
    "the US-led coalition"), and where each character of the result comes from: ``origin[i]`` is the offset
    in ``text`` of character ``i``, ``origin[len(result)]`` is ``len(text)``, so a span ``(a, b)`` of the
    result is ``(origin[a], origin[b])`` of ``text`` (an abbreviation's last full stop included). None when
    nothing was taken out. The corpus writes "US", "UK" and "UN" without stops, so the tagger reads
    "U.S.", common in American news, as four unknown pieces."""
    cuts = [match.start() + offset for match in _DOTTED_ABBREVIATION.finditer(text) for offset in range(1, match.end() - match.start(), 2)]
    if not cuts:
        return text, None
    removed = set(cuts)
    origin = [index for index in range(len(text)) if index not in removed]
    return "".join(text[index] for index in origin), origin + [len(text)]


_FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "s"})
# Words that running English writes in lower case inside a sentence, and a headline may not: the
# small words title case capitalises in some styles, and the verbs and pronouns it capitalises in all.
_HEADLINE_TELLS = _FUNCTION_WORDS - {"s"} | {
    "as", "into", "over", "after", "about", "against", "amid", "than", "up", "out", "off", "that", "this", "but", "not",
    "is", "are", "was", "were", "be", "has", "have", "had", "will", "would", "could", "can", "its", "his", "her", "their",
    "our", "it", "he", "she", "they", "we", "who", "what", "how", "why", "says", "said", "just",
}  # fmt: skip
_LETTER_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_CLAUSE_OPENERS = frozenset(":;.!?\"“‘'(—–")  # a word after one of these (or the first) may be capitalised anyway


def is_headline_case(line: str) -> bool:
    """Whether ``line`` is written in title case or in capitals ("UK Plans To Put British Troops In
    Ukraine", "Russia Says US Is Responsible for Deadly Ukrainian Attack on Crimea", "READ MORE ON
    UKRAINE"). Past the first word of each clause ("A: We expected more" has no other), a function word
    is capitalised, and either more function words are capitalised than not or 4 or more other words
    are and at most one is not. There a capital marks no name, so the span repair's casing rules stay
    out of it. None of the corpus' 4,157 sentences is such a line; web news' titles, "READ MORE" links
    and quoted headlines are."""
    words, previous_end = [], None
    for match in _LETTER_WORD.finditer(line):
        if previous_end is not None and line[previous_end : match.start()].rstrip()[-1:] not in _CLAUSE_OPENERS:
            words.append(match.group())
        previous_end = match.end()
    tells = [word[0].isupper() for word in words if word.lower() in _HEADLINE_TELLS]
    others = [word[0].isupper() for word in words if word.lower() not in _HEADLINE_TELLS]
    capitalised = sum(tells)
    if capitalised == 0:
        return False
    return capitalised > len(tells) - capitalised or (sum(others) >= 4 and len(others) - sum(others) <= 1)


def headline_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the lines of each sentence of ``text`` that `is_headline_case`, in order (a
    title often runs into the first sentence with a single line break)."""
    spans = []
    for sentence_start, sentence_end in sentence_spans(text):
        line_start = sentence_start
        for line in text[sentence_start:sentence_end].split("\n"):
            if is_headline_case(line):
                spans.append((line_start, line_start + len(line)))
            line_start += len(line) + 1
    return spans


# Web addresses, e-mail addresses, hashtags and @handles: parts of a page or a post, never a mention of
# an actor ("pic.twitter.com/rvzyKJKTu0", "#IStandWithEvan", "@ZelenskyyUa"), though a tagger that
# reads word pieces tags their capitalised pieces as names.
_WEB_TOKEN = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|(?<![\w.\-])[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}/\S*"
    r"|(?<![\w@#])[@#][^\W_]\w*",
    re.IGNORECASE,
)


def web_token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the web addresses, e-mail addresses, hashtags and @handles of ``text``, in order."""
    return [match.span() for match in _WEB_TOKEN.finditer(text)]


def inside_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of ``spans`` (``(start, end)`` pairs, sorted and disjoint)."""
    last_before_end = bisect.bisect_left(spans, (end,)) - 1
    return last_before_end >= 0 and spans[last_before_end][1] > start


def has_content_word(surface: str) -> bool:
    """Whether ``surface`` has a word of two or more letters that is no function word.

    A tagger that reads sub-words may leave a span of function words, digits or a possessive's "s"
    alone ("a", "of", "1"); no mention is only such words (docs/annotation.md, section 5). "U.S." is one
    word ("US")."""
    return any(len(word) > 1 and word not in _FUNCTION_WORDS for word in re.findall(r"[^\W\d_]+", undotted(surface)[0].lower()))


def text_problem(text: object) -> str | None:
    """Why ``text`` cannot be predicted (not a string, or holding lone surrogates), else None.

    Empty, whitespace-only, control characters, emoji and any script are fine: they give an
    article with whatever the model finds (often nothing).
    """
    if not isinstance(text, str):
        return f"expected a string, got {type(text).__name__}"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"invalid Unicode at character {error.start} (a lone surrogate such as \\ud800)"
    return None
