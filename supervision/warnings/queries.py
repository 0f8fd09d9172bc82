"""Reading warnings: the supervisor's desk (counts by level, rule and region, the weekly trend, the
open cases and their deadlines), the list with its filters and CSV export, one warning with its
evidence and steps, and what a party sees of the explanations asked of it (SUP-2, SUP-6)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region, User
from core.messages import translate
from supervision.ledger.models import LedgerEntry
from supervision.warnings import access, cases
from supervision.warnings.models import LEVELS, STATUSES, RiskWarning
from supervision.warnings.rules import RULES, by_code

#: weeks in the desk's trend chart
TREND_WEEKS = 12


def filtered(session: Session, actor: Actor, args: dict[str, Any]) -> Any:
    """The warnings a supervisor sees (its region and below), filtered, newest first."""
    query = select(RiskWarning).where(access.visible(actor))
    if args.get("region_id"):
        region = session.get(Region, args["region_id"])
        if region is None or not actor.sees_region(region.path):
            query = query.where(RiskWarning.id.is_(None))
        else:
            query = query.where(RiskWarning.region_path.startswith(region.path))
    for name in ("level", "rule"):
        if args.get(name):
            query = query.where(getattr(RiskWarning, name) == args[name])
    status = args.get("status")
    if status == "active":
        query = query.where(RiskWarning.status != "closed")
    elif status:
        query = query.where(RiskWarning.status == status)
    if args.get("mine"):
        query = query.where(RiskWarning.assignee_id == actor.user_id)
    if args.get("overdue"):
        query = query.where(RiskWarning.status != "closed", RiskWarning.due_at < clock.now())
    if args.get("from"):
        query = query.where(RiskWarning.raised_at >= _day_start(args["from"]))
    if args.get("to"):
        query = query.where(RiskWarning.raised_at < _day_start(args["to"]) + timedelta(days=1))
    return query.order_by(RiskWarning.raised_at.desc(), RiskWarning.id.desc())


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time(0), clock.SHANGHAI).astimezone(UTC)


def summary(session: Session, actor: Actor, args: dict[str, Any]) -> dict[str, Any]:
    """The desk: counts of the filtered warnings by level, rule, status and region (each region
    directly below the chosen one counts everything under it), a weekly trend by level, and
    the open cases ordered by deadline."""
    rows = session.execute(
        filtered(session, actor, args)
        .with_only_columns(
            RiskWarning.id,
            RiskWarning.level,
            RiskWarning.rule,
            RiskWarning.status,
            RiskWarning.region_path,
            RiskWarning.raised_at,
        )
        .order_by(None)
    ).all()
    top = _top_region(session, actor, args)
    children = list(
        session.scalars(select(Region).where(Region.parent_id == top.id).order_by(Region.code))
    )
    by_region: Counter[int] = Counter()
    own = 0
    for row in rows:
        child = next((r for r in children if row.region_path.startswith(r.path)), None)
        if child is None:
            own += 1
        else:
            by_region[child.id] += 1
    now = clock.now()
    this_week = clock.local(now).date() - timedelta(days=clock.local(now).weekday())
    weeks = [this_week - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    trend = {week: Counter() for week in weeks}
    for row in rows:
        day = clock.local(row.raised_at).date()
        week = day - timedelta(days=day.weekday())
        if week in trend:
            trend[week][row.level] += 1
    levels = Counter(row.level for row in rows)
    rules = Counter(row.rule for row in rows)
    statuses = Counter(row.status for row in rows)
    return {
        "total": len(rows),
        "region": _region_dict(top),
        "by_level": [{"level": level, "count": levels[level]} for level in LEVELS],
        "by_rule": [
            {"rule": rule.code, "level": rule.level, "count": rules[rule.code]}
            for rule in RULES
            if rules[rule.code]
        ],
        "by_status": [{"status": status, "count": statuses[status]} for status in STATUSES],
        "by_region": [
            {**_region_dict(region), "count": by_region[region.id]} for region in children
        ]
        + ([{**_region_dict(top), "count": own, "own": True}] if own else []),
        "trend": [
            {"week": week, **{level: trend[week][level] for level in LEVELS}} for week in weeks
        ],
        "overdue": len(_overdue_ids(session, actor, args)),
    }


def _overdue_ids(session: Session, actor: Actor, args: dict[str, Any]) -> set[int]:
    query = filtered(session, actor, {**args, "overdue": True})
    return set(session.scalars(query.with_only_columns(RiskWarning.id).order_by(None)))


def _top_region(session: Session, actor: Actor, args: dict[str, Any]) -> Region:
    if args.get("region_id"):
        region = session.get(Region, args["region_id"])
        if region is not None and actor.sees_region(region.path):
            return region
    region = session.get(Region, actor.region_id)
    assert region is not None
    return region


def _region_dict(region: Region) -> dict[str, Any]:
    return {"region_id": region.id, "name_zh": region.name_zh, "name_en": region.name_en}


#: fact name → (session, value, lang) → what a reader calls it. The organisations' names are
#: supervision's own (core); the packages above register the rest at assembly (``mall.app``):
#: categories, listings, orders, agreements — the sentence then names them, not their ids.
Namer = Callable[[Session, Any, str], "str | None"]
NAMERS: dict[str, Namer] = {}
_MONEY = re.compile(r"^\d+\.\d{2}$")


def register_namer(fact: str, namer: Namer) -> None:
    NAMERS[fact] = namer


def _org_name(session: Session, value: Any, lang: str) -> str | None:
    org = session.get(Organisation, int(value)) if str(value).isdigit() else None
    if org is None:
        return None
    return org.name_en if lang == "en" and org.name_en else org.name_zh


for _fact in ("supplier_id", "purchaser_id", "org_id", "winner_id"):
    NAMERS[_fact] = _org_name


def shown_facts(session: Session | None, facts: dict[str, Any], lang: str) -> dict[str, Any]:
    """The facts as a sentence shows them: ids named where a namer knows them, amounts with
    thousands separators."""
    out = dict(facts)
    for name, value in facts.items():
        if isinstance(value, str) and _MONEY.match(value):
            out[name] = f"{Decimal(value):,.2f}"
        elif session is not None and name in NAMERS and value is not None:
            try:
                named = NAMERS[name](session, value, lang)
            except (ValueError, TypeError):
                named = None
            if named:
                out[name] = named
    return out


def text(warning: RiskWarning, lang: str, session: Session | None = None) -> dict[str, str]:
    """The warning's rule name and sentence in ``lang`` (``session`` names what it refers to)."""
    rule = by_code(warning.rule)
    facts = shown_facts(session, json.loads(warning.facts), lang)
    # A rule with several signals has a sentence for each (``summaries``, keyed by ``signal``).
    summary = getattr(rule, "summaries", {}).get(facts.get("signal"), rule.summary)
    try:
        sentence = translate(summary, lang, facts)
    except (KeyError, TypeError, ValueError):
        sentence = translate(rule.description, lang, {**rule.resolved_params(), **facts})
    return {"rule_name": translate(rule.name, lang), "summary": sentence}


