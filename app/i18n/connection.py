"""Texts of the shop connection check (the admin page's warning banner), German and English."""

MESSAGES = {
    "connection.reason.store_unreachable": {
        "de": "Der Shop war nicht erreichbar, als die Verbindung eingerichtet wurde: Die Webhooks fehlen noch, "
              "neue Bestellungen kommen deshalb nicht an. Wir versuchen es automatisch erneut.",
        "en": "The shop could not be reached when the connection was set up: its webhooks are still missing, so "
              "new orders do not arrive. We keep trying automatically.",
    },
    "connection.reason.keys_refused": {
        "de": "Der Shop hat die API-Schlüssel abgelehnt: Die Webhooks fehlen, neue Bestellungen kommen nicht an. "
              "Bitte WooCommerce erneut verbinden oder prüfen, ob der Server die Anmeldung weiterreicht.",
        "en": "The shop refused the API keys: its webhooks are missing, so new orders do not arrive. Please "
              "connect WooCommerce again, or check that the server passes the authentication on.",
    },
    "connection.reason.keys_refused.shopify": {
        "de": "Shopify hat den Zugang der App abgelehnt (der Zugriffsschlüssel gilt nicht mehr): Die Webhooks fehlen, "
              "neue Bestellungen kommen nicht an. Bitte die App in Shopify unter Einstellungen → Apps entfernen und "
              "neu installieren; Punkte und Einstellungen bleiben erhalten.",
        "en": "Shopify refused the app's access (its access token is no longer valid): its webhooks are missing, so "
              "new orders do not arrive. Please remove the app under Settings → Apps in Shopify and install it "
              "again; points and settings are kept.",
    },
    "connection.reason.store_refused": {
        "de": "Der Shop hat das Einrichten der Webhooks abgelehnt: Neue Bestellungen kommen nicht an.",
        "en": "The shop refused to set up the webhooks: new orders do not arrive.",
    },
    "connection.reason.not_connected": {
        "de": "Dem Shop fehlen die Zugangsdaten: Bitte die App neu installieren bzw. WooCommerce neu verbinden.",
        "en": "The shop's credentials are missing: please install the app again, or connect WooCommerce again.",
    },
    "connection.reason.not_checked": {
        "de": "Die Verbindung zum Shop ist noch nicht geprüft: Die Webhooks werden in wenigen Minuten eingerichtet, "
              "bis dahin kommen neue Bestellungen nicht an.",
        "en": "The connection to the shop is not checked yet: its webhooks are set up within minutes; until then "
              "new orders do not arrive.",
    },
    "connection.gave_up": {
        "de": "Die automatischen Versuche wurden eingestellt. Bitte jetzt erneut versuchen, sobald der Shop "
              "erreichbar ist.",
        "en": "Automatic retries have stopped. Please retry now once the shop can be reached.",
    },
}


def reason_texts(reason: str | None, gave_up: bool, platform: str | None = None) -> dict[str, str]:
    """The banner's explanation in both languages (the admin page picks by its locale), for the shop's platform
    where what to do differs (refused keys: WooCommerce connects again, Shopify reinstalls)."""
    texts = (MESSAGES.get(f"connection.reason.{reason}.{platform}") or MESSAGES.get(f"connection.reason.{reason}")
             or MESSAGES["connection.reason.store_refused"])
    if not gave_up:
        return {"de": texts["de"], "en": texts["en"]}
    stopped = MESSAGES["connection.gave_up"]
    return {locale: f"{texts[locale]} {stopped[locale]}" for locale in ("de", "en")}
