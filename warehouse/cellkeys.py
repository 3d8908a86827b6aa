"""Cell keys: which deviation of the p-table each published count takes (DESIGN §7,
docs/confidentiality.md). A count's key is the sum of its records' keys modulo 2³² — an answer
category's mixed with its whole cell's (:func:`category_keys`) — scrambled by a fixed bijection
(:func:`scramble`) before the lookup. Used by :mod:`warehouse.protect` only; the published figures
leave through it."""
from __future__ import annotations

import numpy as np

from dataset.recordkey import KEY_SCALE

_M32 = np.uint64(0xFFFFFFFF)
_C1, _C2 = 0x85EBCA6B, 0xC2B2AE35  # murmur3's fmix32 multipliers (odd: invertible modulo 2³²)


def scramble(key_sums) -> np.ndarray:
    """The lookup key (× 2³²) of each key sum: murmur3's ``fmix32``, a fixed bijection of the integers
    modulo 2³² (xor-shifts and odd multiplications). The same records keep the same key — the sum is
    the same — and a uniform sum stays uniform; but the key of a union is no longer the sum of its
    parts' keys. It was: with the p-table's deviations laid in order on [0, 1), ``n′(A ∪ B) − n′(A) −
    n′(B) = 0`` happened only when all three deviations were 0 — three exact counts, for sure — and its
    other values left few deviations, which unions made with multi-valued filters pinned (route 19,
    docs/confidentiality.md)."""
    h = (np.asarray(key_sums, dtype=np.int64) % KEY_SCALE).astype(np.uint64)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(_C1)) & _M32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(_C2)) & _M32
    h ^= h >> np.uint64(16)
    return h.astype(np.int64)


def unscramble(keys) -> np.ndarray:
    """The key sums :func:`scramble` maps to ``keys`` (its inverse: for tests that need a given lookup key)."""
    h = (np.asarray(keys, dtype=np.int64) % KEY_SCALE).astype(np.uint64)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(pow(_C2, -1, 1 << 32))) & _M32
    h ^= (h >> np.uint64(13)) ^ (h >> np.uint64(26))
    h = (h * np.uint64(pow(_C1, -1, 1 << 32))) & _M32
    h ^= h >> np.uint64(16)
    return h.astype(np.int64)


#: An odd multiplier (2³² / φ, rounded to odd): a bijection of the integers modulo 2³², so that a uniform
#: key sum of the cell's records stays uniform once multiplied (:func:`category_keys`).
CELL_MIX = 0x9E3779B1


def category_keys(category_key_sums, cell_key_sums, category_counts=None, cell_counts=None) -> np.ndarray:
    """The key sums an answer category's count is perturbed with: its own records' key sum plus
    :data:`CELL_MIX` times the whole cell's (modulo 2³²) — except for a category holding every record
    of its cell (its count the cell's n and its key sum the cell's: the same records), which keeps the
    cell's own key, so that it takes n's very deviation (100 % of a cell who all chose it stays 100 %).

    The same cell — the same records — keeps the same noise on every count in every query, format
    and period range; two cells whose records differ anywhere get independent noise on *every* count,
    even on a category whose own records are the same in both. On the category's own key alone, two
    cuts that differ only by a suppressed unit (an entity and its one large service) showed the same
    perturbed count for each category the hidden respondents had not chosen and, wherever they
    differed, named a category they had chosen, for sure (route 15, docs/confidentiality.md)."""
    own = (np.asarray(category_key_sums, dtype=np.int64) % KEY_SCALE).astype(np.uint64)
    cell = (np.asarray(cell_key_sums, dtype=np.int64) % KEY_SCALE).astype(np.uint64)
    mixed = ((own + cell * np.uint64(CELL_MIX)) % np.uint64(KEY_SCALE)).astype(np.int64)  # uint64 wraps mod 2⁶⁴
    if category_counts is None or cell_counts is None:
        return mixed
    whole = (np.asarray(category_counts) == np.asarray(cell_counts)) & (own == cell)
    return np.where(whole, own.astype(np.int64), mixed)
