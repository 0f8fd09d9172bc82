"""公开校验: the supervision ledger's public page, read without signing in (SUP-1). It shows the log's
verifier key, the latest signed checkpoint and the ones before it, and the inclusion proof of an
entry in the latest checkpoint's tree — checked here on the server and again in the reader's browser
(``static/js/ledger.js``, SHA-256 through WebCrypto) — and how to check everything independently
with ``tools/ledger_verifier.py``. Only hashes are shown; entry contents stay with supervisors."""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from supervision.ledger import checkpoints, tree
from supervision.ledger.models import LedgerCheckpoint
from tools.ledger_verifier import VerifyError, verify_inclusion

bp = Blueprint("public_ledger_ui", __name__, url_prefix="/public/ledger")

RECENT = 10


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _inclusion(raw: str, latest: LedgerCheckpoint | None) -> tuple[dict[str, Any] | None, str]:
    """The proof of entry ``raw`` in the latest checkpoint's tree, or why there is none."""
    if not raw.isdigit() or int(raw) < 1:
        return None, _("Enter an entry number: a whole number from 1.")
    if latest is None:
        return None, _("No checkpoint has been signed yet; try again in a few seconds.")
    seq = int(raw)
    if seq > latest.tree_size:
        return None, _(
            "Entry %(seq)s is not covered by the latest checkpoint yet (it covers entries 1–%(size)s).",
            seq=seq,
            size=latest.tree_size,
        )
    index, size, root = seq - 1, latest.tree_size, bytes(latest.root)
    leaf = tree.nodes(db.session, [(0, index)])[(0, index)]
    proof = tree.inclusion_proof(db.session, index, size)
    try:
        verify_inclusion(index, size, leaf, proof, root)
        verified = True
    except VerifyError:
        verified = False
    return {
        "seq": seq,
        "index": index,
        "size": size,
        "leaf": _b64(leaf),
        "root": _b64(root),
        "proof": [_b64(p) for p in proof],
        "verified": verified,
    }, ""


@bp.route("")
def ledger() -> Any:
    signer = checkpoints.signer(current_app.config)
    recent = list(
        db.session.scalars(
            select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size.desc()).limit(RECENT)
        )
    )
    latest = recent[0] if recent else None
    raw = request.args.get("entry", "").strip()
    check, problem = _inclusion(raw, latest) if raw else (None, "")
    api = url_for("ledger_public.key", _external=True).rsplit("/", 1)[0]
    return render_template(
        "public/ledger.html",
        signer=signer,
        latest=latest,
        recent=recent,
        b64=_b64,
        entry=raw,
        check=check,
        problem=problem,
        api=api,
        seconds=current_app.config["LEDGER_CHECKPOINT_SECONDS"],
    )
