"""Agreement metrics (annotator.core.agreement) against figures computed by hand in the comments."""

from __future__ import annotations

import random

import pytest

from annotator.core.agreement import (
    AGREED,
    DISPUTED,
    SINGLE,
    ClaimItem,
    Counts,
    ItemAgreement,
    Mention,
    claim_agreement,
    claim_clusters,
    claim_from_view,
    claim_items,
    cohen_kappa,
    entity_agreement,
    entity_items,
    item_agreement,
    kappa_details,
    match_claims,
    mention_from_view,
    overlap,
)
from annotator.core.records import ClaimView, EntityView, RoleView, Span, Status

# --------------------------------------------------------------------------- entities

# Annotator A: 4 PERSON + 2 GPE.
A_MENTIONS = [
    Mention(0, 5, "PERSON"), Mention(10, 15, "PERSON"), Mention(20, 25, "PERSON"), Mention(30, 35, "PERSON"),
    Mention(40, 45, "GPE"), Mention(50, 55, "GPE"),
]
# Annotator B: the first 3 PERSON exactly, the 4th PERSON with other boundaries (30, 38), the first GPE
# exactly, the second GPE span labelled ORG.
B_MENTIONS = [
    Mention(0, 5, "PERSON"), Mention(10, 15, "PERSON"), Mention(20, 25, "PERSON"), Mention(30, 38, "PERSON"),
    Mention(40, 45, "GPE"), Mention(50, 55, "ORG"),
]


def test_entity_f1_per_label_and_overall_by_hand() -> None:
    result = entity_agreement(A_MENTIONS, B_MENTIONS)
    # PERSON: tp 3 (exact), fn 1 (A's 30-35), fp 1 (B's 30-38) -> P = 3/4, R = 3/4, F1 = 6/(6+1+1) = 0.75
    assert result.per_label["PERSON"] == Counts(tp=3, fp=1, fn=1)
    assert result.per_label["PERSON"].precision == pytest.approx(0.75)
    assert result.per_label["PERSON"].recall == pytest.approx(0.75)
    assert result.per_label["PERSON"].f1 == pytest.approx(0.75)
    # GPE: tp 1, fn 1 (50-55 is ORG for B), fp 0 -> P = 1, R = 1/2, F1 = 2/(2+0+1) = 2/3
    assert result.per_label["GPE"] == Counts(tp=1, fp=0, fn=1)
    assert result.per_label["GPE"].precision == pytest.approx(1.0)
    assert result.per_label["GPE"].recall == pytest.approx(0.5)
    assert result.per_label["GPE"].f1 == pytest.approx(2 / 3)
    # ORG: only B's 50-55 -> fp 1 -> P = 0/1 = 0, R undefined (A has no ORG), F1 = 0/(0+1+0) = 0
    assert result.per_label["ORG"] == Counts(tp=0, fp=1, fn=0)
    assert result.per_label["ORG"].precision == 0.0
    assert result.per_label["ORG"].recall is None
    assert result.per_label["ORG"].f1 == 0.0
    # overall: tp 3+1 = 4, fp 1+1 = 2, fn 1+1 = 2 -> P = R = 4/6, F1 = 8/(8+2+2) = 2/3
    assert result.overall == Counts(tp=4, fp=2, fn=2)
    assert result.overall.f1 == pytest.approx(2 / 3)
    assert (result.overall.n_reference, result.overall.n_other) == (6, 6)
    assert list(result.per_label) == ["GPE", "ORG", "PERSON"]


def test_entity_f1_is_symmetric_and_precision_recall_swap() -> None:
    ab = entity_agreement(A_MENTIONS, B_MENTIONS[:4])  # B without its GPE/ORG: 4 items against A's 6
    ba = entity_agreement(B_MENTIONS[:4], A_MENTIONS)
    # A as reference: tp 3, fp 1 (30-38), fn 3 (30-35, both GPE) -> P 3/4, R 3/6, F1 6/(6+1+3) = 0.6
    assert ab.overall == Counts(tp=3, fp=1, fn=3)
    assert ab.overall.f1 == pytest.approx(0.6) and ba.overall.f1 == pytest.approx(0.6)
    assert ab.overall.precision == pytest.approx(0.75) == ba.overall.recall
    assert ab.overall.recall == pytest.approx(0.5) == ba.overall.precision


def test_entity_counts_add_up_over_articles_before_the_ratio() -> None:
    # Article 1 as above (tp 4, fp 2, fn 2); article 2: both have one identical mention (tp 1).
    total = entity_agreement(A_MENTIONS, B_MENTIONS) + entity_agreement([Mention(0, 3, "ORG")],
                                                                        [Mention(0, 3, "ORG")])
    # tp 5, fp 2, fn 2 -> F1 = 10/(10+2+2) = 5/7 (micro; the mean of 2/3 and 1 would be 5/6)
    assert total.overall == Counts(tp=5, fp=2, fn=2)
    assert total.overall.f1 == pytest.approx(5 / 7)
    assert total.per_label["ORG"] == Counts(tp=1, fp=1, fn=0)


