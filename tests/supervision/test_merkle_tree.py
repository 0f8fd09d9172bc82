"""The ledger's Merkle tree (SUP-1, RFC 9162), without storage: roots built by appending match the
RFC's recursive definition, and every inclusion and consistency proof made from the stored perfect
subtrees is accepted by the independent verifier, for every size up to 70 and every leaf or
earlier size; a proof for another leaf or size is refused."""

from __future__ import annotations

import hashlib

import pytest

from supervision.ledger import merkle
from tools import ledger_verifier as verifier

LEAVES = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(70)]


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, as written."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def grow(sizes_at_once: list[int]) -> tuple[dict, list[bytes], int]:
    """Append the leaves in batches of the given sizes; return the stored nodes, border, size."""
    stored: dict = {}
    edge: list[bytes] = []
    size = 0
    for batch in sizes_at_once:
        made, edge = merkle.append(size, edge, LEAVES[size : size + batch])
        for level, index, h in made:
            assert (level, index) not in stored, "a perfect node is written once"
            stored[(level, index)] = h
        size += batch
    return stored, edge, size


def root(stored: dict, size: int) -> bytes:
    return merkle.range_hash(0, size, stored)


def test_appending_in_any_batches_gives_the_rfc_root() -> None:
    stored, edge, size = grow([1, 2, 3, 5, 8, 13, 21, 17])
    assert size == 70
    for n in range(71):
        assert root(stored, n) == mth(LEAVES[:n]), n
    assert merkle.fold(edge) == mth(LEAVES)
    one_by_one, _, _ = grow([1] * 70)
    assert one_by_one == stored


def test_every_inclusion_proof_verifies() -> None:
    stored, _, _ = grow([70])
    for size in range(1, 71):
        for index in range(size):
            proof = [
                merkle.range_hash(s, e, stored) for s, e in merkle.inclusion_ranges(index, size)
            ]
            verifier.verify_inclusion(index, size, LEAVES[index], proof, root(stored, size))
            if size > 1:
                other = (index + 1) % size
                with pytest.raises(verifier.VerifyError):
                    verifier.verify_inclusion(other, size, LEAVES[index], proof, root(stored, size))


def test_every_consistency_proof_verifies() -> None:
    stored, _, _ = grow([70])
    for size2 in range(1, 71):
        for size1 in range(1, size2 + 1):
            ranges = merkle.consistency_ranges(size1, size2)
            proof = [merkle.range_hash(s, e, stored) for s, e in ranges]
            verifier.verify_consistency(
                size1, size2, proof, root(stored, size1), root(stored, size2)
            )
            if size1 < size2:
                with pytest.raises(verifier.VerifyError):  # a root the old tree never had
                    verifier.verify_consistency(
                        size1, size2, proof, root(stored, size1 + 1), root(stored, size2)
                    )


def test_a_proof_needs_at_most_log_squared_nodes() -> None:
    size = 10_000_000
    for index in (0, 1, 4_999_999, size - 1):
        ranges = merkle.inclusion_ranges(index, size)
        assert len(ranges) <= 24
        assert len(merkle.nodes_of(ranges)) <= 24 * 24
    assert len(merkle.nodes_of(merkle.consistency_ranges(1_234_567, size))) <= 24 * 24
