"""The credit record's page (信用记录, SUP-4): an organisation's ratings by criterion, every penalty
with where it came from (a dispute ruling or a warning), and its restrictions — why and until when
(一处失信，处处受约). Public to everyone signed in, like the record's API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from core.db import db
from frontend.catalog_views import signed_in
from supervision.credit import service as credit

bp = Blueprint("credit_ui", __name__)


@bp.route("/credit")
def mine() -> Any:
    """The record of the signed-in user's organisation."""
    actor = signed_in()
    return page(actor.organisation_id)


@bp.route("/credit/<int:org_id>")
def page(org_id: int) -> Any:
    signed_in()
    record = credit.credit_record(db.session, org_id)
    return render_template("credit.html", record=record)
