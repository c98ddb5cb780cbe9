"""The near-duplicate signature: datasketch's own MinHash values, computed on a whole array at once."""

from __future__ import annotations

import random
import zlib

import numpy as np
from datasketch import MinHash

from annotator.jobs.near_duplicates import NearDuplicateIndex, _affine32_min


def test_the_array_signature_equals_datasketchs_update_batch() -> None:
    rng = random.Random(7)
    template = MinHash(num_perm=128, hashfunc=int, seed=1)
    a, b = template.permutations
    for size in (1, 3, 50, 400):
        values = sorted({rng.randrange(2**32) for _ in range(size)} | {0, 2**32 - 1})
        reference = MinHash(num_perm=128, hashfunc=int, seed=1, permutations=template.permutations,
                            scheme=template.scheme)
        reference.update_batch(values)
        ours = _affine32_min(np.array(values, dtype=np.uint32), np.asarray(a), np.asarray(b))
        assert ours.dtype == reference.hashvalues.dtype
        assert np.array_equal(ours, reference.hashvalues)
        twice = _affine32_min(np.array(values * 2, dtype=np.uint32), np.asarray(a), np.asarray(b))
        assert np.array_equal(twice, ours)  # repeated 3-grams need no de-duplication


def test_similar_texts_are_found_and_different_ones_not() -> None:
    words = [f"w{i}" for i in range(300)]
    index = NearDuplicateIndex(0.9)
    index.add("original", index.signature(" ".join(words)))
    near = index.signature(" ".join([*words[:-3], "x", "y", "z"]))  # 3 of 298 3-grams differ at the end
    assert [m.key for m in index.query(near)] == ["original"]
    assert index.query(index.signature(" ".join(reversed(words)))) == []
    # The estimate is datasketch's Jaccard estimate of the two signatures.
    again = index.signature(" ".join(words))
    similarity = index.query(again)[0].similarity
    assert similarity == 1.0


def test_signature_is_the_affine_minimum_of_the_masked_64_bit_3_gram_mix() -> None:
    """The 3-grams are mixed on 32-bit arrays (wrapping): the same values as mixing in 64 bits and masking."""
    rng = np.random.default_rng(3)
    index = NearDuplicateIndex()
    words = [f"w{int(i)}" for i in rng.integers(0, 5000, 400)]
    h = np.array([zlib.crc32(w.encode()) for w in words], dtype=np.uint64)
    grams = (h[:-2] * np.uint64(0x9E3779B1) + h[1:-1] * np.uint64(0x85EBCA77) + h[2:]) & np.uint64(0xFFFFFFFF)
    expected = _affine32_min(grams.astype(np.uint32), index._a, index._b)
    assert np.array_equal(index.signature(" ".join(words)).hashvalues, expected)