def test_entity_degenerate_cases() -> None:
    nothing = entity_agreement([], [])
    assert nothing.overall == Counts() and nothing.overall.f1 is None and nothing.per_label == {}
    one_sided = entity_agreement(A_MENTIONS, [])
    assert one_sided.overall == Counts(tp=0, fp=0, fn=6)
    assert one_sided.overall.f1 == 0.0 and one_sided.overall.precision is None
    # duplicates within one list count once
    assert entity_agreement(A_MENTIONS * 2, A_MENTIONS).overall == Counts(tp=6)


# --------------------------------------------------------------------------- kappa


def test_kappa_2x2_textbook_example() -> None:
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    # pₒ = (20+15)/50 = 0.7; A yes 25/50 = 0.5, B yes 30/50 = 0.6
    # pₑ = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4
    k = kappa_details(pairs)
    assert (k.n, k.observed, k.expected) == (50, pytest.approx(0.7), pytest.approx(0.5))
    assert k.value == pytest.approx(0.4)
    # Cross-check with the textbook formula written with counts: κ = 2(ad − bc) / ((a+b)(b+d) + (a+c)(c+d))
    a, b, c, d = 20, 5, 10, 15
    assert k.value == pytest.approx(2 * (a * d - b * c) / ((a + b) * (b + d) + (a + c) * (c + d)))


def test_kappa_3_categories_by_hand() -> None:
    pairs = ([("direct", "direct")] * 3 + [("indirect", "indirect")] * 2 + [("other", "other")]
             + [("direct", "indirect")] + [("indirect", "other")] * 2 + [("other", "direct")])
    # n = 10; pₒ = (3+2+1)/10 = 0.6
    # A: direct 3+1 = 4, indirect 2+2 = 4, other 1+1 = 2;  B: direct 3+1 = 4, indirect 2+1 = 3, other 1+2 = 3
    # pₑ = (4·4 + 4·3 + 2·3)/100 = 34/100; κ = (0.6 − 0.34)/(0.66) = 26/66 = 13/33
    k = kappa_details(pairs)
    assert k.n == 10 and k.observed == pytest.approx(0.6) and k.expected == pytest.approx(0.34)
    assert k.value == pytest.approx(13 / 33)
    assert cohen_kappa(reversed(pairs)) == pytest.approx(13 / 33)  # order of the pairs does not matter


def test_kappa_unset_stance_is_a_category() -> None:
    pairs = [(None, None), (1, 1), (None, -1), (1, 1)]
    # pₒ = 3/4; A: None 2, 1 2; B: None 1, 1 2, -1 1; pₑ = (2·1 + 2·2)/16 = 6/16
    # κ = (12/16 − 6/16)/(10/16) = 6/10
    assert cohen_kappa(pairs) == pytest.approx(0.6)


def test_kappa_degenerate_cases() -> None:
    assert cohen_kappa([]) is None
    assert kappa_details([]).observed is None
    # pₑ = 1: both always used the same single category -> 1.0 by definition (0/0 otherwise)
    k = kappa_details([("statement", "statement")] * 4)
    assert (k.observed, k.expected, k.value) == (1.0, 1.0, 1.0)
    # one always "x", the other always "y": pₒ = 0, pₑ = 1·0 + 0·1 = 0 -> κ = 0
    assert cohen_kappa([("x", "y")] * 3) == 0.0
    # systematic swap of two balanced categories: pₒ = 0, pₑ = 0.5 -> κ = −1
    assert cohen_kappa([("x", "y"), ("y", "x")]) == pytest.approx(-1.0)


# --------------------------------------------------------------------------- claims


def claim(cue: tuple[int, int] | None, content: tuple[int, int] | None, kind: str = "direct",
          form: str = "statement", stance: int | None = None) -> ClaimItem:
    return ClaimItem(cue=(cue,) if cue else (), content=(content,) if content else (), kind=kind, form=form,
                     stance=stance)


A_CLAIMS = [
    claim((10, 14), (20, 40), kind="direct"),
    claim((50, 55), (60, 80), kind="indirect"),
    claim((100, 104), (110, 130), kind="indirect", stance=1),
]
B_CLAIMS = [
    claim((10, 14), (25, 45), kind="indirect"),  # matches A0: cue 4 + content 15 = 19
    claim((50, 55), (85, 95)),  # same cue as A1 but content apart: no match
    claim((100, 104), (110, 130), kind="direct", stance=1),  # matches A2: 4 + 20 = 24
    claim((11, 13), (20, 40), kind="direct"),  # matches A0 better: cue 2 + content 20 = 22 > 19
]


