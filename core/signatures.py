"""Organisation signing keys (Ed25519) and the sign / verify pair used by contracts, bids and
ledger checkpoints. Private keys are encrypted at rest with AES-256-GCM under a key derived from
SECRET_KEY (HKDF-SHA256), bound to the organisation id as associated data.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.models import OrganisationKey
from core.errors import Conflict

_RAW = serialization.Encoding.Raw


@dataclass(frozen=True)
class Signature:
    key_id: int
    value: str  # base64 of the 64-byte Ed25519 signature


def _kek(secret_key: str | None = None) -> AESGCM:
    secret = (secret_key or current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"org-signing-keys").derive(
        secret
    )
    return AESGCM(key)


def _aad(organisation_id: int) -> bytes:
    return f"organisation:{organisation_id}".encode()


def create_key(session: Session, organisation_id: int) -> OrganisationKey:
    """Make a new key pair for the organisation and retire its previous one."""
    for old in session.scalars(
        select(OrganisationKey).where(
            OrganisationKey.organisation_id == organisation_id,
            OrganisationKey.retired_at.is_(None),
        )
    ):
        old.retired_at = clock.now()
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    nonce = os.urandom(12)
    encrypted = nonce + _kek().encrypt(nonce, raw, _aad(organisation_id))
    key = OrganisationKey(
        organisation_id=organisation_id,
        public_key=private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw),
        private_key_encrypted=encrypted,
    )
    session.add(key)
    session.flush()
    return key


def current_key(session: Session, organisation_id: int) -> OrganisationKey:
    key = session.scalars(
        select(OrganisationKey).where(
            OrganisationKey.organisation_id == organisation_id,
            OrganisationKey.retired_at.is_(None),
        )
    ).first()
    if key is None:
        raise Conflict("The organisation has no signing key.", code="no_signing_key")
    return key


def _private_key(key: OrganisationKey) -> Ed25519PrivateKey:
    blob = key.private_key_encrypted
    try:
        raw = _kek().decrypt(blob[:12], blob[12:], _aad(key.organisation_id))
    except InvalidTag:
        raise RuntimeError(
            "cannot decrypt an organisation key: SECRET_KEY differs from the one it was made with"
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(session: Session, organisation_id: int, document: bytes) -> Signature:
    """Sign ``document`` with the organisation's current key."""
    key = current_key(session, organisation_id)
    value = _private_key(key).sign(document)
    return Signature(key_id=key.id, value=base64.b64encode(value).decode())


def verify_with_public_key(public_key: bytes, document: bytes, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(base64.b64decode(signature), document)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(session: Session, signature: Signature, document: bytes, organisation_id: int) -> bool:
    """True when ``signature`` over ``document`` was made by a key of ``organisation_id``."""
    key = session.get(OrganisationKey, signature.key_id)
    if key is None or key.organisation_id != organisation_id:
        return False
    return verify_with_public_key(key.public_key, document, signature.value)
