"""The warnings engine: rules read the ledger through one cursor (``warnings``) and what a batch
raised commits with the cursor's move, so a crash between the two loses nothing and doubles
nothing (``supervision.readers``). Screening rules run on the clock. A rule can be replayed over
history (``replay``): it finds the same warnings again, and ``(rule, key)`` being unique, raises
none twice.

Raising a warning stores it with its evidence, gives it to a supervisor of the subject's region
(``cases.assign``) and puts ``warning.raised`` on the ledger, in the same transaction. After the
commit ``warning_raised`` is sent (the supervisors' desks are told).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from blinker import Namespace
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, Region
from core.db import after_commit
from core.messages import translate
from supervision import readers
from supervision.ledger import record
from supervision.ledger.models import LedgerEntry, LedgerHead
from supervision.warnings.models import RiskWarning, WarningEvidence
from supervision.warnings.rules import RULES, by_code
from supervision.warnings.rules.base import Context, Finding, Rule

log = logging.getLogger(__name__)

READER = "warnings"
#: the screens take this cursor's lock, so two processes never screen at once; its ``seq`` counts
#: the periodic screenings and its ``updated_at`` is the last one's time
SCREEN_LOCK = "warnings.screens"

_signals = Namespace()
#: sent after the commit of each raised warning (sender: the warning's id; ``region_path``)
warning_raised = _signals.signal("warning-raised")


def streaming_actions() -> tuple[str, ...]:
    return tuple(sorted({action for rule in RULES for action in rule.actions}))


def context(session: Session, rule: Rule) -> Context:
    return Context(session=session, now=clock.now(), params=rule.resolved_params())


def consume(session: Session, entries: list[LedgerEntry], rules: Iterable[Rule] = RULES) -> int:
    """Hand each streaming rule its entries of the batch and raise what they find; returns how
    many warnings were raised."""
    raised = 0
    for rule in rules:
        if not rule.actions:
            continue
        wanted = [entry for entry in entries if entry.action in rule.actions]
        if wanted:
            raised += len(
                raise_findings(session, rule, rule.on_entries(context(session, rule), wanted))
            )
    return raised


def update_all(unit_of_work: Callable[[], AbstractContextManager[Session]]) -> int:
    """Read the ledger's new entries up to the head (one transaction per batch); returns how many
    entries the rules were handed."""
    return readers.run(
        unit_of_work,
        READER,
        lambda session, entries: consume(session, entries),
        streaming_actions(),
    )


def screen_all(
    unit_of_work: Callable[[], AbstractContextManager[Session]], every: float | None = None
) -> int:
    """Run every screening rule once (one transaction each); returns how many warnings were
    raised. With ``every`` (seconds), only when the last screening is at least that old (the
    periodic jobs pass ``WARNINGS_SCREEN_MINUTES``: a screen reads a window of the ledger)."""
    if every is not None:
        with unit_of_work() as session:
            lock = readers.lock_cursor(session, SCREEN_LOCK)
            if lock.seq and (clock.now() - lock.updated_at).total_seconds() < every:
                return 0
            lock.seq, lock.updated_at = lock.seq + 1, clock.now()
    raised = 0
    for rule in RULES:
        if not rule.screens:
            continue
        try:
            with unit_of_work() as session:
                readers.lock_cursor(session, SCREEN_LOCK)
                raised += len(raise_findings(session, rule, rule.screen(context(session, rule))))
        except Exception:  # one failing screen leaves the others to run
            log.exception("warning screen %s failed", rule.code)
    return raised


def replay(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    code: str,
    since: int = 0,
    batch: int = readers.BATCH,
) -> tuple[int, int]:
    """Run one rule again over the ledger's entries after ``since`` (its screen too), without
    moving the engine's cursor. Returns (entries read, warnings raised) — raised is 0 when
    everything it finds was found before."""
    rule = by_code(code)
    read = raised = 0
    after = since
    if rule.actions:
        with unit_of_work() as session:
            head = session.scalar(select(LedgerHead.seq).where(LedgerHead.id == 1)) or 0
        while after < head:
            upto = min(head, after + readers.WINDOW * batch)  # a span at a time, as readers do
            with unit_of_work() as session:
                entries = list(
                    session.scalars(
                        select(LedgerEntry)
                        .where(
                            LedgerEntry.seq > after,
                            LedgerEntry.seq <= upto,
                            LedgerEntry.action.in_(list(rule.actions)),
                        )
                        .order_by(LedgerEntry.seq)
                        .limit(batch)
                    )
                )
                if entries:
                    raised += consume(session, entries, [rule])
                read += len(entries)
                after = entries[-1].seq if len(entries) == batch else upto
    if rule.screens:
        with unit_of_work() as session:
            readers.lock_cursor(session, SCREEN_LOCK)
            raised += len(raise_findings(session, rule, rule.screen(context(session, rule))))
    return read, raised


def raise_findings(session: Session, rule: Rule, findings: Iterable[Finding]) -> list[RiskWarning]:
    """Store each finding not raised before as a warning, assign it, ledger it."""
    from supervision.warnings import cases

    made: list[RiskWarning] = []
    seen: set[str] = set()
    for finding in findings:
        if finding.key in seen:
            continue
        seen.add(finding.key)
        exists = session.scalar(
            select(RiskWarning.id).where(
                RiskWarning.rule == rule.code, RiskWarning.key == finding.key
            )
        )
        if exists is not None:
            continue
        region = _region_of(session, finding)
        subject_type, subject_id = finding.subject
        warning = RiskWarning(
            rule=rule.code,
            key=finding.key,
            level=finding.level or rule.level,
            status="open",
            region_id=region.id if region else None,
            region_path=region.path if region else "/",
            handling_region_id=region.id if region else None,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            party_org_id=finding.party_org_id,
            facts=json.dumps(finding.facts, sort_keys=True, ensure_ascii=False, default=str),
            trigger_seq=finding.trigger_seq,
            raised_at=clock.now(),
            updated_at=clock.now(),
        )
        warning.evidence = [
            WarningEvidence(
                seq=item.seq,
                subject_type=item.subject[0] if item.subject else None,
                subject_id=str(item.subject[1]) if item.subject else None,
                note=item.note,
            )
            for item in finding.evidence
        ]
        session.add(warning)
        session.flush()
        entry = record(
            session,
            SYSTEM,
            "warning.raised",
            ("warning", warning.id),
            {
                "rule": rule.code,
                "level": warning.level,
                "key": warning.key,
                "subject_type": warning.subject_type,
                "subject_id": warning.subject_id,
                "party_org_id": warning.party_org_id,
                "facts": json.loads(warning.facts),
                "evidence": [item.seq for item in finding.evidence if item.seq is not None],
            },
            region_id=warning.region_id,
        )
        warning.seq = entry.seq
        cases.assign(session, warning)
        made.append(warning)
        _announce_after_commit(session, warning)
    return made


def _region_of(session: Session, finding: Finding) -> Region | None:
    """The finding's region, else its party's, else the top region: a warning is always on some
    supervisor's desk."""
    region = session.get(Region, finding.region_id) if finding.region_id else None
    if region is None and finding.party_org_id is not None:
        party = session.get(Organisation, finding.party_org_id)
        region = party.region if party is not None else None
    if region is None:
        region = session.scalars(
            select(Region).where(Region.parent_id.is_(None)).order_by(Region.id)
        ).first()
    return region


def _announce_after_commit(session: Session, warning: RiskWarning) -> None:
    warning_id, path = warning.id, warning.region_path
    after_commit(session, lambda: warning_raised.send(warning_id, region_path=path))


def rule_text(rule: Rule, lang: str) -> dict[str, Any]:
    """A rule as supervisors read it, in ``lang``: name, basis, what it looks for (with the
    parameters in force), level, how it runs, each parameter with its key, default and value."""
    values = rule.resolved_params()
    return {
        "code": rule.code,
        "name": translate(rule.name, lang),
        "basis": translate(rule.basis, lang),
        "description": translate(rule.description, lang, values),
        "level": rule.level,
        "streaming": bool(rule.actions),
        "screening": rule.screens,
        "actions": list(rule.actions),
        "params": [
            {
                "name": param.name,
                "config_key": param.config_key(rule.code),
                "default": param.default,
                "value": values[param.name],
                "description": translate(param.description, lang),
            }
            for param in rule.params
        ],
    }