def test_overlap_of_discontinuous_spans() -> None:
    # [0,10) ∩ [5,25) = 5, [20,30) ∩ [5,25) = 5
    assert overlap([(0, 10), (20, 30)], [(5, 25)]) == 10
    assert overlap([(0, 10)], [(10, 20)]) == 0  # end exclusive: touching is not overlapping


def test_claim_matching_is_greedy_by_overlap_and_one_to_one() -> None:
    # A0 can pair with B0 (19) or B3 (22): the larger overlap wins, B0 stays unmatched.
    assert match_claims(A_CLAIMS, B_CLAIMS) == [(0, 3), (2, 2)]
    result = claim_agreement(A_CLAIMS, B_CLAIMS)
    # tp 2, fp 2 (B0, B1), fn 1 (A1) -> P = 2/4, R = 2/3, F1 = 4/(4+2+1) = 4/7
    assert result.counts == Counts(tp=2, fp=2, fn=1)
    assert result.counts.f1 == pytest.approx(4 / 7)
    # matched attribute pairs: (A0, B3) and (A2, B2)
    assert result.pairs["kind"] == (("direct", "direct"), ("indirect", "direct"))
    assert result.pairs["stance"] == ((None, None), (1, 1))
    # kind: pₒ 1/2; A direct 1, indirect 1; B direct 2 -> pₑ = (1·2)/4 = 1/2 -> κ = 0
    assert result.kappa("kind").value == pytest.approx(0.0)
    # form: always "statement" on both sides -> pₑ = 1, pₒ = 1 -> κ = 1.0 (documented degenerate case)
    assert result.kappa("form").value == 1.0


def test_claim_matching_does_not_depend_on_input_order() -> None:
    expected = {(A_CLAIMS[i], B_CLAIMS[j]) for i, j in match_claims(A_CLAIMS, B_CLAIMS)}
    rng = random.Random(4)
    for _ in range(10):
        a, b = A_CLAIMS[:], B_CLAIMS[:]
        rng.shuffle(a)
        rng.shuffle(b)
        assert {(a[i], b[j]) for i, j in match_claims(a, b)} == expected


def test_claim_ties_go_to_the_earlier_position() -> None:
    # Two identical-score candidates for one reference claim: the one earlier in the text wins.
    ref = [claim((10, 20), (30, 60))]
    late = claim((15, 25), (45, 75))  # cue 5 + content 15 = 20
    early = claim((5, 15), (15, 45))  # cue 5 + content 15 = 20
    assert match_claims(ref, [late, early]) == [(0, 1)]
    assert match_claims(ref, [early, late]) == [(0, 0)]


def test_claim_ties_at_the_same_position_do_not_depend_on_list_order() -> None:
    ref = [claim((10, 20), (30, 60))]
    direct, indirect = claim((10, 20), (30, 60), kind="direct"), claim((10, 20), (30, 60), kind="indirect")
    # same score and spans: the other values decide ("direct" < "indirect"), whatever the order
    assert match_claims(ref, [indirect, direct]) == [(0, 1)]
    assert match_claims(ref, [direct, indirect]) == [(0, 0)]


def test_claim_roles_both_empty_agree_one_empty_does_not() -> None:
    assert match_claims([claim(None, (0, 10))], [claim(None, (5, 15))]) == [(0, 0)]
    assert match_claims([claim(None, (0, 10))], [claim((0, 3), (5, 15))]) == []
    assert match_claims([claim(None, None)], [claim(None, None)]) == []  # nothing to match on
    # ... so each stays a cluster of its own in the review status
    empty = {"a": [claim(None, None)], "b": [claim(None, None)]}
    assert [i.status for i in claim_items(empty)] == [SINGLE, SINGLE]
    assert claim_agreement([], []).counts.f1 is None
    assert claim_agreement([], []).kappa("kind").value is None


def test_claim_agreement_adds_up() -> None:
    total = claim_agreement(A_CLAIMS, B_CLAIMS) + claim_agreement(A_CLAIMS[:1], A_CLAIMS[:1])
    assert total.counts == Counts(tp=3, fp=2, fn=1)
    assert len(total.pairs["kind"]) == 3


# --------------------------------------------------------------------------- adapters


def test_adapters_from_views() -> None:
    entity = EntityView(id=7, article_id="a", layer="alice", start=3, end=9, text="Abe ok", label="PERSON",
                        status=Status.ACCEPTED, origin="manual", actor_id=None, actor_name=None,
                        derived_from=None, annotator="alice")
    assert mention_from_view(entity) == Mention(3, 9, "PERSON") and mention_from_view(entity).ref == 7
    view = ClaimView(id=9, article_id="a", layer="alice", source=None,
                     cue=RoleView((Span(10, 14),), "said"),
                     content=RoleView((Span(40, 50), Span(20, 30)), "x … y"),
                     kind="indirect", form="demand", source_actor_id=None, source_actor_name=None,
                     addressee_id=None, addressee_name=None, issue=None, stance=-1, note="",
                     status=Status.MANUAL, origin="manual", derived_from=None, annotator="alice")
    item = claim_from_view(view)
    assert item == ClaimItem(cue=((10, 14),), content=((20, 30), (40, 50)), source=(), kind="indirect",
                             form="demand", stance=-1)
    assert item.ref == 9