def listed(warning: RiskWarning, lang: str, session: Session | None = None) -> dict[str, Any]:
    """A warning as a row of the list."""
    return {
        "id": warning.id,
        "number": cases.number(warning),
        "rule": warning.rule,
        "level": warning.level,
        "status": warning.status,
        "finding": warning.finding,
        "region_id": warning.region_id,
        "subject_type": warning.subject_type,
        "subject_id": warning.subject_id,
        "party_org_id": warning.party_org_id,
        "assignee_id": warning.assignee_id,
        "raised_at": warning.raised_at,
        "due_at": warning.due_at,
        "overdue": warning.status != "closed"
        and warning.due_at is not None
        and warning.due_at < clock.now(),
        **text(warning, lang, session),
    }


def detail(
    session: Session, warning: RiskWarning, lang: str, *, for_party: bool = False
) -> dict[str, Any]:
    """One warning: its row, facts, rule, evidence (the ledger entries, in full for supervisors)
    and the steps of its case."""
    out = listed(warning, lang, session)
    rule = by_code(warning.rule)
    out["facts"] = json.loads(warning.facts)
    out["rule_basis"] = translate(rule.basis, lang)
    out["explanation_due_at"] = warning.explanation_due_at
    party = session.get(Organisation, warning.party_org_id) if warning.party_org_id else None
    out["party"] = (
        {"id": party.id, "name_zh": party.name_zh, "name_en": party.name_en, "kind": party.kind}
        if party
        else None
    )
    region = session.get(Region, warning.region_id) if warning.region_id else None
    out["region"] = _region_dict(region) if region else None
    people = {
        user.id: user.display_name
        for user in session.scalars(
            select(User).where(
                User.id.in_(
                    {s.actor_user_id for s in warning.steps if s.actor_user_id}
                    | ({warning.assignee_id} if warning.assignee_id else set())
                )
            )
        )
    }
    out["assignee_name"] = people.get(warning.assignee_id) if not for_party else None
    shown = (
        ("explanation_requested", "answered", "closed", "explanation_missed") if for_party else None
    )
    out["steps"] = [
        {
            "kind": step.kind,
            "at": step.at,
            "seq": step.seq,
            "text": step.text,
            "data": json.loads(step.data),
            "actor_name": None
            if for_party and step.actor_org_id != warning.party_org_id
            else people.get(step.actor_user_id),
            "by_party": step.actor_org_id is not None and step.actor_org_id == warning.party_org_id,
        }
        for step in warning.steps
        if shown is None or step.kind in shown
    ]
    if for_party:
        out["evidence"] = []
        return out
    seqs = [item.seq for item in warning.evidence if item.seq is not None]
    entries = {
        entry.seq: entry
        for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.seq.in_(seqs)))
    }
    out["evidence"] = [
        {
            "seq": item.seq,
            "subject_type": item.subject_type,
            "subject_id": item.subject_id,
            "note": item.note,
            "entry": _entry(entries[item.seq]) if item.seq in entries else None,
        }
        for item in warning.evidence
    ]
    return out


