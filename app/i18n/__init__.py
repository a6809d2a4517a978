"""German and English texts for everything a shopper or merchant reads.

Each area keeps its catalogue in its own module (`app/i18n/<area>.py` with `MESSAGES = {"key": {"de": ..., "en": ...}}`)
so the areas never edit one shared file; `translate` looks keys up across all of them.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"
# A shopper's German text in the polite form ("Sie"), where the shop addresses its customers so and the text
# differs from the default "du" (the form Shopify's and WooCommerce's German storefronts use).
FORMAL = "de_sie"


def pick_locale(*candidates: str | None) -> str:
    """The first supported locale among the candidates (shopper's, then shop's), else German."""
    for candidate in candidates:
        if candidate:
            short = candidate.replace("_", "-").split("-")[0].lower()
            if short in LOCALES:
                return short
    return DEFAULT_LOCALE


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every area's messages merged; a key defined twice is a bug and fails loudly."""
    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in getattr(module, "MESSAGES", {}).items():
            if key in merged:
                raise KeyError(f"message {key!r} defined twice (in {info.name})")
            missing = set(LOCALES) - set(texts)
            if missing:
                raise KeyError(f"message {key!r} lacks {sorted(missing)}")
            unknown = set(texts) - set(LOCALES) - {FORMAL}
            if unknown:
                raise KeyError(f"message {key!r} has unknown variants {sorted(unknown)}")
            merged[key] = texts
    return merged


def translate(key: str, locale: str, *, formal: bool = False, **params: Any) -> str:
    """The text for `key` in `locale`, formatted with `params`; the key itself if unknown. `formal`: the shop
    addresses its customers as "Sie" (German only)."""
    return template(key, locale, formal).format(**params)


def template(key: str, locale: str, formal: bool = False) -> str:
    """The text for `key` in `locale` before formatting (`translate` fills it in); the key itself if unknown."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    return _pick(texts, locale, formal)


def texts_for(locale: str, prefix: str = "", formal: bool = False) -> dict[str, str]:
    """All texts of one locale (optionally one area's prefix), for templates and the widget."""
    return {k: _pick(v, locale, formal) for k, v in catalogue().items() if k.startswith(prefix)}


def _pick(texts: dict[str, str], locale: str, formal: bool) -> str:
    if formal and locale == "de" and FORMAL in texts:
        return texts[FORMAL]
    return texts.get(locale, texts[DEFAULT_LOCALE])
