"""VIP tiers: which tier a qualifying value reaches, immediate upgrades and graceful, stepwise downgrades."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any, Literal

from app.domain.errors import InvalidInput

Basis = Literal["spend", "points"]
Period = Literal["lifetime", "calendar_year", "rolling_12m"]
Change = Literal["up", "down", "none"]

BASES = ("spend", "points")
PERIODS = ("lifetime", "calendar_year", "rolling_12m")
MAX_TIERS = 6
TRANSLATION_LOCALES = ("de", "en")
MAX_NAME_LENGTH = 80
MAX_PERKS = 10
MAX_PERK_LENGTH = 120
MIN_MULTIPLIER = Decimal("1")
MAX_MULTIPLIER = Decimal("10")
RATIO_STEP = Decimal("0.0001")


@dataclass(frozen=True)
class TierTranslation:
    """A tier's name and perks in another language than `TierDef.name`'s; empty parts fall back to it."""

    locale: str
    name: str = ""
    perks: tuple[str, ...] = ()


@dataclass(frozen=True)
class TierDef:
    """One tier: reached when the qualifying value is at least `threshold`."""

    key: str
    name: str
    threshold: Decimal
    multiplier: Decimal = Decimal("1")
    entry_bonus_points: int = 0
    entry_coupon_reward_id: int | None = None
    perks: tuple[str, ...] = ()
    # None: not given (an older admin client); saving keeps what the tier had.
    translations: tuple[TierTranslation, ...] | None = ()


@dataclass(frozen=True)
class TierProgram:
    """A shop's tier programme; `tiers` are ordered by ascending threshold."""

    basis: Basis
    period: Period
    grace_days: int
    tiers: tuple[TierDef, ...]


@dataclass(frozen=True)
class TierDecision:
    """What the periodic evaluation decided for one member."""

    new_key: str | None
    change: Change
    below_since: datetime | None


@dataclass(frozen=True)
class TierProgress:
    """How far a member is from the next tier; `ratio` runs from 0 to 1 between the two thresholds."""

    current: TierDef | None
    next: TierDef | None
    remaining: Decimal
    ratio: Decimal


def validate_program(program: TierProgram) -> None:
    """Raise InvalidInput with one message per faulty field (e.g. "tiers.1.threshold")."""
    errors: dict[str, Any] = {}
    if program.basis not in BASES:
        errors["basis"] = f"Must be one of: {', '.join(BASES)}."
    if program.period not in PERIODS:
        errors["period"] = f"Must be one of: {', '.join(PERIODS)}."
    if program.grace_days < 0:
        errors["grace_days"] = "Must be 0 or more."
    if len(program.tiers) > MAX_TIERS:
        errors["tiers"] = f"At most {MAX_TIERS} tiers."
    errors.update(_tier_errors(program.tiers))
    for i, tier in enumerate(program.tiers):
        errors.update(_translation_errors(tier, f"tiers.{i}.translations"))
    errors.update(_translated_name_clashes(program.tiers, errors))
    if errors:
        raise InvalidInput("The tier program is not valid.", errors=errors)


def _tier_errors(tiers: tuple[TierDef, ...]) -> dict[str, str]:
    errors: dict[str, str] = {}
    keys: set[str] = set()
    names: set[str] = set()
    previous: Decimal | None = None
    for i, tier in enumerate(tiers):
        field = f"tiers.{i}"
        if not tier.key.strip():
            errors[f"{field}.key"] = "Must not be empty."
        elif tier.key in keys:
            errors[f"{field}.key"] = "Keys must be unique."
        if not tier.name.strip():
            errors[f"{field}.name"] = "Must not be empty."
        elif tier.name.strip().casefold() in names:
            errors[f"{field}.name"] = "Names must be unique."
        if tier.threshold < 0:
            errors[f"{field}.threshold"] = "Must be 0 or more."
        elif previous is not None and tier.threshold <= previous:
            errors[f"{field}.threshold"] = "Must be higher than the previous tier's threshold."
        if not MIN_MULTIPLIER <= tier.multiplier <= MAX_MULTIPLIER:
            errors[f"{field}.multiplier"] = f"Must be between {MIN_MULTIPLIER} and {MAX_MULTIPLIER}."
        if tier.entry_bonus_points < 0:
            errors[f"{field}.entry_bonus_points"] = "Must be 0 or more."
        keys.add(tier.key)
        names.add(tier.name.strip().casefold())
        previous = tier.threshold
    return errors


