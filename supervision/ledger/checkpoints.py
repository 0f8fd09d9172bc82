"""Signed checkpoints of the ledger's Merkle tree (SUP-1).

A checkpoint is the C2SP ``tlog-checkpoint`` body — the log's origin, the tree size, the base64 root
hash, one per line — signed as a C2SP ``signed-note`` with the log's Ed25519 key:

    <origin>
    <tree size>
    <base64 root>

    — <origin> <base64(key id ‖ signature)>

The server's clock makes one every ``LEDGER_CHECKPOINT_SECONDS`` while entries arrive (and
``flask ledger checkpoint`` on demand); all are kept. Before signing, the log proves to itself that
the new tree extends the last checkpoint's: it makes the consistency proof from the stored tree and
checks it with the independent verifier's own code (``tools/ledger_verifier.py``). If that fails
it signs nothing and raises ``LedgerAlarm``, every time, until someone looks.

The signing key is ``LEDGER_SIGNING_KEY`` (base64 of a 32-byte Ed25519 seed), or one generated once
under the instance folder (``ledger_signing_key``, readable by its owner only). Its verifier key,
``<origin>+<key id>+<base64(0x01 ‖ public key)>``, is published (``/api/public/ledger/key``).
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from supervision.ledger import merkle, tree
from supervision.ledger.models import LedgerCheckpoint
from tools.ledger_verifier import (
    SIGNATURE_DASH,
    VerifyError,
    note_key_id,
    verify_consistency,
)

log = logging.getLogger(__name__)

KEY_FILE = "ledger_signing_key"


class LedgerAlarm(Exception):
    """The stored tree does not extend the last checkpoint: nothing is signed."""


@dataclass(frozen=True)
class Signer:
    origin: str
    private: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return note_key_id(self.origin, self.public_key)

    @property
    def verifier_key(self) -> str:
        encoded = base64.b64encode(b"\x01" + self.public_key).decode()
        return f"{self.origin}+{self.key_id.hex()}+{encoded}"

    def sign(self, body: str) -> str:
        """The signed note of ``body`` (which ends with a newline)."""
        signature = self.private.sign(body.encode("utf-8"))
        encoded = base64.b64encode(self.key_id + signature).decode()
        return f"{body}\n{SIGNATURE_DASH}{self.origin} {encoded}\n"


def _seed(config: dict[str, Any]) -> bytes:
    configured = config.get("LEDGER_SIGNING_KEY")
    if configured:
        return base64.b64decode(configured)
    path = Path(config["INSTANCE_PATH"]) / KEY_FILE
    if not path.exists():
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(seed).decode())
    return base64.b64decode(path.read_text().strip())


def signer(config: dict[str, Any]) -> Signer:
    """The log's signer from the app's configuration."""
    return Signer(config["LEDGER_ORIGIN"], Ed25519PrivateKey.from_private_bytes(_seed(config)))


def body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def latest(session: Session) -> LedgerCheckpoint | None:
    return session.scalars(
        select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size.desc()).limit(1)
    ).first()


def since(session: Session, size: int, limit: int) -> list[LedgerCheckpoint]:
    return list(
        session.scalars(
            select(LedgerCheckpoint)
            .where(LedgerCheckpoint.tree_size >= size)
            .order_by(LedgerCheckpoint.tree_size)
            .limit(limit)
        )
    )


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LedgerCheckpoint)) or 0


def check_extends(session: Session, last: LedgerCheckpoint, size: int, root: bytes) -> None:
    """The tree of ``size`` with ``root`` extends ``last``: its consistency proof, made from the
    stored tree, verifies. Raises LedgerAlarm otherwise."""
    try:
        if size < last.tree_size:
            raise VerifyError(f"the tree has {size} entries, the last checkpoint {last.tree_size}")
        proof = tree.consistency_proof(session, last.tree_size, size) if last.tree_size else []
        if last.tree_size:
            verify_consistency(last.tree_size, size, proof, bytes(last.root), root)
    except (VerifyError, LookupError) as error:
        log.critical(
            "ledger alarm: the tree does not extend checkpoint %s: %s", last.tree_size, error
        )
        raise LedgerAlarm(str(error)) from None


def make(session: Session, log_signer: Signer) -> LedgerCheckpoint | None:
    """Sign a checkpoint of the committed tree if it grew since the last one (in the caller's
    transaction). None when there is nothing new; LedgerAlarm when the tree is inconsistent."""
    size = tree.size(session)
    last = latest(session)
    if last is not None and last.tree_size > size:
        check_extends(session, last, size, merkle.EMPTY_ROOT)  # the log shrank: an alarm
    if size == 0 or (last is not None and last.tree_size == size):
        return None
    root = tree.root(session, size)
    if last is not None:
        check_extends(session, last, size, root)
    checkpoint = LedgerCheckpoint(
        tree_size=size,
        root=root,
        note=log_signer.sign(body(log_signer.origin, size, root)),
        verifier_key=log_signer.verifier_key,
        created_at=clock.now(),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def make_now(unit_of_work: Any, config: dict[str, Any]) -> LedgerCheckpoint | None:
    """One checkpoint in its own transaction (the clock's turn and the CLI). Another process that
    signed the same size first wins; this one then has nothing to add."""
    log_signer = signer(config)
    try:
        with unit_of_work() as session:
            made = make(session, log_signer)
            if made is not None:
                session.expunge(made)
            return made
    except IntegrityError:
        return None
