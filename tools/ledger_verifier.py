#!/usr/bin/env python3
"""An independent verifier of the mall's supervision ledger (监管账本), in one file.

It needs only Python's standard library and the ``cryptography`` package, and imports nothing of the
mall: anyone can read it in full and run it against the mall's public endpoints.

The ledger is a transparency log in the sense of RFC 9162 (Certificate Transparency 2.0): a Merkle
tree over the entries, leaf hash SHA-256(0x00 ‖ entry bytes), node hash SHA-256(0x01 ‖ left ‖
right), where an entry's bytes are its canonical JSON (RFC 8785). The log publishes signed
checkpoints in the C2SP ``tlog-checkpoint`` format (an origin line, the tree size, the base64 root
hash) as Ed25519 signed notes (C2SP ``signed-note``).

Given a checkpoint someone kept and the log's URL, the verifier fetches the latest checkpoint,
checks its signature, asks the log for a consistency proof from the kept one and checks it: a log
that lost entries, or rewrote any entry the kept checkpoint covers, cannot produce one. It can also
check that given entries (their disclosed bytes) are in the tree. Run as a witness (``--state``) it
remembers the last checkpoint it accepted and checks the next run against it.

    python tools/ledger_verifier.py --log https://mall.example/api/public/ledger \\
        --key 'origin+1a2b3c4d+AfT…' --checkpoint kept.txt [--entry entry.json …]
    python tools/ledger_verifier.py --log … --key … --state witness.txt

Exit status: 0 when every check passed; 1 when one failed (the message names it); 2 when the log
could not be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
#: the signature type byte of an Ed25519 key in a C2SP signed note
ED25519_TYPE = 0x01
SIGNATURE_DASH = "\u2014 "


class VerifyError(Exception):
    """A check failed; the message says which."""


class FetchError(Exception):
    """The log could not be read."""


# ---------------------------------------------------------------- RFC 9162 hashing and proofs


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise VerifyError(f"{what} is {len(value)} bytes, not {HASH_SIZE}")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root a leaf's inclusion proof leads to."""
    if index < 0 or size <= 0 or index >= size:
        raise VerifyError(f"leaf index {index} is not inside a tree of size {size}")
    _check_hash(leaf, "the leaf hash")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        _check_hash(p, "a proof hash")
        if sn == 0:
            raise VerifyError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("the inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise VerifyError(f"leaf {index} is not in the tree of size {size} with that root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: the tree of ``size2`` with ``root2`` extends the tree of ``size1``
    with ``root1``, every earlier leaf unchanged."""
    if size1 < 0 or size2 < size1:
        raise VerifyError(f"a tree of size {size2} cannot extend one of size {size1}")
    if size1 == 0:
        raise VerifyError("a consistency proof from an empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise VerifyError("trees of the same size need an empty consistency proof")
        if root1 != root2:
            raise VerifyError(f"two different roots for the same tree size {size1}")
        return
    if not proof:
        raise VerifyError("the consistency proof is empty")
    for p in proof:
        _check_hash(p, "a proof hash")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError("the consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("the consistency proof is too short")
    if fr != root1:
        raise VerifyError(f"the consistency proof does not lead to the kept root of size {size1}")
    if sr != root2:
        raise VerifyError(f"the consistency proof does not lead to the new root of size {size2}")


# ---------------------------------------------------------------- checkpoints and signed notes


@dataclass(frozen=True)
class VerifierKey:
    """A note verifier key, ``<name>+<hex key id>+<base64(0x01 ‖ public key)>``."""

    name: str
    key_id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        try:
            name, key_hex, encoded = text.strip().split("+", 2)
            key_id = bytes.fromhex(key_hex)
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise VerifyError(f"the verifier key is malformed: {error}") from None
        if len(key_id) != 4 or len(raw) != 33 or raw[0] != ED25519_TYPE:
            raise VerifyError("the verifier key is not an Ed25519 note key")
        if key_id != note_key_id(name, raw[1:]):
            raise VerifyError("the verifier key's id does not match its name and key")
        return cls(name, key_id, raw[1:])


def note_key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of a C2SP note key: SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519_TYPE]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...]
    text: str  # the signed body, as bytes that were signed

    def describe(self) -> str:
        return f"size {self.size}, root {base64.b64encode(self.root).decode()}"


def open_note(note: str, key: VerifierKey) -> Checkpoint:
    """Check a signed note's signature by ``key`` and read the checkpoint in its body."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not body:
        raise VerifyError("the checkpoint is not a signed note (no blank line before signatures)")
    body += "\n"
    verified = False
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_DASH):
            raise VerifyError(f"a signature line is malformed: {line!r}")
        try:
            name, encoded = line[len(SIGNATURE_DASH) :].split(" ")
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise VerifyError(f"a signature line is malformed: {line!r}") from None
        if name != key.name or raw[:4] != key.key_id:
            continue  # another witness's or key's signature
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(raw[4:], body.encode())
        except InvalidSignature:
            raise VerifyError(f"the checkpoint's signature by {key.name} does not verify") from None
        verified = True
    if not verified:
        raise VerifyError(f"the checkpoint carries no signature by {key.name}")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise VerifyError("the checkpoint has fewer than three lines")
    origin, size_text, root_text, *extensions = lines
    if origin != key.name:
        raise VerifyError(f"the checkpoint's origin {origin!r} is not the key's {key.name!r}")
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise VerifyError(f"the checkpoint's tree size {size_text!r} is not a number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError:
        raise VerifyError("the checkpoint's root hash is not base64") from None
    _check_hash(root, "the checkpoint's root hash")
    return Checkpoint(origin, int(size_text), root, tuple(extensions), body)


# ---------------------------------------------------------------- talking to the log


Fetch = Callable[[str], tuple[int, bytes]]


def http_get(url: str) -> tuple[int, bytes]:
    """GET ``url``: its status and body."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (the log's URL)
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, ValueError) as error:
        raise FetchError(f"GET {url}: {error}") from None


class Log:
    """The log's public endpoints under one base URL."""

    def __init__(self, base: str, fetch: Fetch = http_get) -> None:
        self.base, self.fetch = base.rstrip("/"), fetch

    def _get(self, path: str, **query: object) -> tuple[int, bytes]:
        url = f"{self.base}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        status, body = self.fetch(url)
        if status not in (200, 404):
            raise FetchError(f"GET {url}: HTTP {status} {body[:200]!r}")
        return status, body

    def _json(self, path: str, **query: object) -> tuple[int, dict]:
        status, body = self._get(path, **query)
        try:
            return status, json.loads(body)
        except json.JSONDecodeError as error:
            raise FetchError(f"GET {path}: not JSON ({error})") from None

    def checkpoint(self) -> str:
        status, body = self._get("/checkpoint")
        if status != 200:
            raise VerifyError("the log serves no checkpoint")
        return body.decode("utf-8")

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        status, answer = self._json("/proof/consistency", **{"from": size1, "to": size2})
        if status != 200:
            raise VerifyError(f"the log has no consistency proof from {size1} to {size2}")
        return [base64.b64decode(p) for p in answer.get("proof") or []]

    def inclusion(self, leaf: bytes, size: int) -> tuple[int, list[bytes]]:
        leaf_text = base64.b64encode(leaf).decode()
        status, answer = self._json("/proof/inclusion", leaf_hash=leaf_text, tree_size=size)
        if status != 200:
            raise VerifyError(
                f"the log has no entry with leaf hash {leaf_text} in the tree of size {size}"
            )
        return int(answer["leaf_index"]), [base64.b64decode(p) for p in answer["proof"]]


def check(
    log: Log, key: VerifierKey, kept_note: str | None, entries: Sequence[bytes] = ()
) -> Checkpoint:
    """Every check: the latest checkpoint's signature, its consistency with the kept one, and the
    inclusion of each entry. Returns the latest checkpoint; raises VerifyError naming a failure."""
    latest = open_note(log.checkpoint(), key)
    if kept_note is not None:
        kept = open_note(kept_note, key)
        if latest.size < kept.size:
            raise VerifyError(
                f"the log shrank: its latest checkpoint has {latest.size} entries, "
                f"the kept one {kept.size}"
            )
        if kept.size == 0:
            pass  # an empty tree is extended by any tree
        elif kept.size == latest.size:
            verify_consistency(kept.size, latest.size, [], kept.root, latest.root)
        else:
            proof = log.consistency(kept.size, latest.size)
            verify_consistency(kept.size, latest.size, proof, kept.root, latest.root)
    for entry in entries:
        leaf = leaf_hash(entry)
        index, proof = log.inclusion(leaf, latest.size)
        verify_inclusion(index, latest.size, leaf, proof, latest.root)
    return latest


def main(argv: Sequence[str] | None = None, fetch: Fetch = http_get) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", required=True, help="the log's base URL (…/api/public/ledger)")
    parser.add_argument("--key", required=True, help="the log's note verifier key")
    parser.add_argument("--checkpoint", type=Path, help="a checkpoint kept earlier (signed note)")
    parser.add_argument(
        "--state", type=Path, help="witness mode: the last accepted checkpoint, updated on success"
    )
    parser.add_argument(
        "--entry", type=Path, action="append", default=[], help="an entry's disclosed bytes"
    )
    args = parser.parse_args(argv)
    try:
        key = VerifierKey.parse(args.key)
        kept = None
        if args.checkpoint is not None:
            kept = args.checkpoint.read_text("utf-8")
        elif args.state is not None and args.state.exists():
            kept = args.state.read_text("utf-8")
        entries = [path.read_bytes() for path in args.entry]
        log = Log(args.log, fetch)
        latest_note = log.checkpoint()
        latest = check(_Fixed(log, latest_note), key, kept, entries)
    except VerifyError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    except (FetchError, OSError) as error:
        print(f"could not read the log: {error}", file=sys.stderr)
        return 2
    if args.state is not None:
        args.state.write_text(latest_note, "utf-8")
    print(f"ok: {latest.origin} at {latest.describe()}")
    return 0


class _Fixed(Log):
    """The log with its latest checkpoint read once, so that what is checked is what is kept."""

    def __init__(self, log: Log, note: str) -> None:
        super().__init__(log.base, log.fetch)
        self._note = note

    def checkpoint(self) -> str:
        return self._note


if __name__ == "__main__":
    sys.exit(main())
