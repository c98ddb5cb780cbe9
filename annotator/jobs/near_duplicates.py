"""Near-duplicates (wire copies, updated versions of one story): shingled MinHash with an LSH index (datasketch).

Each text becomes the set of its word 3-grams (lower case), summarised by a MinHash of 128 permutations; an LSH
index finds the stored texts whose estimated Jaccard similarity of those sets may reach the threshold, and the
signatures themselves decide. The estimate's standard error at 0.9 is about 0.03.

Word hashes are CRC-32 (deterministic across runs, unlike ``hash``) and 3-grams are combined arithmetically with
numpy. The signature applies datasketch's own ``affine32`` permutations (its MurmurHash3 pre-mix, then
``a * h + b`` modulo 2^32, the minimum per permutation) to the array of 3-gram hashes at once: ``update_batch``
takes a Python list and calls the hash function once per value, which was half of the time of a text.
``tests/unit/test_near_duplicates.py`` pins the two to the same values.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

# The threshold and its setting live apart (this module loads numpy, datasketch and scipy), re-exported here.
from annotator.jobs.near_duplicate_settings import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from annotator.jobs.near_duplicate_settings import THRESHOLD_SETTING as THRESHOLD_SETTING
from annotator.jobs.near_duplicate_settings import project_threshold as project_threshold

NUM_PERM = 128
SHINGLE = 3
_MAX_CACHED_WORDS = 2_000_000
# Odd multipliers that mix the three word hashes of a 3-gram into one 32-bit value, ``h0 * M0 + h1 * M1 + h2``
# modulo 2^32: computed on 32-bit arrays, whose arithmetic wraps modulo 2^32 (the low 32 bits of a product or a
# sum depend only on the low 32 bits of its terms, so this is the 64-bit computation masked to 32 bits).
_MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77))


_SCHEME = "affine32"
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _affine32_min(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The MinHash values of a set of 32-bit hashes under datasketch's ``affine32`` permutations ``(a, b)``:
    the MurmurHash3 32-bit finalizer, then ``a * h + b`` (wrapping modulo 2^32), the minimum per permutation."""
    s1, m1, s2, m2, s3 = _FMIX
    h = values ^ (values >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    h = (h ^ (h >> s3)).reshape(-1, 1)
    result: np.ndarray = (h * a + b).min(axis=0)
    return result


@dataclass(frozen=True)
class Match:
    """The stored text a new one repeats, and how similar they are (estimated Jaccard, 0..1)."""

    key: Hashable
    similarity: float


class NearDuplicateIndex:
    """Texts added so far, searchable for near-duplicates of a new text.

    Args:
        threshold: similarity from which a text is a near-duplicate (0 < threshold <= 1).
        num_perm: MinHash permutations (more: a finer estimate, more memory and time).
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be above 0 and at most 1, not {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        # LSH finds candidates a little below the threshold too: the signatures decide afterwards.
        self._lsh = MinHashLSH(threshold=max(0.05, threshold - 0.1), num_perm=num_perm)
        self._signatures: dict[Hashable, np.ndarray] = {}
        self._word_cache: dict[str, int] = {}
        # ``int`` as the hash function: the values given are already 32-bit hashes, and a builtin call is the
        # cheapest identity datasketch can make per value.
        self._template = MinHash(num_perm=num_perm, hashfunc=int, seed=1)
        self._scratch = MinHash(num_perm=num_perm, hashfunc=int, seed=1, permutations=self._template.permutations,
                                scheme=self._template.scheme)
        if self._template.scheme != _SCHEME:
            raise RuntimeError(f"datasketch's MinHash scheme is {self._template.scheme!r}, expected {_SCHEME!r}")
        a, b = self._template.permutations
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, text: str) -> MinHash:
        """The MinHash of a text's word 3-grams (a text shorter than three words: of its words).

        The returned object is reused by the next call (building a MinHash costs as much as filling one): pass
        it to ``query`` and ``add`` before signing the next text; ``add`` keeps a copy of its values.
        """
        # Whitespace words, punctuation attached: both texts of a comparison are cut the same way, and split()
        # is several times faster than a regular expression.
        words = text.lower().split()
        m = self._scratch
        if not words:
            m.clear()
            return m
        hashes = self._word_hashes(words)
        if len(hashes) >= SHINGLE:
            grams = hashes[:-2] * _MIX[0]
            grams += hashes[1:-1] * _MIX[1]
            grams += hashes[2:]
        else:
            grams = hashes
        # A 3-gram repeated changes no minimum: the set needs no de-duplication first. Every value is set here,
        # so the scratch signature needs no clearing first.
        m.hashvalues = _affine32_min(grams, self._a, self._b)
        return m

    def _word_hashes(self, words: list[str]) -> np.ndarray:
        """The CRC-32 of each word, as a 32-bit array."""
        # News vocabulary repeats: a dictionary lookup is cheaper than hashing every word again.
        cache = self._word_cache
        missing = set(words).difference(cache)  # nearly every article has a word of its own (a number, a name)
        if missing:
            if len(cache) > _MAX_CACHED_WORDS:
                cache.clear()
                missing = set(words)
            for w in missing:
                cache[w] = zlib.crc32(w.encode("utf-8", "surrogatepass"))
        return np.fromiter(map(cache.__getitem__, words), dtype=np.uint32, count=len(words))

    def query(self, sig: MinHash) -> list[Match]:
        """Stored texts at least ``threshold`` similar to ``sig``, most similar first (ties: first added)."""
        if not self._signatures:
            return []
        found = []
        order = {key: i for i, key in enumerate(self._lsh.query(sig))}
        for key in order:
            similarity = float(np.count_nonzero(self._signatures[key] == sig.hashvalues)) / self.num_perm
            if similarity >= self.threshold:
                found.append(Match(key, similarity))
        found.sort(key=lambda m: -m.similarity)
        return found

    def add(self, key: Hashable, sig: MinHash) -> None:
        """Store a text's signature under ``key`` (a key already stored is left as it is)."""
        if key in self._signatures:
            return
        self._lsh.insert(key, sig, check_duplication=False)
        self._signatures[key] = sig.hashvalues.astype(np.uint32)

    def remove(self, key: Hashable) -> None:
        """Forget a stored text (nothing later can repeat it)."""
        if self._signatures.pop(key, None) is not None:
            self._lsh.remove(key)

    def rename(self, old: Hashable, new: Hashable) -> None:
        """Store the signature under a new key (a provisional key becomes the stored article's id)."""
        if old == new or old not in self._signatures:
            return
        values = self._signatures.pop(old)
        self._lsh.remove(old)
        sig = MinHash(num_perm=self.num_perm, hashfunc=int, seed=1,
                      hashvalues=values.astype(np.uint64), permutations=self._template.permutations,
                      scheme=self._template.scheme)
        self.add(new, sig)
