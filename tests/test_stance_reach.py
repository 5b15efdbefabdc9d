"""What `scripts/stance_reach.py` counts: how far apart gold edges' actors are mentioned, and for those
no sentence brings together, what their evidence sentence holds and what a pronoun rule would reach."""

from __future__ import annotations

from .conftest import make_article
from .test_docs import _script


TEXT = (
    "The army shelled the rebels in the north. "  # 0: ARMY and REB together
    "Chad hosted the talks. "                     # 1: TCD alone
    "It said it rejected the rebels' demands. "   # 2: REB named, "It" follows Chad (recency rule: TCD)
    "The UN met the envoy. "                      # 3: UN alone (ENVOY too)
    "Our mission will not leave, Maria said. "    # 4: first person, MARIA alone
    "The army regrouped. "                        # 5
    "Chad closed its border. "                    # 6
    "It angered Maria."                           # 7: "It" is Chad's: TCD and MARIA, a pair without a stance
)
MENTIONS = [("The army", "ARMY"), ("the rebels", "REB"), ("Chad", "TCD"), ("the rebels", "REB"), ("The UN", "UN"),
            ("the envoy", "ENVOY"), ("Maria", "MARIA"), ("The army", "ARMY"),
            ("Chad", "TCD"), ("Maria", "MARIA")]
STANCES = [
    ("ARMY", "REB", "OPPOSE", "The army shelled the rebels"),       # one sentence
    ("TCD", "REB", "OPPOSE", "It said it rejected"),                # 1 apart by names; the pronoun brings them together
    ("MARIA", "REB", "OPPOSE", "Our mission will not leave"),       # first person, names 2 apart
    ("ENVOY", "TCD", "NEUTRAL", "The UN met the envoy"),            # one actor named, no pronoun
    ("UN", "ARMY", "SUPPORT", "Chad hosted the talks"),             # neither actor in the evidence sentence
]


def test_edges_apart_by_what_their_evidence_holds_and_what_the_pronoun_rule_reaches():
    script = _script("stance_reach")
    article = make_article("a", TEXT, MENTIONS, STANCES)
    assert script.reach([article])["by_distance"] == {"0": 1, "1": 1, "2": 3, "3+": 0, "no mention": 0}
    apart = script.apart_edges([article])
    assert apart["evidence"] == {
        "one actor and a third-person pronoun": 1,  # TCD -> REB: "It said it rejected the rebels' demands."
        "one actor, first person": 1,  # MARIA -> REB: "Our mission ..., Maria said."
        "one actor, no pronoun": 1,  # ENVOY -> TCD
        "neither actor": 1,  # UN -> ARMY
        "no evidence": 0,
    }
    # "It" and "it" of sentence 2 are taken for Chad, the actor mentioned last before them, so TCD and REB share
    # it; "It" of sentence 7 too, so TCD and MARIA share one, a pair without a stance
    assert apart["pronoun_rule"] == {"gold_edges_brought_together": 1, "pairs_without_stance_brought_together": 1}
