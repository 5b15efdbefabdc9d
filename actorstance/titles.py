"""The titles before a person's name ("President", "Colonel", "the Catholicos"), and what is left without them.

The annotation leaves titles out of a mention, royal and religious ones too (docs/annotation.md,
5.2), and the archive keys a person by the name without them. The same title words serve the span
edge rules (`span_edges`), the start of a predicted span (`title_start`) and the archive's person
nodes (`person_names`, through `bare_name`).
"""

from __future__ import annotations

__all__ = ["PERSON_TITLES", "TITLE_MODIFIERS", "bare_name", "title_start"]

# Words that introduce a person's name ("Mr", "President"), and words that only come before one of
# them ("Former", "Prime", "Deputy Foreign"): "former Soviet Union" keeps its "former".
PERSON_TITLES = frozenset(
    "mr mrs ms miss mx dr sir dame lord lady prof professor president minister premier chancellor secretary "
    "senator sen rep representative congressman congresswoman governor gov mayor king queen prince princess emir "
    "sheikh pope patriarch catholicos bishop archbishop cardinal rabbi imam ayatollah mufti general gen "
    "colonel col commander admiral commodore brigadier captain lieutenant sergeant marshal ambassador envoy "
    "spokesman spokeswoman chairman chairwoman ceo judge speaker".split()
)
TITLE_MODIFIERS = frozenset("former acting deputy vice prime foreign defence defense interior finance home state lt grand".split())


def bare_name(name: str) -> tuple[str, bool]:
    """``name`` less leading titles, when one to three capitalised words are left ("President Joe Biden"
    -> "Joe Biden", "Mr. Sunak" -> "Sunak", not "former Soviet Union"), and whether a title was taken off."""
    words = name.split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    titles = 0
    for position, word in enumerate(words[:-1]):
        word = word.casefold().rstrip(".")
        if word in PERSON_TITLES:
            titles = position + 1
        elif word not in TITLE_MODIFIERS:
            break
    rest = words[titles:]
    if titles and len(rest) <= 3 and all(word[:1].isupper() for word in rest):
        return " ".join(rest), True
    return " ".join(words) or name, False


def title_start(text: str, start: int, end: int) -> int:
    """Where the name in ``text[start:end]`` starts after its leading titles when two or three words are
    left ("President Joe Biden" -> "Joe Biden", "Colonel Assimi Goïta" -> "Assimi Goïta"; `bare_name`),
    else ``start``: the annotation leaves titles out of the mention, royal and religious ones too
    (docs/annotation.md, 5.2)."""
    surface = text[start:end]
    rest, titled = bare_name(surface)
    # one word left may be an office's own name ("General Security", "the General Assembly")
    return end - len(rest) if titled and " " in rest and surface.endswith(rest) else start
