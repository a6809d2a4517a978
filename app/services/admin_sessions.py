"""Merchant sign-in: Shopify session tokens (App Bridge JWT), single-use signed login links and the server-side
sessions a cookie names (signing out ends them for every copy of the cookie)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import jwt
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select

from app.domain.errors import Forbidden, Unauthorized
from app.domain.shops import is_valid_shopify_domain
from app.models import AdminLoginNonce, AdminSession, Shop
from app.repositories import ShopRepository, insert_ignore
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

LINK_MAX_AGE = timedelta(minutes=15)
# However busy, a cookie session ends this long after sign-in (the idle limit is the cookie's, config.py).
SESSION_MAX_AGE = timedelta(days=7)
JWT_LEEWAY_SECONDS = 10  # App Bridge often sends an nbf slightly in the future (PLATFORMS §2.4)


@dataclass(frozen=True)
class AdminIdentity:
    """Who is signed in to which shop: its id and its domain, which together name one shop for good (an id alone
    may be given again to a shop added later: SQLite reuses the highest id once its shop is deleted)."""

    shop_id: int
    actor: str
    shop_domain: str


def verify_session_token(
    uow: UnitOfWork, token: str, api_key: str, secrets_: list[str], now: datetime
) -> AdminIdentity:
    """Check an App Bridge session token: HS256 with the app secret, aud, exp/nbf (10 s leeway), dest shop."""
    claims = decode_session_token(token, api_key, secrets_)
    shop = _active_shop(uow, "shopify", claims.shop_domain)
    return AdminIdentity(shop.id, f"shopify-user:{claims.user}", shop.domain)


@dataclass(frozen=True)
class SessionClaims:
    """What a verified session token says: the shop's myshopify domain and the staff user."""

    shop_domain: str
    user: str


def decode_session_token(token: str, api_key: str, secrets_: list[str]) -> SessionClaims:
    """Verify a session token without looking the shop up (token exchange installs shops not yet known)."""
    claims = None
    for secret in secrets_:
        try:
            claims = jwt.decode(
                token, secret, algorithms=["HS256"], audience=api_key, leeway=JWT_LEEWAY_SECONDS,
                options={"require": ["exp", "nbf", "aud", "dest", "iss", "sub"]},
            )
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise _refused(exc) from exc
    if claims is None:
        raise Unauthorized("The session token's signature does not match.")
    try:
        dest_host = (urlsplit(str(claims["dest"])).hostname or "").lower()
        iss_host = (urlsplit(str(claims["iss"])).hostname or "").lower()
    except ValueError as exc:  # a signed but unparseable URL ("https://[")
        log.info("session token rejected: %s", exc)
        raise Unauthorized("The session token is not valid.") from exc
    if dest_host != iss_host:
        raise Unauthorized("The session token's issuer and destination name different shops.")
    if not is_valid_shopify_domain(dest_host):
        raise Unauthorized("The session token names no myshopify.com shop.")
    return SessionClaims(dest_host, str(claims["sub"]))


def _refused(exc: jwt.PyJWTError) -> Unauthorized:
    # PyJWT's own words ("Signature has expired", a codec error quoting the token's bytes) are for the log;
    # the reader gets a sentence per condition, in their language (app/i18n/validation.py).
    log.info("session token rejected: %s", exc)
    if isinstance(exc, jwt.ExpiredSignatureError):
        return Unauthorized("The session token has expired.")
    if isinstance(exc, jwt.InvalidAudienceError):
        return Unauthorized("The session token was issued for another app.")
    if isinstance(exc, jwt.ImmatureSignatureError):
        return Unauthorized("The session token is not valid yet.")
    return Unauthorized("The session token is not valid.")


def issue_login_link(uow: UnitOfWork, secret_key: str, public_url: str, shop_ref: str) -> str:
    """A signed, short-lived, single-use link that signs a merchant in to one shop."""
    with uow:
        shop = ShopRepository(uow.session).find(shop_ref)
        if shop is None:
            from app.domain.errors import ShopNotFound

            raise ShopNotFound(shop=shop_ref)
        token = _serializer(secret_key).dumps(
            {"shop_id": shop.id, "domain": shop.domain, "nonce": secrets.token_urlsafe(24)}
        )
    return f"{public_url}/admin/login?token={token}"


