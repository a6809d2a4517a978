"""The storefront widget's use cases: verify the proxy request, the shopper's picture, and their actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app import queries_storefront as q
from app.db_reads import Reader
from app.domain.errors import InvalidSignature, MemberNotFound, RewardUnavailable, Unauthorized
from app.domain.snapshots import CustomerSnapshot
from app.i18n import pick_locale
from app.platforms import app_proxy
from app.platforms.base import PlatformClient
from app.repositories import ShopRepository
from app.security import SecretBox
from app.services import earning_events, members, referrals
from app.services.redemptions import RedemptionResult, redeem_reward
from app.services.storefront_cache import ShopperViews, Token, ViewKey
from app.services.storefront_shops import ShopChanged, ShopDirectory, ShopInfo
from app.services.storefront_view import PictureSources, ProgramCache, build_view, view_json
from app.uow import UnitOfWork

NOT_REDEEMABLE_NOW = "Rewards cannot be redeemed in this shop right now. Please try again later."

UowFactory = Callable[[], UnitOfWork]
Answer = tuple[str, bytes | None]  # (ETag, the JSON bytes, or None for a 304)


class LoginRequired(Unauthorized):
    reason = "login_required"
    message = "Please sign in to your customer account first."


@dataclass(frozen=True)
class Storefront:
    """A verified storefront request: the shop, the shopper (None: a guest), and where links point."""

    shop: ShopInfo
    customer_ref: str | None
    locale: str | None  # the request's `locale` parameter, if any
    base_url: str  # storefront origin + proxy prefix, e.g. https://shop.example/apps/loyalty
    path_prefix: str  # the proxy prefix on the storefront, e.g. /apps/loyalty
    signup_url: str
    login_url: str


def verify_request(
    reader: Reader,
    box: SecretBox,
    app_secrets: Sequence[str],
    params: Sequence[tuple[str, str]],
    now: datetime,
    shops: ShopDirectory | None = None,
) -> tuple[ShopInfo, app_proxy.ProxyRequest]:
    """The shop and shopper of a signed proxy request; InvalidSignature for anything else (also unknown shops).

    A shop that signs with its own secret (WooCommerce) is checked against it; the others against the
    app's secrets (Shopify App Proxy). With `shops`, a per-process copy of the shop is used; the caller's
    next read must then check it (`customer_view` does), else the shop is read from the database.
    """
    ref = app_proxy.claimed_shop(params)
    shop = shops.get(ref) if shops is not None else None
    if shop is None:
        row = q.shop_by_ref(reader, ref)
        shop = ShopInfo.from_row(row, box) if row is not None else None
        if shop is not None and shop.is_active and shops is not None:
            shops.put(ref, shop)
    if shop is None or not shop.is_active:
        raise InvalidSignature()  # the answer a wrong signature gets: it tells no one which shops use the app
    request = app_proxy.verify(params, [shop.own_secret] if shop.own_secret else list(app_secrets), now.timestamp())
    return shop, request


def customer_json(
    views: ShopperViews | None, sources: PictureSources, sf: Storefront, now: datetime, if_none_match: str | None
) -> Answer:
    """(ETag, the widget's JSON bytes); None for the JSON when `if_none_match` matches.

    `read_customer`; on a logged-in shopper's first visit their member row and referral code are made first
    (once, in their own transaction), then the picture is read.
    """
    answer = read_customer(views, sources, sf, now, if_none_match)
    if answer is not None:
        return answer
    _ensure_member(sources.uow_factory, sf.shop, sf.customer_ref or "", now)
    token, state = _read_state(views, sources.reader, sf, now, if_none_match)
    return _answer(views, token, sources, sf, state, now, if_none_match)


def read_customer(
    views: ShopperViews | None, sources: PictureSources, sf: Storefront, now: datetime, if_none_match: str | None
) -> Answer | None:
    """`customer_json` without writing: None when it is a logged-in shopper's first visit (no referral code yet).

    One statement: the ETag's inputs (which also check the shop the request was verified with: ShopChanged when
    it was edited since), with the body's member parts when the request is not conditional; the body reuses
    `sources.program` for the shop-wide parts. With `views` (PostgreSQL, LISTEN up) an unchanged shopper is
    answered from memory without the database; a read is remembered unless a notification for its shop arrived
    meanwhile.
    """
    hit = remembered_answer(views, sf, now, if_none_match) if views is not None else None
    if hit is not None:
        return hit
    token, state = _read_state(views, sources.reader, sf, now, if_none_match)
    if sf.customer_ref and state.code is None:
        return None
    return _answer(views, token, sources, sf, state, now, if_none_match)


def remembered_answer(
    views: ShopperViews, sf: Storefront, now: datetime, if_none_match: str | None
) -> Answer | None:
    """`customer_json`'s answer from memory alone, or None when it needs the database (no statement either way)."""
    hit = views.get(_view_key(sf, now), sf.shop.stored)
    if hit is None:
        return None
    if _matches(if_none_match, hit.etag):
        return hit.etag, None
    if hit.body is not None:
        return hit.etag, hit.body
    return None


def _view_key(sf: Storefront, now: datetime) -> ViewKey:
    return sf.shop.id, sf.customer_ref or "", sf.locale, sf.base_url, now.date().isoformat()


def _matches(if_none_match: str | None, etag: str) -> bool:
    return bool(if_none_match) and etag in {tag.strip() for tag in (if_none_match or "").split(",")}