# --------------------------------------------------------------------------- review status per item


def _key(item: ItemAgreement) -> tuple[int, int, str]:
    record = item.members[0][1]
    assert isinstance(record, Mention)
    return (record.start, record.end, record.label)


def test_entity_items_agreed_disputed_single() -> None:
    layers = {
        "alice": [Mention(0, 5, "PERSON"), Mention(10, 15, "GPE"), Mention(20, 30, "ORG"),
                  Mention(40, 45, "GPE"), Mention(50, 69, "ORG"), Mention(64, 69, "GPE")],
        "bob": [Mention(0, 5, "PERSON"), Mention(10, 15, "ORG"), Mention(22, 30, "ORG"),
                Mention(50, 69, "ORG")],
    }
    items = entity_items(layers)
    by_key = {_key(i): i for i in items}
    assert by_key[(0, 5, "PERSON")].status == AGREED
    assert by_key[(0, 5, "PERSON")].annotators == ("alice", "bob")
    # same span, other label: both versions disputed, each naming the other as its conflict
    assert by_key[(10, 15, "GPE")].status == DISPUTED and by_key[(10, 15, "ORG")].status == DISPUTED
    assert by_key[(10, 15, "GPE")].conflicts == (("bob", Mention(10, 15, "ORG")),)
    # overlapping, other boundaries: disputed
    assert by_key[(20, 30, "ORG")].status == DISPUTED and by_key[(22, 30, "ORG")].status == DISPUTED
    # only alice, nothing overlapping in bob's layer: single
    assert by_key[(40, 45, "GPE")].status == SINGLE and by_key[(40, 45, "GPE")].annotators == ("alice",)
    # nested "Japan" inside the agreed "Government of Japan": bob did not mark it, but does not contest it
    assert by_key[(50, 69, "ORG")].status == AGREED
    assert by_key[(64, 69, "GPE")].status == SINGLE
    assert len(items) == 8  # the 10 mentions, the 2 agreed ones counted once


def test_entity_items_required_annotators() -> None:
    layers = {"alice": [Mention(0, 5, "PERSON")], "bob": [Mention(0, 5, "PERSON")], "carol": []}
    assert [i.status for i in entity_items(layers)] == [SINGLE]  # carol lacks it and contests nothing
    assert [i.status for i in entity_items(layers, required=["alice", "bob"])] == [AGREED]


def test_claim_items_agreed_disputed_single() -> None:
    same = claim((10, 14), (20, 40), stance=1)
    layers = {
        "alice": [same, claim((50, 55), (60, 80)), claim((100, 104), (110, 130), stance=1)],
        "bob": [same, claim((50, 55), (62, 80)), claim((100, 104), (110, 130), stance=-1),
                claim((200, 205), (210, 230))],
    }
    items = claim_items(layers)
    assert [(i.start, i.status, i.annotators) for i in items] == [
        (10, AGREED, ("alice", "bob")),  # identical spans and attributes
        (50, DISPUTED, ("alice", "bob")),  # content boundaries differ
        (100, DISPUTED, ("alice", "bob")),  # same spans, other stance
        (200, SINGLE, ("bob",)),
    ]
    assert all(len(c) <= 2 for c in claim_clusters(layers))


def test_claim_clusters_hold_at_most_one_claim_per_layer() -> None:
    # bob's two claims both overlap alice's one: only the better one joins her cluster.
    layers = {"alice": [claim((10, 14), (20, 60))],
              "bob": [claim((10, 14), (20, 30)), claim((10, 14), (20, 55))]}
    clusters = claim_clusters(layers)
    assert [[name for name, _ in c] for c in clusters] == [["alice", "bob"], ["bob"]]
    assert clusters[0][1][1].content == ((20, 55),)


def test_item_agreement_mixes_entities_and_claims() -> None:
    layers: dict[str, list[Mention | ClaimItem]] = {
        "alice": [Mention(0, 5, "PERSON"), claim((10, 14), (20, 40))],
        "bob": [Mention(0, 5, "PERSON"), claim((10, 14), (20, 40))],
    }
    items = item_agreement(layers)
    assert [(i.kind, i.status) for i in items] == [("entity", AGREED), ("claim", AGREED)]
    assert [(i.kind, i.status) for i in item_agreement(layers, required=["alice", "bob", "carol"])] == [
        ("entity", SINGLE), ("claim", SINGLE)]
