"""What a warning rule is: a small module holding one ``Rule`` — its code, names, the policy it
rests on, its level, its parameters with documented defaults — and the code that finds.

A rule finds in one or both ways:

- **streaming** (``actions`` and ``on_entries``): the engine hands it the new ledger entries of
  those actions, in ledger order, in the transaction that moves the engine's cursor past them;
- **screening** (``screens`` and ``screen``): the engine calls it on the clock to look over a window
  (a category's auctions, a fiscal year, overdue deadlines).

Either way it returns ``Finding`` s. A finding's ``key`` names what it is about so that the same
thing found again is the same warning: a replay, or a screen run twice, raises nothing new. A
rule decides from the ledger as it stood at the entry it reads (``Context.entries(before_seq=…)``),
so a replay over history finds the same warnings again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, case, func, select, type_coerce
from sqlalchemy.orm import Session

from core.accounts.models import Organisation, Region
from core.money import cny
from supervision.ledger.models import LedgerEntry


@dataclass(frozen=True)
class Param:
    """A rule's parameter: its default, and the configuration key that overrides it
    (``WARNINGS_<RULE>_<NAME>``, upper case, e.g. ``WARNINGS_SPLIT_PURCHASE_WINDOW_DAYS``)."""

    name: str
    default: Any  # int, Decimal (money or share) or str
    #: an English msgid (translated where shown)
    description: str

    def config_key(self, rule: str) -> str:
        return f"WARNINGS_{rule}_{self.name}".upper()


@dataclass(frozen=True)
class Evidence:
    """A ledger entry (``seq``) or an object (``subject``) the warning rests on."""

    seq: int | None = None
    subject: tuple[str, Any] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Finding:
    """What a rule found: one warning, unless ``(rule, key)`` was raised before."""

    key: str
    subject: tuple[str, Any]
    region_id: int | None
    #: the organisation the warning is about (asked for an explanation)
    party_org_id: int | None
    #: the values the rule's ``summary`` names (amounts as strings)
    facts: dict[str, Any]
    evidence: Sequence[Evidence] = ()
    #: the rule's level unless the finding is graver (or lighter)
    level: str | None = None
    #: the last ledger entry the finding rests on
    trigger_seq: int | None = None


@dataclass
class Context:
    """What a rule reads with: the session, the clock's time, its parameters resolved."""

    session: Session
    now: datetime
    params: dict[str, Any]
    _payloads: dict[int, Any] = field(default_factory=dict)
    #: per rule, the highest ledger sequence it had remembered facts of (a replay looks up)
    _remembered: dict[str, int] = field(default_factory=dict)

    def payload(self, entry: LedgerEntry) -> Any:
        found = self._payloads.get(entry.seq)
        if found is None:
            found = self._payloads[entry.seq] = json.loads(entry.payload)
        return found

    def entries(
        self,
        actions: Iterable[str],
        *,
        before_seq: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        subject: tuple[str, Any] | None = None,
        actor_org_id: int | None = None,
    ) -> list[LedgerEntry]:
        """Ledger entries of ``actions`` in ledger order: before ``before_seq`` (exclusive), at or
        after ``since``, before ``until``, about ``subject``, made by ``actor_org_id``."""
        query = select(LedgerEntry).where(LedgerEntry.action.in_(list(actions)))
        if before_seq is not None:
            query = query.where(LedgerEntry.seq < before_seq)
        if since is not None:
            query = query.where(LedgerEntry.at >= since)
        if until is not None:
            query = query.where(LedgerEntry.at < until)
        if subject is not None:
            query = query.where(
                LedgerEntry.subject_type == subject[0],
                LedgerEntry.subject_id == str(subject[1]),
            )
        if actor_org_id is not None:
            query = query.where(LedgerEntry.actor_org_id == actor_org_id)
        return list(self.session.scalars(query.order_by(LedgerEntry.seq)))

    def remember(
        self,
        rule: str,
        key: str,
        entry: LedgerEntry,
        amount: Decimal,
        item: int = 0,
        note: str | None = None,
    ) -> None:
        """Keep a fact read from ``entry`` for later sums (once: a replay adds nothing)."""
        from supervision.warnings.models import WarningFact

        upto = self._remembered.get(rule)
        if upto is None:
            upto = self._remembered[rule] = (
                self.session.scalar(
                    select(func.max(WarningFact.seq)).where(WarningFact.rule == rule)
                )
                or 0
            )
        if entry.seq <= upto and self.session.scalar(
            select(WarningFact.id).where(
                WarningFact.rule == rule, WarningFact.seq == entry.seq, WarningFact.item == item
            )
        ):
            return
        self.session.add(
            WarningFact(
                rule=rule, key=key, seq=entry.seq, item=item, at=entry.at, amount=amount, note=note
            )
        )
        self.session.flush()

    def facts(
        self, rule: str, key: str, *, since: datetime, before_seq: int
    ) -> list[tuple[int, datetime, Decimal, str | None]]:
        """The facts kept under ``key`` from ``since``, read before ``before_seq``: (seq, at,
        amount, note) in ledger order."""
        from supervision.warnings.models import WarningFact

        rows = self.session.execute(
            select(WarningFact.seq, WarningFact.at, WarningFact.amount, WarningFact.note)
            .where(
                WarningFact.rule == rule,
                WarningFact.key == key,
                WarningFact.at >= since,
                WarningFact.seq < before_seq,
            )
            .order_by(WarningFact.seq, WarningFact.item)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def fact_totals(
        self, rule: str, key: str, *, since: dict[str, datetime], before_seq: int
    ) -> dict[str, tuple[int, Decimal, Decimal]]:
        """For each window (name → its start), how many facts are kept under ``key`` in it before
        ``before_seq``, their sum and the largest — one query, summed by the database."""
        from supervision.warnings.models import WarningFact

        columns = []
        for start in since.values():
            inside = WarningFact.at >= start
            fen = type_coerce(WarningFact.amount, BigInteger)  # summed as stored: whole fen
            columns += [
                func.sum(case((inside, 1), else_=0)),
                type_coerce(func.sum(case((inside, fen), else_=0)), BigInteger),
                type_coerce(func.max(case((inside, fen), else_=None)), BigInteger),
            ]
        row = self.session.execute(
            select(*columns).where(
                WarningFact.rule == rule,
                WarningFact.key == key,
                WarningFact.at >= min(since.values()),
                WarningFact.seq < before_seq,
            )
        ).one()
        out = {}
        for n, name in enumerate(since):
            count, total, largest = row[3 * n : 3 * n + 3]
            out[name] = (int(count or 0), _fen_to_cny(total), _fen_to_cny(largest))
        return out

    def org(self, org_id: int | None) -> Organisation | None:
        return None if org_id is None else self.session.get(Organisation, org_id)

    def region(self, region_id: int | None) -> Region | None:
        return None if region_id is None else self.session.get(Region, region_id)


class Rule:
    """One warning rule. Subclasses set the class attributes and override ``on_entries`` and/or
    ``screen``."""

    code: str = ""
    #: English msgids, translated where shown
    name: str = ""
    #: the document and article the rule rests on
    basis: str = ""
    #: what it looks for, in a sentence or two
    description: str = ""
    #: one warning's sentence, naming its ``facts`` as %(name)s
    summary: str = ""
    level: str = "yellow"
    params: tuple[Param, ...] = ()
    #: ledger actions the rule reads as they arrive (streaming)
    actions: tuple[str, ...] = ()
    #: whether the clock runs ``screen``
    screens: bool = False

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        return ()

    def screen(self, ctx: Context) -> Iterable[Finding]:
        return ()

    def resolved_params(self, config: Any = None) -> dict[str, Any]:
        """The parameters: ``config[key]``, else the environment, else the default."""
        if config is None:
            from flask import current_app, has_app_context

            config = current_app.config if has_app_context() else {}
        out: dict[str, Any] = {}
        for param in self.params:
            key = param.config_key(self.code)
            raw = config.get(key)
            if raw is None:
                raw = os.environ.get(key)
            out[param.name] = param.default if raw is None else _convert(param.default, raw)
        return out


def _convert(default: Any, raw: Any) -> Any:
    if isinstance(default, bool):
        return str(raw).lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, Decimal):
        return Decimal(str(raw))
    return str(raw)


def _fen_to_cny(value: Any) -> Decimal:
    """A sum of ``Money`` columns as the database returns it (whole fen) in CNY."""
    return cny(Decimal(int(value or 0)) / 100)
