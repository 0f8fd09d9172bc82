"""Accounts API: sign-in, tokens, regions, organisations, users. Thin: parse → authorise → service → dump."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from core.accounts import service
from core.accounts.auth import SESSION_COOKIE, require_actor, require_role
from core.accounts.models import Organisation, Region
from core.accounts.roles import Role
from core.accounts.schemas import (
    MeSchema,
    NewTokenSchema,
    NewUserSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
    PasswordSchema,
    PublicKeySchema,
    RegionSchema,
    ResetLinkSchema,
    SignInSchema,
    TokenCreateSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)
from core.api import page_of, paginate
from core.db import db
from core.limits import limit_token_creation, throttled_apart
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
@throttled_apart  # sign-ins have their own throttle (service.sign_in)
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
    @limit_token_creation
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
    @blp.response(201, NewUserSchema)
    def post(self, args: dict[str, Any], org_id: int):  # type: ignore[no-untyped-def]
        """Add a user with roles that fit the organisation's kind (the organisation's own admin;
        operators: the operator organisation, or the first admin of one that has none). Without a
        password, the answer carries a one-time link for the user to set one."""
        user, link = service.add_user(db.session, require_actor(), org_id, args)
        fields = ("id", "organisation_id", "username", "display_name", "roles", "active")
        return {name: getattr(user, name) for name in (*fields, "created_at")} | {
            "setup_link": _link(*link) if link else None
        }


def _link(row: Any, token: str) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "token": token,
        "path": url_for("accounts.password_reset", token=token),
        "expires_at": row.expires_at,
    }


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@blp.response(201, ResetLinkSchema)
def issue_password_reset(user_id: int):  # type: ignore[no-untyped-def]
    """Issue a one-time link for a user of my organisation to set a new password (its admin).
    Nobody chooses another user's password. There is no e-mail delivery yet: the link is returned
    once, to be passed on to the user."""
    return _link(*service.issue_password_reset(db.session, require_actor(), user_id))


@blp.route("/auth/password-reset/<token>", methods=["POST"])
@blp.arguments(PasswordSchema)
@blp.response(204)
def password_reset(args: dict[str, Any], token: str):  # type: ignore[no-untyped-def]
    """Set my new password with a one-time link: once, before it expires; signs out my sessions."""
    service.use_password_reset(db.session, token, args["password"])
    return current_app.response_class(status=204)


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id: int):  # type: ignore[no-untyped-def]
        return service.get_user(db.session, require_actor(), user_id)

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, args: dict[str, Any], user_id: int):  # type: ignore[no-untyped-def]
        """Change a user: own name and password; roles and activity by the organisation's admin.
        Another user's password is never set here (issue a reset link)."""
        return service.update_user(db.session, require_actor(), user_id, args)


__all__ = ["Region", "blp", "set_session_cookie"]
