"""How much of the bundled corpus the actor dictionary links, and whether its codes group mentions as the gold does.

    python benchmarks/dictionary_coverage.py [CORPUS_DIR] [--json PATH] [--unlinked N]

The result also holds the CPU seconds of the first load of the default dictionary, and the same
measures for the Phoenix files alone (`phoenix_only`, without the project's supplements, which were
written from gaps seen on this whole corpus, test split included), and per split.
For every gold mention, `ActorDictionary.default().link(text, when=article date)`. Mentions are
compared by `actor_key` of their links (JOR, JOR_MIL, IGOUNO, NGAREB, "RUS:Vladimir Putin").

* coverage: share of gold mentions (and of gold actors, by at least one mention) that link; of
  name mentions (a capital letter after a leading determiner: "Jordan", not "the army"); and the
  share of unlinked mentions whose common noun `agent` still maps to a role ("the army" -> MIL);
* purity: over pairs of linked mentions of the same gold actor (actors with >= 2 linked mentions),
  the share whose keys agree;
* collisions: over pairs of linked mentions of different gold actors in one article, the share
  whose keys agree (two actors the dictionary would merge);
* implied roles: gold actors whose linked mentions all imply one role of the default label set's
  ``dictionary_roles`` (`implied_role`, what ``actors.dictionary_roles`` gives them at prediction),
  and the share of those whose gold role it is.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

from actorstance.actor_dictionary import ActorDictionary, actor_key, default_paths, implied_role, phoenix_errata
from actorstance.atomic import atomic_write_text
from actorstance.corpus import load_corpus
from actorstance.labels import LabelSchema
from actorstance.schema import Article


def _is_name(text: str) -> bool:
    """A capital letter once a leading determiner is set aside: "Jordan", "the Kremlin", not "The army"."""
    first, _, rest = text.partition(" ")
    return any(char.isupper() for char in (rest if rest and first.casefold() in {"the", "a", "an"} else text))


def _article_date(meta: dict) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(meta.get("date", "")))
    except ValueError:
        return None


def measure(dictionary: ActorDictionary, articles: list[Article], unlinked_top: int = 30) -> dict:
    roles_by_evidence = LabelSchema.default().dictionary_roles
    implied = implied_right = 0
    implied_wrong: list[str] = []
    mentions = linked = names = names_linked = agent_only = 0
    actors = actors_linked = 0
    same_pairs = same_agree = other_pairs = other_agree = 0
    unlinked: Counter[str] = Counter()
    collisions: Counter[tuple[str, str, str]] = Counter()
    for article in articles:
        when = _article_date(article.meta)
        keys: dict[str, list[str]] = {actor.id: [] for actor in article.actors}
        links: dict[str, list] = {actor.id: [] for actor in article.actors}
        for mention in article.mentions:
            mentions += 1
            is_name = _is_name(mention.text)
            names += is_name
            link = dictionary.link(mention.text, when)
            if link is None:
                unlinked[mention.text] += 1
                agent_only += dictionary.agent(mention.text) is not None
                continue
            linked += 1
            names_linked += is_name
            keys[mention.actor].append(actor_key(link))
            links[mention.actor].append(link)
        for actor in article.actors:
            role = implied_role(links[actor.id], roles_by_evidence)
            if role is not None:
                implied += 1
                implied_right += role == actor.role
                if role != actor.role:
                    implied_wrong.append(f"{article.id}/{actor.id}: {actor.role} -> {role}")
        actors += len(keys)
        actors_linked += sum(1 for values in keys.values() if values)
        for values in keys.values():
            for first, second in combinations(values, 2):
                same_pairs += 1
                same_agree += first == second
        for (actor_a, keys_a), (actor_b, keys_b) in combinations(keys.items(), 2):
            for first in keys_a:
                for second in keys_b:
                    other_pairs += 1
                    if first == second:
                        other_agree += 1
                        collisions[(article.id, *sorted((actor_a, actor_b)))] += 1
    return {
        "mentions": mentions,
        "mentions_linked": linked,
        "mention_coverage": round(linked / mentions, 4),
        "name_mentions": names,
        "name_mentions_linked": names_linked,
        "name_coverage": round(names_linked / names, 4),
        "unlinked_with_agent": agent_only,
        "unlinked_agent_share": round(agent_only / (mentions - linked), 4) if mentions > linked else None,
        "actors": actors,
        "actors_linked": actors_linked,
        "actor_coverage": round(actors_linked / actors, 4),
        "same_actor_pairs": same_pairs,
        "purity": round(same_agree / same_pairs, 4) if same_pairs else None,
        "different_actor_pairs": other_pairs,
        "collision_rate": round(other_agree / other_pairs, 4) if other_pairs else None,
        "colliding_actor_pairs": len(collisions),
        "top_collisions": [" / ".join(key) for key, _ in collisions.most_common(15)],
        "top_unlinked": [f"{text} ({count})" for text, count in unlinked.most_common(unlinked_top)],
        "actors_with_implied_role": implied,
        "implied_role_right": implied_right,
        "implied_role_wrong": implied_wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default="data/corpus", type=Path)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/dictionary_coverage.json"))
    parser.add_argument("--unlinked", type=int, default=30, help="how many of the most frequent unlinked surfaces to list")
    args = parser.parse_args(argv)
    started = time.process_time()
    dictionary = ActorDictionary.default()
    load_cpu_seconds = time.process_time() - started
    articles = load_corpus(args.corpus, LabelSchema.resolve("default"))
    phoenix_only = ActorDictionary.load(default_paths()[2:], phoenix_errata())
    result = {
        "corpus": str(args.corpus),
        "articles": len(articles),
        "load_cpu_seconds": round(load_cpu_seconds, 2),
        **measure(dictionary, articles, args.unlinked),
        "phoenix_only": measure(phoenix_only, articles, 0),
        "by_split": {
            str(split): measure(dictionary, [article for article in articles if article.split == split], 0)
            for split in sorted({article.split for article in articles}, key=str)
        },
    }
    atomic_write_text(args.json, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