def _translation_errors(tier: TierDef, field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for translation in tier.translations or ():
        prefix = f"{field}.{translation.locale}"
        if translation.locale not in TRANSLATION_LOCALES:
            errors[field] = f"Languages must be one of: {', '.join(TRANSLATION_LOCALES)}."
            continue
        if translation.locale in seen:
            errors[prefix] = "One translation per language."
        seen.add(translation.locale)
        if len(translation.name.strip()) > MAX_NAME_LENGTH:
            errors[f"{prefix}.name"] = f"At most {MAX_NAME_LENGTH} characters."
        if len(translation.perks) > MAX_PERKS:
            errors[f"{prefix}.perks"] = f"At most {MAX_PERKS} perks."
        elif any(len(perk) > MAX_PERK_LENGTH for perk in translation.perks):
            errors[f"{prefix}.perks"] = f"Each perk at most {MAX_PERK_LENGTH} characters."
    return errors


def _translated_name_clashes(tiers: tuple[TierDef, ...], found: dict[str, str]) -> dict[str, str]:
    """Names as each language's readers see them (translation, else `name`) must be unique too."""
    errors: dict[str, str] = {}
    for locale in TRANSLATION_LOCALES:
        shown: dict[str, int] = {}
        for i, tier in enumerate(tiers):
            name = tier_label(tier, locale)[0].strip().casefold()
            earlier = shown.setdefault(name, i)
            if not name or earlier == i:
                continue
            # Two untranslated names clashing are reported on `name` already.
            culprit = next((j for j in (i, earlier) if _translated_name(tiers[j], locale)), None)
            field = f"tiers.{culprit}.translations.{locale}.name"
            if culprit is not None and field not in found:
                errors.setdefault(field, "Names must be unique.")
    return errors


def _translated_name(tier: TierDef, locale: str) -> str:
    return next((t.name.strip() for t in tier.translations or () if t.locale == locale), "")


def tier_label(tier: TierDef, locale: str | None) -> tuple[str, tuple[str, ...]]:
    """The tier's (name, perks) for a reader of `locale`: its translation, else `name` and `perks` as written."""
    return translated_label(tier.name, tier.perks, tier.translations or (), locale)


def translated_label(
    name: str, perks: tuple[str, ...], translations: tuple[TierTranslation, ...], locale: str | None
) -> tuple[str, tuple[str, ...]]:
    """`tier_label` on the parts of a tier (for reads that hold no `TierDef`); empty translated parts fall back."""
    short = (locale or "").replace("_", "-").split("-")[0].lower()
    translation = next((t for t in translations if t.locale == short), None)
    if translation is None:
        return name, perks
    shown = tuple(perk for perk in translation.perks if perk.strip())
    return translation.name.strip() or name, shown or perks


def translations_from_dict(stored: object) -> tuple[TierTranslation, ...]:
    """Stored translations ({"en": {"name": ..., "perks": [...]}}) as values, in locale order; junk is skipped."""
    if not isinstance(stored, dict):
        return ()
    found: list[TierTranslation] = []
    for locale in TRANSLATION_LOCALES:
        entry = stored.get(locale)
        if isinstance(entry, dict):
            perks = entry.get("perks") or []
            found.append(TierTranslation(locale, str(entry.get("name") or ""),
                                         tuple(str(p) for p in perks) if isinstance(perks, list) else ()))
    return tuple(found)


def translations_to_dict(translations: tuple[TierTranslation, ...] | None) -> dict[str, Any]:
    """Translations as plain data (how they are stored); empty ones (no name, no perks) are left out."""
    stored: dict[str, Any] = {}
    for t in translations or ():
        name, perks = t.name.strip(), [perk.strip() for perk in t.perks if perk.strip()]
        if name or perks:
            stored[t.locale] = {"name": name, "perks": perks}
    return stored


def period_start(period: Period | str, now: datetime) -> datetime | None:
    """Start of the window the qualifying value is summed over; None means all time.

    A naive `now` is taken as UTC.
    """
    if period == "lifetime":
        return None
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if period == "calendar_year":
        return datetime(now.astimezone(UTC).year, 1, 1, tzinfo=UTC)
    if period == "rolling_12m":
        return now - timedelta(days=365)
    raise ValueError(f"unknown tier period: {period!r}")


def _index(program: TierProgram, key: str | None) -> int:
    """Position of a tier key; -1 for no tier (or a key the programme no longer has)."""
    for i, tier in enumerate(program.tiers):
        if tier.key == key:
            return i
    return -1


def _qualifying_index(program: TierProgram, value: Decimal) -> int:
    best = -1
    for i, tier in enumerate(program.tiers):
        if value >= tier.threshold:
            best = i
    return best


def _at(program: TierProgram, index: int) -> TierDef | None:
    return program.tiers[index] if index >= 0 else None


def qualifying_tier(program: TierProgram, value: Decimal) -> TierDef | None:
    """The highest tier whose threshold the value reaches, or None."""
    return _at(program, _qualifying_index(program, value))


def upgrade_on_order(program: TierProgram, current_key: str | None, value: Decimal) -> TierDef | None:
    """The higher tier the member reaches with this value, or None; upgrades are immediate."""
    target = _qualifying_index(program, value)
    if target > _index(program, current_key):
        return program.tiers[target]
    return None


def evaluate(
    program: TierProgram,
    current_key: str | None,
    value: Decimal,
    now: datetime,
    below_since: datetime | None,
) -> TierDecision:
    """The periodic decision for one member.

    Upgrades happen at once. Below the current tier's threshold the grace clock starts (`below_since`);
    once `grace_days` have passed the member drops one tier, never more per evaluation, and the clock
    restarts from the next evaluation. Qualifying again stops the clock. A key the programme no longer
    has counts as no tier, so the member lands on whatever tier the value reaches.
    """
    current = _index(program, current_key)
    target = _qualifying_index(program, value)
    if target > current or (current == -1 and current_key is not None):
        change: Change = "up" if target >= 0 else "down"
        return TierDecision(_key(program, target), change, None)
    if target == current:
        return TierDecision(current_key, "none", None)
    since = below_since or now
    if now - since >= timedelta(days=program.grace_days):
        return TierDecision(_key(program, current - 1), "down", None)
    return TierDecision(current_key, "none", since)


def _key(program: TierProgram, index: int) -> str | None:
    tier = _at(program, index)
    return tier.key if tier else None


def progress(program: TierProgram, current_key: str | None, value: Decimal) -> TierProgress:
    """Distance from the member's current tier to the one above it (remaining 0 and ratio 1 at the top)."""
    index = _index(program, current_key)
    current = _at(program, index)
    following = program.tiers[index + 1] if index + 1 < len(program.tiers) else None
    if following is None:
        return TierProgress(current, None, Decimal("0"), Decimal("1"))
    floor = current.threshold if current else Decimal("0")
    remaining = max(Decimal("0"), following.threshold - value)
    span = following.threshold - floor
    if span <= 0:
        ratio = Decimal("1") if remaining == 0 else Decimal("0")
    else:
        ratio = min(Decimal("1"), max(Decimal("0"), (value - floor) / span))
    return TierProgress(current, following, remaining, ratio.quantize(RATIO_STEP, rounding=ROUND_DOWN))
