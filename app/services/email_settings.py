"""A shop's email settings: which kinds are on, their delays and texts, and how review requests are treated."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.email_sender import sender_errors
from app.domain.email_texts import email_text_errors
from app.domain.errors import InvalidInput
from app.i18n import FORMAL, LOCALES, catalogue, template
from app.models import EmailSettings
from app.repositories.shop_settings import settings_row
from app.uow import UnitOfWork

KINDS = ("thank_you", "review_request", "review_reminder", "points_expiring", "tier_upgrade", "reward_issued",
         "referral_rewarded", "campaign")

# Consent category of each kind (DESIGN §4.8, issue 4):
# - transactional: about something the shopper did (a purchase, a redeemed reward): always sent;
# - service: notices about the shopper's own points account: sent unless the shopper unsubscribed;
# - review: per the shop's `review_consent` ("opt_in": only with marketing consent; "opt_out": the existing-
#   customer rule of §7(3) UWG, sent unless the shopper objected);
# - marketing: only with marketing consent and never after an unsubscribe.
CATEGORY = {
    "thank_you": "transactional",
    "reward_issued": "transactional",
    "points_expiring": "service",
    "tier_upgrade": "service",
    "referral_rewarded": "service",
    "review_request": "review",
    "review_reminder": "review",
    "campaign": "marketing",
}
REVIEW_CONSENT = ("opt_in", "opt_out")
# How the shop's German texts address its customers (emails, the pages they link to, the widget): "du", as
# Shopify's and WooCommerce's German storefronts do, or the polite "Sie".
GERMAN_ADDRESS = ("du", "sie")


@dataclass
class KindConfig:
    """One message kind: on or off, and the merchant's subject and intro per locale ("" = the default)."""

    enabled: bool = True
    subject: dict[str, str] = field(default_factory=lambda: {loc: "" for loc in LOCALES})
    intro: dict[str, str] = field(default_factory=lambda: {loc: "" for loc in LOCALES})


@dataclass
class EmailConfig:
    """Everything a shop configures about its emails."""

    kinds: dict[str, KindConfig] = field(default_factory=lambda: {kind: KindConfig() for kind in KINDS})
    thank_you_delay_minutes: int = 0
    review_delay_days: int = 7  # after fulfilment, else after payment
    review_without_fulfilment: bool = True  # shops that never mark shipments: ask N days after payment
    review_reminder_days: int = 5  # after the request, only if no review came
    review_window_days: int = 30  # at most one review request per shopper in this window
    review_consent: str = "opt_in"
    review_points: int = 50  # 0: no points for reviews
    review_link_days: int = 60  # how long a review link works
    german_address: str = "du"  # GERMAN_ADDRESS
    sender_name: str = ""  # the From header's name; "": the shop's name (`domain.email_sender.display_name`)
    reply_to: str = ""  # where shoppers' replies go; "": no Reply-To header (replies go to the From address)

    @property
    def formal(self) -> bool:
        """The shop addresses its customers as "Sie" in German."""
        return self.german_address == "sie"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored, and served to the admin page)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmailConfig:
        """Stored values over the defaults; unknown keys are ignored."""
        config = cls()
        for kind, values in (data.get("kinds") or {}).items():
            if kind in config.kinds and isinstance(values, dict):
                current = config.kinds[kind]
                current.enabled = bool(values.get("enabled", current.enabled))
                current.subject.update({k: str(v) for k, v in (values.get("subject") or {}).items() if k in LOCALES})
                current.intro.update({k: str(v) for k, v in (values.get("intro") or {}).items() if k in LOCALES})
        for name in ("thank_you_delay_minutes", "review_delay_days", "review_reminder_days", "review_window_days",
                     "review_points", "review_link_days"):
            if name in data:
                setattr(config, name, int(data[name]))
        if "review_without_fulfilment" in data:
            config.review_without_fulfilment = bool(data["review_without_fulfilment"])
        if data.get("review_consent") in REVIEW_CONSENT:
            config.review_consent = str(data["review_consent"])
        if data.get("german_address") in GERMAN_ADDRESS:
            config.german_address = str(data["german_address"])
        for name in ("sender_name", "reply_to"):
            if isinstance(data.get(name), str):
                setattr(config, name, data[name].strip())
        return config

    def subject_template(self, kind: str, locale: str) -> str:
        """The merchant's subject for this kind and locale, else the default."""
        return self.kinds[kind].subject.get(locale) or raw_text(f"emails.{kind}.subject", locale, self.formal)

    def intro_template(self, kind: str, locale: str) -> str:
        """The merchant's intro for this kind and locale, else the default."""
        return self.kinds[kind].intro.get(locale) or raw_text(f"emails.{kind}.intro", locale, self.formal)


