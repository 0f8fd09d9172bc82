"""The ledger's public endpoints (SUP-1), without sign-in: the latest signed checkpoint, the
checkpoints since a size, inclusion and consistency proofs, and the log's verifier key. They show
hashes only; entry contents stay with supervisors (``/api/ledger``), and no personal data is in a
leaf (``supervision.ledger.tree``). ``tools/ledger_verifier.py`` is their client."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate, validates_schema

from core.api import IntField
from core.db import db
from core.errors import NotFound, ValidationFailed
from supervision.ledger import checkpoints, tree

blp = Blueprint(
    "ledger_public",
    __name__,
    url_prefix="/api/public/ledger",
    description="The supervision ledger's public transparency log: checkpoints and proofs",
)

_SIZE = {"validate": validate.Range(min=0, max=2**62), "text": True}


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


class KeySchema(Schema):
    origin = fields.String(metadata={"description": "the origin line of every checkpoint"})
    verifier_key = fields.String(
        metadata={"description": "C2SP note verifier key: <origin>+<key id>+<base64(0x01‖key)>"}
    )
    public_key = fields.String(metadata={"description": "base64 of the Ed25519 public key"})
    algorithm = fields.String()
    checkpoint_seconds = IntField(
        metadata={"description": "how often a checkpoint is signed while entries arrive"}
    )
    tree_size = IntField(metadata={"description": "entries in the tree now"})


class CheckpointSchema(Schema):
    tree_size = IntField()
    root = fields.String(metadata={"description": "base64 of the tree's root hash"})
    note = fields.String(metadata={"description": "the signed note, as served at /checkpoint"})
    created_at = fields.DateTime()


class CheckpointListSchema(Schema):
    items = fields.List(fields.Nested(CheckpointSchema))


class SinceArgs(Schema):
    since = IntField(load_default=0, **_SIZE)
    limit = IntField(load_default=100, validate=validate.Range(min=1, max=1000), text=True)


class InclusionArgs(Schema):
    tree_size = IntField(required=True, **_SIZE)
    leaf_index = IntField(**_SIZE)
    leaf_hash = fields.String(
        validate=validate.Length(min=1, max=100), metadata={"description": "base64"}
    )

    @validates_schema
    def _one_leaf(self, data: dict[str, Any], **_: Any) -> None:
        if ("leaf_index" in data) == ("leaf_hash" in data):
            raise ValidationFailed(
                "Name the leaf by leaf_index or by leaf_hash, one of them.", code="leaf_unnamed"
            )


class InclusionSchema(Schema):
    tree_size = IntField()
    leaf_index = IntField()
    leaf_hash = fields.String(metadata={"description": "base64"})
    proof = fields.List(fields.String(), metadata={"description": "base64 hashes, leaf to root"})


class ConsistencyArgs(Schema):
    from_ = IntField(data_key="from", required=True, **_SIZE)
    to = IntField(required=True, **_SIZE)


class ConsistencySchema(Schema):
    from_ = IntField(data_key="from")
    to = IntField()
    proof = fields.List(fields.String(), metadata={"description": "base64 hashes (RFC 9162)"})


def _within(tree_size: int) -> None:
    current = tree.size(db.session)
    if tree_size > current:
        raise ValidationFailed(
            "The tree has %(size)s entries; ask for a tree of at most that size.",
            code="tree_size_too_large",
            params={"size": current},
        )


@blp.route("/key")
@blp.response(200, KeySchema)
def key():  # type: ignore[no-untyped-def]
    """The log's verifier key: keep it to check checkpoints."""
    signer = checkpoints.signer(current_app.config)
    return {
        "origin": signer.origin,
        "verifier_key": signer.verifier_key,
        "public_key": _b64(signer.public_key),
        "algorithm": "Ed25519",
        "checkpoint_seconds": current_app.config["LEDGER_CHECKPOINT_SECONDS"],
        "tree_size": tree.size(db.session),
    }


@blp.route("/checkpoint")
@blp.response(200, content_type="text/plain")
def checkpoint():  # type: ignore[no-untyped-def]
    """The latest signed checkpoint, as a C2SP signed note (text)."""
    found = checkpoints.latest(db.session)
    if found is None:
        raise NotFound("The log has signed no checkpoint yet.", code="no_checkpoint")
    return Response(found.note, mimetype="text/plain", headers={"Cache-Control": "no-cache"})


@blp.route("/checkpoints")
@blp.arguments(SinceArgs, location="query")
@blp.response(200, CheckpointListSchema)
def checkpoint_list(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Checkpoints of trees at least ``since`` entries large, smallest first."""
    found = checkpoints.since(db.session, args["since"], args["limit"])
    return {
        "items": [
            {
                "tree_size": c.tree_size,
                "root": _b64(bytes(c.root)),
                "note": c.note,
                "created_at": c.created_at,
            }
            for c in found
        ]
    }


@blp.route("/proof/inclusion")
@blp.arguments(InclusionArgs, location="query")
@blp.response(200, InclusionSchema)
def inclusion(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """An inclusion proof (RFC 9162 §2.1.3) of a leaf, named by its index or its hash, in the tree
    of ``tree_size`` entries."""
    size = args["tree_size"]
    _within(size)
    if "leaf_hash" in args:
        try:
            leaf = base64.b64decode(args["leaf_hash"], validate=True)
        except (binascii.Error, ValueError):
            leaf = b""
        if len(leaf) != 32:
            raise ValidationFailed(
                "leaf_hash must be the base64 of a 32-byte hash.", code="bad_leaf_hash"
            )
        index = tree.leaf_index(db.session, leaf, size)
        if index is None:
            raise NotFound("No leaf with that hash in the tree of that size.", code="no_such_leaf")
    else:
        index = args["leaf_index"]
        if index >= size:
            raise ValidationFailed(
                "leaf_index must be smaller than tree_size.", code="leaf_outside_tree"
            )
        leaf = tree.nodes(db.session, [(0, index)])[(0, index)]
    proof = tree.inclusion_proof(db.session, index, size)
    return {
        "tree_size": size,
        "leaf_index": index,
        "leaf_hash": _b64(leaf),
        "proof": [_b64(p) for p in proof],
    }


@blp.route("/proof/consistency")
@blp.arguments(ConsistencyArgs, location="query")
@blp.response(200, ConsistencySchema)
def consistency(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A consistency proof (RFC 9162 §2.1.4) that the tree of ``to`` entries extends the tree of
    ``from`` entries."""
    first, second = args["from_"], args["to"]
    if not 0 < first <= second:
        raise ValidationFailed("Ask for 0 < from ≤ to.", code="bad_sizes", params={})
    _within(second)
    return {
        "from_": first,
        "to": second,
        "proof": [_b64(p) for p in tree.consistency_proof(db.session, first, second)],
    }
