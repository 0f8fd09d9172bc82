"""The ledger's Merkle tree as RFC 9162 defines it, without storage.

Leaf hash SHA-256(0x00 ‖ entry bytes), node hash SHA-256(0x01 ‖ left ‖ right). The tree is kept as
its *perfect* subtrees: node (level L, index i) is the root over leaves [i·2^L, (i+1)·2^L), stored
once all of them exist, and never changed afterwards. Every hash a proof needs is the root of a
range [start, end) whose start is a multiple of a power of two at least as large as the range, so
it folds from the at most log₂ n perfect subtrees that cover it: ``ranges_of`` lists the ranges of
a proof, ``nodes_of`` the stored nodes they need (read in one query), ``range_hash`` folds them.

Appending uses the tree's right border — the perfect subtrees that cover [0, n), largest first
(one per set bit of n) — which is all that a new leaf combines with (``append``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

Node = tuple[int, int]  # (level, index)

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def cover(start: int, end: int) -> list[Node]:
    """The perfect subtrees covering [start, end), left to right (largest first)."""
    nodes, pos, size = [], start, end - start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, pos >> level))
            pos += 1 << level
    return nodes


def border(size: int) -> list[Node]:
    """The right border of a tree of ``size`` leaves: the perfect subtrees covering [0, size)."""
    return cover(0, size)


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root over perfect subtrees given largest first (RFC 9162's shape for such a range)."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for h in reversed(hashes[:-1]):
        root = node_hash(h, root)
    return root


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]): the range of each proof hash, leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    start, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            ranges.append((start + k, start + n))
            n = k
        else:
            ranges.append((start, start + k))
            start, n, m = start + k, n - k, m - k
    ranges.reverse()
    return ranges


def consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]): the range of each proof hash, in order."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to {size2}")
    ranges: list[tuple[int, int]] = []
    start, n, m, whole = 0, size2, size1, True
    while m != n:
        k = _split(n)
        if m <= k:
            ranges.append((start + k, start + n))
            n = k
        else:
            ranges.append((start, start + k))
            start, n, m, whole = start + k, n - k, m - k, False
    if not whole:
        ranges.append((start, start + n))
    ranges.reverse()
    return ranges


def nodes_of(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    return {node for start, end in ranges for node in cover(start, end)}


def range_hash(start: int, end: int, stored: Mapping[Node, bytes]) -> bytes:
    return fold([stored[node] for node in cover(start, end)])


def append(size: int, edge: Sequence[bytes], leaves: Sequence[bytes]) -> tuple[list, list[bytes]]:
    """Add ``leaves`` to a tree of ``size`` whose right border hashes are ``edge``. Returns the new
    perfect nodes as (level, index, hash) — the leaves themselves included — and the new border."""
    stack = [(level, idx, h) for (level, idx), h in zip(border(size), edge, strict=True)]
    made: list[tuple[int, int, bytes]] = []
    index = size
    for leaf in leaves:
        item = (0, index, leaf)
        made.append(item)
        while stack and stack[-1][0] == item[0]:
            level, left_index, left = stack.pop()
            item = (level + 1, left_index >> 1, node_hash(left, item[2]))
            made.append(item)
        stack.append(item)
        index += 1
    return made, [h for _, _, h in stack]