def get_config(session: Session, shop_id: int) -> EmailConfig:
    """The shop's email settings (defaults when it never saved any)."""
    row = settings_row(session, EmailSettings, shop_id)
    return EmailConfig.from_dict(row.values if row is not None else {})


def load_config(uow: UnitOfWork, shop_id: int) -> EmailConfig:
    """The shop's email settings, in a transaction of their own (admin page)."""
    with uow:
        return get_config(uow.session, shop_id)


def update_config(uow: UnitOfWork, shop_id: int, changes: dict[str, Any], now: datetime) -> EmailConfig:
    """Merge validated changes (a partial settings document) into the shop's settings.

    The texts and the sender it changes are checked first (`check_changes`): one faulty value refuses the whole
    change, and nothing is written.
    """
    check_changes(changes)
    with uow:
        row = uow.session.get(EmailSettings, shop_id, with_for_update=True)
        current = EmailConfig.from_dict(row.values if row is not None else {}).to_dict()
        merged = _merge(current, changes)
        config = EmailConfig.from_dict(merged)
        if row is None:
            row = EmailSettings(shop_id=shop_id, values=config.to_dict(), updated_at=now)
            uow.session.add(row)
        else:
            row.values = config.to_dict()
            row.updated_at = now
        uow.commit()
        return config


_SENDER_PROBLEM = {("sender_name",): "The sender name is not valid.", ("reply_to",): "The reply address is not valid."}


def check_changes(changes: dict[str, Any], under: str | None = None) -> None:
    """Raise InvalidInput with every problem of a settings change: the placeholders of its texts
    (`domain.email_texts`) and its sender name and reply address (`domain.email_sender`), per field, nested
    `under` a key when the change came inside a larger request (the preview's `settings`)."""
    errors: dict[str, Any] = dict(sender_errors(changes))
    texts = email_text_errors(changes.get("kinds") or {})
    if texts:
        errors["kinds"] = texts
    if not errors:
        return
    nested = {under: errors} if under else errors
    if "kinds" not in errors:
        raise InvalidInput(_SENDER_PROBLEM.get(tuple(sorted(errors)), "The sender is not valid."), errors=nested)
    if len(errors) == 1:
        raise InvalidInput("The email texts are not valid.", errors=nested)
    raise InvalidInput("The email settings are not valid.", errors=nested)


def defaults() -> dict[str, dict[str, dict[str, str]]]:
    """The default subject and intro of every kind in every locale (placeholders in the admin page), German in
    both forms of address ("de": du, "de_sie": Sie)."""
    return {kind: {part: {**{loc: raw_text(f"emails.{kind}.{part}", loc) for loc in LOCALES},
                          FORMAL: raw_text(f"emails.{kind}.{part}", "de", formal=True)}
                   for part in ("subject", "intro")} for kind in KINDS}


def raw_text(key: str, locale: str, formal: bool = False) -> str:
    """A catalogue text with its {placeholders} left in (they are filled per message)."""
    if key not in catalogue():
        raise KeyError(key)  # a default text that is not there is a bug
    return template(key, locale, formal)


def _merge(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