def _entry(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "action": entry.action,
        "actor": entry.actor_username,
        "actor_org_id": entry.actor_org_id,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "payload": json.loads(entry.payload),
    }


def party_requests(session: Session, actor: Actor) -> list[RiskWarning]:
    """The warnings about the actor's organisation on which an explanation was asked of it."""
    if actor.organisation_id is None:
        return []
    from supervision.warnings.models import WarningStep

    asked = select(WarningStep.warning_id).where(WarningStep.kind == "explanation_requested")
    return list(
        session.scalars(
            select(RiskWarning)
            .where(RiskWarning.party_org_id == actor.organisation_id, RiskWarning.id.in_(asked))
            .order_by(RiskWarning.updated_at.desc(), RiskWarning.id.desc())
        )
    )


CSV_COLUMNS = (
    "number",
    "level",
    "rule",
    "rule_name",
    "summary",
    "status",
    "finding",
    "region",
    "subject_type",
    "subject_id",
    "raised_at",
    "due_at",
)


def export_csv(session: Session, actor: Actor, args: dict[str, Any], lang: str) -> str:
    """The filtered warnings as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese),
    times in Asia/Shanghai."""
    regions = {r.id: r for r in session.scalars(select(Region))}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for warning in session.scalars(filtered(session, actor, args)):
        row = listed(warning, lang, session)
        region = regions.get(warning.region_id)
        row["region"] = (region.name_zh if lang == "zh" else region.name_en) if region else ""
        for name in ("raised_at", "due_at"):
            row[name] = f"{clock.local(row[name]):%Y-%m-%d %H:%M}" if row[name] else ""
        writer.writerow(
            [row.get(name) if row.get(name) is not None else "" for name in CSV_COLUMNS]
        )
    return out.getvalue()
