"""Uploaded files: what a file is, judged by its content and never by its name or the type its sender
claimed, and storing it content-addressed once the transaction commits.

Types are recognised by the ``filetype`` library's signatures. Each caller names the content types it
accepts; only those types' signatures are tried, so a file of another type (or none) is refused the same
way whatever it claims to be.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from filetype import match
from filetype.types.archive import Pdf
from filetype.types.base import Type
from filetype.types.image import Jpeg, Png, Webp
from sqlalchemy.orm import Session

from core.db import after_commit
from core.errors import DomainError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"

#: Images shown in pages.
IMAGES = (PNG, JPEG, WEBP)
#: Documents and photos of them: reports, certificates, licences, evidence.
DOCUMENTS = (PDF, PNG, JPEG)

_MATCHERS: dict[str, Type] = {PDF: Pdf(), PNG: Png(), JPEG: Jpeg(), WEBP: Webp()}


def sniff(data: bytes, accepted: Iterable[str]) -> tuple[str, str] | None:
    """(content type, extension) of ``data`` when its content is one of the ``accepted`` content
    types; None otherwise (and for no data at all)."""
    if not data:
        return None
    kind = match(data, [_MATCHERS[content_type] for content_type in accepted])
    return (kind.mime, kind.extension) if kind is not None else None


def content_address(data: bytes, extension: str) -> tuple[str, str]:
    """(sha256 hex digest, file name) of an upload stored under its own hash."""
    digest = hashlib.sha256(data).hexdigest()
    return digest, f"{digest}.{extension}"


@dataclass(frozen=True)
class Upload:
    """An accepted upload: what it is by content, and where it is stored (under its own hash)."""

    data: bytes
    content_type: str
    sha256: str
    filename: str

    @property
    def size(self) -> int:
        return len(self.data)


def admit(
    data: bytes,
    accepted: Iterable[str],
    max_bytes: int,
    wrong_size: Callable[[], DomainError],
    wrong_type: Callable[[], DomainError],
) -> Upload:
    """``data`` as an upload of one of the ``accepted`` types and at most ``max_bytes``; the
    caller's refusal otherwise (an empty file is of no type)."""
    if len(data) > max_bytes:
        raise wrong_size()
    kind = sniff(data, accepted)
    if kind is None:
        raise wrong_type()
    content_type, extension = kind
    digest, filename = content_address(data, extension)
    return Upload(data=data, content_type=content_type, sha256=digest, filename=filename)


def store_after_commit(session: Session, target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` once the session commits (not at all if it rolls back). A file
    already there is kept: content-addressed files of the same name hold the same bytes."""

    def _store() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_bytes(data)

    after_commit(session, _store)
