"""Counts that add up field by field (core.tally), as the scores and agreement records use them."""

from __future__ import annotations

from annotator.core.agreement import Counts, EntityAgreement
from annotator.core.evaluation import PRF, ClaimScores, EntityScores
from annotator.core.tally import merged_by_key


def test_counts_add_field_by_field_into_their_own_class() -> None:
    total = Counts(tp=1, fp=2, fn=3) + Counts(tp=10, fp=20, fn=30)
    assert total == Counts(tp=11, fp=22, fn=33)
    assert type(total) is Counts
    assert sum([Counts(tp=1), Counts(fn=1), Counts(fp=1)], Counts()) == Counts(1, 1, 1)


def test_a_record_with_extra_counts_adds_its_base_as_zero_extras() -> None:
    claims = ClaimScores(tp=2, n_gold=3, n_pred=4, source_correct=1)
    assert claims + PRF(1, 1, 1) == ClaimScores(tp=3, n_gold=4, n_pred=5, source_correct=1)
    assert claims + claims == ClaimScores(tp=4, n_gold=6, n_pred=8, source_correct=2)
    # The base keeps its own class: a PRF plus scores is a PRF.
    assert type(PRF(1, 1, 1) + claims) is PRF
    assert PRF(1, 1, 1) + claims == PRF(3, 4, 5)


def test_per_label_maps_merge_with_sorted_keys_and_zero_for_the_missing() -> None:
    merged = merged_by_key({"ORG": PRF(1, 1, 1)}, {"GPE": PRF(0, 2, 0), "ORG": PRF(1, 2, 3)}, PRF())
    assert list(merged) == ["GPE", "ORG"]
    assert merged == {"GPE": PRF(0, 2, 0), "ORG": PRF(2, 3, 4)}

    scores = EntityScores(PRF(1, 1, 1), {"ORG": PRF(1, 1, 1)}) + EntityScores(PRF(0, 2, 0), {"GPE": PRF(0, 2, 0)})
    assert scores.overall == PRF(1, 3, 1)
    assert list(scores.per_label) == ["GPE", "ORG"]

    agreement = EntityAgreement(Counts(tp=1), {"PERSON": Counts(tp=1)}) + EntityAgreement(
        Counts(fn=1), {"GPE": Counts(fn=1), "PERSON": Counts(fp=2)}
    )
    assert agreement.overall == Counts(tp=1, fn=1)
    assert dict(agreement.per_label) == {"GPE": Counts(fn=1), "PERSON": Counts(tp=1, fp=2)}