def redeem_login_link(uow: UnitOfWork, secret_key: str, token: str, now: datetime) -> AdminIdentity:
    """Accept a login link once: a second use, an expired or a forged link is refused."""
    try:
        data = _serializer(secret_key).loads(token, max_age=int(LINK_MAX_AGE.total_seconds()))
    except SignatureExpired as exc:
        raise Unauthorized(
            "This login link has expired. Create a new one with the command “loyalty admin-link SHOP”.") from exc
    except BadSignature as exc:
        raise Unauthorized("This login link is not valid.") from exc
    with uow:
        shop = ShopRepository(uow.session).get(int(data["shop_id"]))
        if shop is None or shop.domain != data.get("domain"):
            raise Unauthorized("This login link is not valid.")
        if not shop.is_active:
            raise Forbidden("This shop is not active.")
        fresh = insert_ignore(
            uow.session, AdminLoginNonce, {"shop_id": shop.id, "nonce": str(data["nonce"])[:64], "used_at": now},
            ("shop_id", "nonce"),
        )
        if not fresh:
            raise Unauthorized("This login link was already used.")
        uow.commit()
        return AdminIdentity(shop.id, f"link:{str(data['nonce'])[:8]}", shop.domain)


def start_session(uow: UnitOfWork, identity: AdminIdentity, now: datetime) -> str:
    """Record a newly signed-in browser; the random id its cookie is to carry (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    with uow:
        # The shop's sessions past their age go as a new one starts, so the table stays small without a job.
        uow.session.execute(delete(AdminSession).where(
            AdminSession.shop_id == identity.shop_id, AdminSession.started_at <= now - SESSION_MAX_AGE))
        uow.session.add(AdminSession(shop_id=identity.shop_id, token_hash=_digest(token), actor=identity.actor,
                                     started_at=now))
        uow.commit()
    return token


def resume_session(uow: UnitOfWork, shop_id: int, token: str, now: datetime) -> AdminIdentity:
    """Who a cookie's session signs in: refused once signed out, past SESSION_MAX_AGE, or its shop gone."""
    with uow:
        row = uow.session.execute(
            select(AdminSession.actor, AdminSession.started_at, Shop.domain)
            .join(Shop, Shop.id == AdminSession.shop_id)
            .where(AdminSession.shop_id == shop_id, AdminSession.token_hash == _digest(token))
        ).first()
    if row is None or row.started_at <= now - SESSION_MAX_AGE:
        raise Unauthorized("sign in through Shopify or with a login link (command: loyalty admin-link SHOP)")
    return AdminIdentity(shop_id, row.actor, row.domain)


def end_session(uow: UnitOfWork, shop_id: int, token: str) -> None:
    """Sign a browser out for good: neither its cookie nor any copy of it signs anybody in afterwards."""
    with uow:
        uow.session.execute(delete(AdminSession).where(
            AdminSession.shop_id == shop_id, AdminSession.token_hash == _digest(token)))
        uow.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_shop(uow: UnitOfWork, identity: AdminIdentity) -> Shop:
    """The signed-in shop, refused once it is uninstalled or gone (another shop with its id is not it)."""
    with uow:
        shop = ShopRepository(uow.session).get(identity.shop_id)
    if shop is None or shop.domain != identity.shop_domain:
        raise Unauthorized("Unknown shop.")
    if not shop.is_active:
        raise Forbidden("This shop is not active.")
    return shop


def _active_shop(uow: UnitOfWork, platform: str, domain: str) -> Shop:
    with uow:
        shop = ShopRepository(uow.session).get_by_domain(platform, domain)
    if shop is None:
        raise Unauthorized("Unknown shop.")
    if not shop.is_active:
        raise Forbidden("This shop is not active.")
    return shop


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="admin-login")
