"""Compiled kernels that compute the engines' real results (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit

RADIX_BITS = 11  # digit of the multi-pass sort (2K counters stay in L1)
SINGLE_PASS_BITS = 16  # keys this narrow sort in one counting pass (64K counters)


@njit(cache=True)
def radix_sort_pairs(keys, values):
    """Stable LSD radix sort of uint64 ``keys`` carrying int64 ``values``; returns copies.
    Keys below 2**16 take a single counting pass; wider keys take 11-bit digits."""
    n = keys.shape[0]
    out_k = keys.copy()
    out_v = values.copy()
    if n < 2:
        return out_k, out_v
    top = keys.max()
    width = 1
    while width < 64 and (top >> np.uint64(width)) != 0:
        width += 1
    digit_bits = width if width <= SINGLE_PASS_BITS else RADIX_BITS
    radix = 1 << digit_bits
    digit_mask = np.uint64(radix - 1)
    tmp_k = np.empty_like(keys)
    tmp_v = np.empty_like(values)
    count = np.empty(radix + 1, dtype=np.int64)
    shift = 0
    while shift < width:
        count[:] = 0
        for i in range(n):
            count[((out_k[i] >> np.uint64(shift)) & digit_mask) + 1] += 1
        for d in range(radix):
            count[d + 1] += count[d]
        for i in range(n):
            d = (out_k[i] >> np.uint64(shift)) & digit_mask
            j = count[d]
            tmp_k[j] = out_k[i]
            tmp_v[j] = out_v[i]
            count[d] = j + 1
        out_k, tmp_k = tmp_k, out_k
        out_v, tmp_v = tmp_v, out_v
        shift += digit_bits
    return out_k, out_v


@njit(cache=True)
def reduce_sorted_sum(keys, values):
    """One pass over key-sorted pairs: (distinct keys, counts, sums of values)."""
    n = keys.shape[0]
    out_k = np.empty(n, dtype=np.int64)
    counts = np.empty(n, dtype=np.int64)
    sums = np.empty(n, dtype=np.int64)
    m = -1
    for i in range(n):
        if i == 0 or keys[i] != keys[i - 1]:
            m += 1
            out_k[m] = keys[i]
            counts[m] = 0
            sums[m] = 0
        counts[m] += 1
        sums[m] += values[i]
    return out_k[:m + 1].copy(), counts[:m + 1].copy(), sums[:m + 1].copy()


@njit(cache=True)
def hash_group_ids(keys):
    """Open-addressing hash grouping: (group id per key, distinct keys in first-seen order)."""
    n = keys.shape[0]
    size = 1
    while size < 2 * n + 2:
        size <<= 1
    mask = np.uint64(size - 1)
    slot_key = np.empty(size, dtype=np.int64)
    slot_group = np.full(size, -1, dtype=np.int64)
    groups = np.empty(n, dtype=np.int64)
    distinct = np.empty(n, dtype=np.int64)
    n_groups = 0
    for i in range(n):
        k = keys[i]
        h = (np.uint64(k) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(17)
        s = h & mask
        while True:
            g = slot_group[s]
            if g < 0:
                slot_key[s] = k
                slot_group[s] = n_groups
                distinct[n_groups] = k
                groups[i] = n_groups
                n_groups += 1
                break
            if slot_key[s] == k:
                groups[i] = g
                break
            s = (s + np.uint64(1)) & mask
    return groups, distinct[:n_groups].copy()


@njit(cache=True)
def group_sums(groups, values, n_groups):
    """Sum of ``values`` per group id (exact int64)."""
    sums = np.zeros(n_groups, dtype=np.int64)
    for i in range(groups.shape[0]):
        sums[groups[i]] += values[i]
    return sums


@njit(cache=True)
def join_sorted_sides(keys, values):
    """Merge join inside one key-sorted array whose keys are ``2 * key + side``: every pair of
    an A record (even) with a B record (odd) of the same key is enumerated. Returns per key
    with matches: (key, pairs, sum over pairs of a.value * b.value)."""
    n = keys.shape[0]
    out_k = np.empty(n, dtype=np.int64)
    out_pairs = np.empty(n, dtype=np.int64)
    out_dot = np.empty(n, dtype=np.int64)
    m = 0
    i = 0
    while i < n:
        j = i
        while j < n and keys[j] == keys[i]:
            j += 1
        if keys[i] % 2 == 0 and j < n and keys[j] == keys[i] + 1:
            k = j
            while k < n and keys[k] == keys[j]:
                k += 1
            dot = 0
            for a in range(i, j):
                for b in range(j, k):
                    dot += values[a] * values[b]
            out_k[m] = keys[i] // 2
            out_pairs[m] = (j - i) * (k - j)
            out_dot[m] = dot
            m += 1
            i = k
        else:
            i = j
    return out_k[:m].copy(), out_pairs[:m].copy(), out_dot[:m].copy()


@njit(cache=True)
def segment_starts(sorted_keys):
    """Start index of every run of equal keys in a sorted array."""
    n = sorted_keys.shape[0]
    starts = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            starts[m] = i
            m += 1
    return starts[:m].copy()


def sortable(values: np.ndarray) -> np.ndarray:
    """int64 values as uint64 with the same order (sign bit flipped)."""
    return values.astype(np.int64).view(np.uint64) ^ np.uint64(1 << 63)