def _read_state(
    views: ShopperViews | None, reader: Reader, sf: Storefront, now: datetime, if_none_match: str | None
) -> tuple[Token | None, q.ShopperState]:
    """(the cache's token taken before the read, the state); a plain request reads the body's parts with it."""
    token = views.token(sf.shop.id) if views is not None else None
    if if_none_match:
        state = q.shopper_state(reader, sf.shop.id, sf.customer_ref, now)
    else:
        state = q.shopper_read(reader, sf.shop.id, sf.customer_ref, now)
    if state is None or state.shop != sf.shop.stored:
        raise ShopChanged()
    return token, state


def _answer(
    views: ShopperViews | None,
    token: Token | None,
    sources: PictureSources,
    sf: Storefront,
    state: q.ShopperState,
    now: datetime,
    if_none_match: str | None,
) -> Answer:
    """The answer to the read `state` (remembered when `views` are on)."""
    locale = pick_locale(sf.locale, state.locale, sf.shop.locale)
    etag = q.etag_of(sf.shop.id, state, sf.base_url, locale, now.date().isoformat())
    data = None if _matches(if_none_match, etag) else view_json(sources, sf, state, locale, now)
    # A logged-in shopper is only remembered with their member row (made on the first visit): a notification
    # names members, so an entry without one could not be evicted by the insert that creates it.
    if views is not None and token is not None and (state.member_id is not None or not sf.customer_ref):
        views.put(_view_key(sf, now), token, etag, data, state.member_id, sf.shop.stored)
    return etag, data


def redeem(
    uow_factory: UowFactory, platform: PlatformClient, box: SecretBox, sf: Storefront, reward_id: int, now: datetime
) -> RedemptionResult:
    """The shopper turns points into a code (the rewards area's redemption: reserve → push → confirm).

    A shop not connected to its platform is the merchant's to fix (the admin page says so): the shopper is told
    only that rewards cannot be redeemed right now."""
    member_id = _shopper_id(uow_factory, sf, now)
    locale = sf.locale or None
    try:
        return redeem_reward(
            uow_factory,
            platform,
            box,
            shop_id=sf.shop.id,
            member_id=member_id,
            reward_id=reward_id,
            now=now,
            actor="shopper",
            locale=locale,
        )
    except RewardUnavailable as exc:
        if exc.details.get("not_connected"):
            raise RewardUnavailable(NOT_REDEEMABLE_NOW, reward_id=reward_id) from exc
        raise


def set_birthday(
    reader: Reader, uow_factory: UowFactory, sf: Storefront, birthday: date, now: datetime
) -> dict[str, Any]:
    """Store the shopper's birthday (once a year at most) and return their refreshed picture."""
    earning_events.set_birthday(uow_factory(), sf.shop.id, _shopper_id(uow_factory, sf, now), birthday, now)
    return _fresh(reader, uow_factory, sf, now)


def subscribe_newsletter(reader: Reader, uow_factory: UowFactory, sf: Storefront, now: datetime) -> dict[str, Any]:
    """Record the shopper's newsletter opt-in (points once) and return their refreshed picture."""
    earning_events.subscribe_newsletter(uow_factory(), sf.shop.id, _shopper_id(uow_factory, sf, now), now)
    return _fresh(reader, uow_factory, sf, now)


def follow_referral_link(
    uow_factory: UowFactory, sf: Storefront, code: str, now: datetime, email: str | None = None
) -> tuple[str, str | None]:
    """A visit of a referral link, or its landing form sent: (state, the referrer's first name).

    A visit is counted; a logged-in friend, or one who left an email, is remembered until their first order
    (state "recorded"); an anonymous visitor is asked for an email ("ask_email"). Unknown codes raise
    ReferralCodeNotFound.
    """
    name = referrals.record_click(uow_factory(), sf.shop.id, code) if email is None else None
    if sf.customer_ref is None and not email:
        return "ask_email", name
    referrals.record_referral(uow_factory(), sf.shop.id, code, now, customer_ref=sf.customer_ref, email=email)
    return "recorded", name


def _fresh(reader: Reader, uow_factory: UowFactory, sf: Storefront, now: datetime) -> dict[str, Any]:
    state = q.shopper_state(reader, sf.shop.id, sf.customer_ref, now)
    if state is None:
        raise InvalidSignature("unknown shop")
    locale = pick_locale(sf.locale, state.locale, sf.shop.locale)
    return build_view(PictureSources(reader, uow_factory, ProgramCache()), sf, state, locale, now)


def _shopper_id(uow_factory: UowFactory, sf: Storefront, now: datetime) -> int:
    if sf.customer_ref is None:
        raise LoginRequired()
    return _ensure_member(uow_factory, sf.shop, sf.customer_ref, now)


def _ensure_member(uow_factory: UowFactory, shop: ShopInfo, customer_ref: str, now: datetime) -> int:
    """The member of a logged-in shopper, created (with their referral code) on their first visit."""
    with uow_factory() as uow:
        row = q.shopper_row(uow.session, shop.id, customer_ref)
        if row is not None and row[1] is not None:
            return int(row[0].id)
    with uow_factory() as uow:
        stored = ShopRepository(uow.session).get(shop.id)
        if stored is None:
            raise InvalidSignature("unknown shop")
        member = members.ensure_member(
            uow.session,
            stored,
            CustomerSnapshot(customer_ref=customer_ref, email=None),
            now,
            attach_guest_orders=False,
        )
        if member is None:
            raise MemberNotFound()
        referrals.ensure_code(uow.session, member, now, shop_locale=stored.locale)
        uow.commit()
        return member.id
