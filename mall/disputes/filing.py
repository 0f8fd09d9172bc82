"""纠纷化解 (MALL-9): what a step files on a case — a submission with its text and evidence
files (PDF, PNG or JPEG), checked here and stored after the commit."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.db import after_commit
from core.errors import Conflict, ValidationFailed
from mall.disputes.common import (
    MAX_FILE_BYTES,
    MAX_FILES,
)
from mall.disputes.models import (
    Dispute,
    DisputeFile,
    DisputeSubmission,
)
from mall.orders.attachments import sniff


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _check_files(dispute: Dispute, files: Sequence[Upload]) -> list[tuple[Upload, str, str]]:
    checked = []
    for upload in files:
        if not upload.data or len(upload.data) > MAX_FILE_BYTES:
            raise ValidationFailed(
                "Each file must be 1 byte to %(mb)s MB.",
                code="bad_file_size",
                params={"mb": MAX_FILE_BYTES // 1024 // 1024},
                details={"file": [f"{upload.name}: {len(upload.data)} bytes"]},
            )
        kind = sniff(upload.data)
        if kind is None:
            raise ValidationFailed(
                "Evidence must be PDF, PNG or JPEG files.",
                code="bad_file_type",
                details={"file": [f"{upload.name}: not a PDF, PNG or JPEG file"]},
            )
        checked.append((upload, *kind))
    count = sum(len(s.files) for s in dispute.submissions)
    if count + len(checked) > MAX_FILES:
        raise Conflict(
            "At most %(n)s evidence files per dispute.",
            code="too_many_files",
            params={"n": MAX_FILES},
        )
    return checked


def upload_dir() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "uploads" / "disputes"


def submit(
    session: Session,
    actor: Actor,
    dispute: Dispute,
    author: str,
    kind: str,
    text: str | None,
    files: Sequence[Upload] = (),
) -> DisputeSubmission:
    checked = _check_files(dispute, files)
    submission = DisputeSubmission(author=author, user_id=actor.user_id, kind=kind, text=text)
    dispute.submissions.append(submission)
    session.flush()
    stored = []
    for upload, content_type, ext in checked:
        digest = hashlib.sha256(upload.data).hexdigest()
        row = DisputeFile(
            dispute_id=dispute.id,
            submission_id=submission.id,
            filename=f"{digest}.{ext}",
            original_name=(upload.name or "evidence")[:200],
            content_type=content_type,
            size=len(upload.data),
            sha256=digest,
            uploaded_by=actor.user_id,
        )
        submission.files.append(row)
        stored.append((row.filename, upload.data))
    dispute.updated_at = clock.now()
    session.flush()
    if stored:
        target = upload_dir()

        def _store() -> None:
            target.mkdir(parents=True, exist_ok=True)
            for name, data in stored:
                path = target / name
                if not path.exists():
                    path.write_bytes(data)

        after_commit(session, _store)
    return submission


def files_payload(submission: DisputeSubmission) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "name": f.original_name, "sha256": f.sha256, "size": f.size}
        for f in submission.files
    ]
