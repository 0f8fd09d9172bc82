"""Organisation signing keys (Ed25519), encrypted at rest (X-1, MALL-4 groundwork)."""

from sqlalchemy import select

from core import signatures
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, OrganisationKey
from core.accounts.service import rotate_key


def _org(session, credit_code):
    return session.scalars(
        select(Organisation).where(Organisation.credit_code == credit_code)
    ).one()


def test_sign_and_verify(session, app_ctx):
    school = _org(session, "12150102MB0000005X")
    supplier = _org(session, "91150105MA0000008X")
    document = "合同 contract #1 总价 1999.00".encode()
    sig = signatures.sign(session, school.id, document)
    assert signatures.verify(session, sig, document, school.id)
    assert not signatures.verify(session, sig, document + b" ", school.id)
    # A signature is not accepted as another organisation's.
    assert not signatures.verify(session, sig, document, supplier.id)
    assert not signatures.verify(
        session, signatures.Signature(sig.key_id, "AAAA"), document, school.id
    )


def test_private_key_is_encrypted_at_rest(session, app_ctx):
    school = _org(session, "12150102MB0000005X")
    key = session.scalars(
        select(OrganisationKey).where(OrganisationKey.organisation_id == school.id)
    ).first()
    raw = signatures._private_key(key).private_bytes_raw()
    assert raw not in key.private_key_encrypted
    assert len(key.private_key_encrypted) == 12 + 32 + 16  # nonce, key, tag


def test_old_signatures_verify_after_rotation(session, app_ctx):
    school = _org(session, "12150102MB0000005X")
    old = signatures.sign(session, school.id, b"before")
    rotate_key(session, SYSTEM, school.id)
    new = signatures.sign(session, school.id, b"after")
    assert new.key_id != old.key_id
    assert signatures.verify(session, old, b"before", school.id)
    assert signatures.verify(session, new, b"after", school.id)
