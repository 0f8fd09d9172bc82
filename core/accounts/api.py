"""Accounts API: sign-in, tokens, regions, organisations, users. Thin: parse → authorise → service → dump."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from core.accounts import service
from core.accounts.auth import SESSION_COOKIE, require_actor, require_role
from core.accounts.models import Organisation, Region
from core.accounts.roles import Role
from core.accounts.schemas import (
    MeSchema,
    NewTokenSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
    PublicKeySchema,
    RegionSchema,
    SignInSchema,
    TokenCreateSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)
from core.api import page_of, paginate
from core.db import db
from core.signatures import current_key

blp = Blueprint("accounts", __name__, url_prefix="/api", description="Accounts, regions, tokens")

OrganisationPage = page_of(OrganisationSchema, "OrganisationPage")


def _me(actor: Any) -> dict[str, Any]:
    user = service.get_user(db.session, actor, actor.user_id)
    org = user.organisation
    return {
        "user": user,
        "organisation": org,
        "region": org.region,
        "csrf_token": g.get("csrf_token"),
    }


@blp.route("/auth/signin", methods=["POST"])
@blp.arguments(SignInSchema)
@blp.response(200, MeSchema)
def signin(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Sign in with a password; sets the session cookie. 登录"""
    row, token = service.sign_in(
        db.session, args["username"], args["password"], request.remote_addr or "?"
    )
    g.csrf_token = row.csrf_token
    user = row.user
    body = MeSchema().dump(
        {
            "user": user,
            "organisation": user.organisation,
            "region": user.organisation.region,
            "csrf_token": row.csrf_token,
        }
    )
    response = jsonify(body)
    set_session_cookie(response, token)
    return response


def set_session_cookie(response: Any, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=current_app.config["SESSION_HOURS"] * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@blp.route("/auth/signout", methods=["POST"])
@blp.response(204)
def signout():  # type: ignore[no-untyped-def]
    """Sign out: the session is invalidated on the server. 退出"""
    service.sign_out(db.session, require_actor())
    response = current_app.response_class(status=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@blp.route("/auth/me")
@blp.response(200, MeSchema)
def me():  # type: ignore[no-untyped-def]
    """The signed-in user, organisation and region."""
    return _me(require_actor())


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):  # type: ignore[no-untyped-def]
        """My API tokens."""
        return service.list_tokens(db.session, require_actor())

    @blp.arguments(TokenCreateSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Issue a bearer token for a machine client. The token is shown once."""
        row, plain = service.issue_token(
            db.session, require_actor(), args["name"], args["expires_in_days"]
        )
        fields = ("id", "name", "prefix", "created_at", "expires_at", "revoked_at")
        return {name: getattr(row, name) for name in fields} | {"token": plain}


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(200, TokenSchema)
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    """Revoke one of my tokens."""
    return service.revoke_token(db.session, require_actor(), token_id)


@blp.route("/regions")
class Regions(MethodView):
    @blp.response(200, RegionSchema(many=True))
    def get(self):  # type: ignore[no-untyped-def]
        """The region tree (全区一张网), in path order."""
        require_actor()
        return service.list_regions(db.session)

    @blp.arguments(RegionSchema)
    @blp.response(201, RegionSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Add a region (operators)."""
        return service.create_region(db.session, require_role(Role.OPERATOR), args)


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, OrganisationPage)
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Organisations I may see: my own; a supervisor's region and below; all for operators."""
        actor = require_actor()
        return paginate(db.session, service.organisation_query(actor, args), args)

    @blp.arguments(OrganisationSchema)
    @blp.response(201, OrganisationSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Register an organisation (operators). A signing key pair is made for it."""
        return service.create_organisation(db.session, require_role(Role.OPERATOR), args)


@blp.route("/organisations/<int:org_id>")
class OrganisationItem(MethodView):
    @blp.response(200, OrganisationSchema)
    def get(self, org_id: int):  # type: ignore[no-untyped-def]
        return service.get_organisation(db.session, require_actor(), org_id)

    @blp.arguments(OrganisationUpdateSchema)
    @blp.response(200, OrganisationSchema)
    def patch(self, args: dict[str, Any], org_id: int):  # type: ignore[no-untyped-def]
        """Rename, move or (de)activate an organisation (operators)."""
        return service.update_organisation(db.session, require_role(Role.OPERATOR), org_id, args)


@blp.route("/organisations/<int:org_id>/public-key")
@blp.response(200, PublicKeySchema)
def public_key(org_id: int):  # type: ignore[no-untyped-def]
    """The organisation's current signing public key (for verifying its signatures)."""
    org: Organisation = service.get_organisation(db.session, require_actor(), org_id)
    key = current_key(db.session, org.id)
    return {"organisation_id": org.id, "key_id": key.id, "public_key": key.public_key.hex()}


@blp.route("/organisations/<int:org_id>/users")
class OrganisationUsers(MethodView):
    @blp.response(200, UserSchema(many=True))
    def get(self, org_id: int):  # type: ignore[no-untyped-def]
        """Users of an organisation (its admin, operators)."""
        return service.list_users(db.session, require_actor(), org_id)

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, args: dict[str, Any], org_id: int):  # type: ignore[no-untyped-def]
        """Add a user with roles that fit the organisation's kind."""
        return service.create_user(db.session, require_actor(), org_id, args)


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id: int):  # type: ignore[no-untyped-def]
        return service.get_user(db.session, require_actor(), user_id)

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, args: dict[str, Any], user_id: int):  # type: ignore[no-untyped-def]
        """Change a user: own name and password; roles and activity by the admin or an operator."""
        return service.update_user(db.session, require_actor(), user_id, args)


__all__ = ["Region", "blp", "set_session_cookie"]
