"""Texts of order reconciliation (the sync tab's error explanations), German and English."""

MESSAGES = {
    "sync.error.platform_unavailable": {
        "de": "Der Shop war nicht erreichbar oder hat Anfragen gebremst (Ratenlimit). "
              "Der nächste Abgleich macht an dieser Stelle weiter.",
        "en": "The shop could not be reached or throttled the requests (rate limit). "
              "The next sync continues from here.",
    },
    "sync.error.platform_rejected": {
        "de": "Der Shop hat die Anfrage abgelehnt (Zugangsdaten oder Berechtigungen prüfen).",
        "en": "The shop refused the request (check the credentials and permissions).",
    },
    "sync.error.platform_not_connected": {
        "de": "Der Shop ist noch nicht verbunden: es fehlen Zugangstoken oder API-Schlüssel "
              "(App in Shopify installieren bzw. WooCommerce verbinden).",
        "en": "The shop is not connected yet: its access token or API keys are missing "
              "(install the app in Shopify, or connect WooCommerce).",
    },
    "sync.error.malformed_payload": {
        "de": "Der Shop hat eine Bestellung geliefert, die nicht gelesen werden konnte.",
        "en": "The shop returned an order that could not be read.",
    },
    "sync.error.order_failed": {
        "de": "Eine Bestellung konnte nicht verbucht werden; sie wird beim nächsten Abgleich erneut versucht.",
        "en": "An order could not be applied; the next sync tries it again.",
    },
    "sync.error.other": {
        "de": "Der Abgleich wurde unterbrochen; der nächste Lauf versucht es erneut.",
        "en": "The sync was interrupted; the next run tries again.",
    },
}


def error_texts(reason: str) -> dict[str, str]:
    """The explanation of a sync error in both languages (the admin page picks by its locale)."""
    texts = MESSAGES.get(f"sync.error.{reason}") or MESSAGES["sync.error.other"]
    return {"de": texts["de"], "en": texts["en"]}
