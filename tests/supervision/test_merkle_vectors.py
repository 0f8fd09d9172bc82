"""The independent verifier against the RFC 9162 test vectors of transparency-dev/merkle (SUP-1):
every inclusion and consistency case, the tampered ones included, passes or fails as the vectors
say. Each fixture names its case in ``desc``; see merkle_vectors/NOTICE for where they come from."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tools.ledger_verifier import VerifyError, verify_consistency, verify_inclusion

VECTORS = Path(__file__).parent / "merkle_vectors"


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(values: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in values or []]


def test_the_vectors_are_all_there() -> None:
    assert len(_cases("inclusion")) >= 95
    assert len(_cases("consistency")) >= 95
    wanted = [json.loads(p.read_text())["wantErr"] for p in _cases("consistency")]
    assert wanted.count(True) > 50 and wanted.count(False) >= 5


@pytest.mark.parametrize("path", _cases("inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_inclusion_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    run = lambda: verify_inclusion(  # noqa: E731
        case["leafIdx"],
        case["treeSize"],
        _b64(case["leafHash"]),
        _proof(case["proof"]),
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(VerifyError):
            run()
    else:
        run()


@pytest.mark.parametrize("path", _cases("consistency"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_consistency_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    run = lambda: verify_consistency(  # noqa: E731
        case["size1"],
        case["size2"],
        _proof(case["proof"]),
        _b64(case["root1"]),
        _b64(case["root2"]),
    )
    if case["wantErr"]:
        with pytest.raises(VerifyError):
            run()
    else:
        run()
