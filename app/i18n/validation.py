"""Error texts for readers: German for marshmallow's and the domain's messages, plain English for marshmallow's.

The API speaks English to a client that asks for nothing else; the admin page and the widget send the
reader's language (`Accept-Language`), and `api/errors.py` passes every message through `localize`.
"""

from __future__ import annotations

import re
from typing import Any

# Whole messages, English → German.
EXACT: dict[str, str] = {
    # marshmallow's field and validator defaults
    "Missing data for required field.": "Pflichtfeld: bitte ausfüllen.",
    "Field may not be null.": "Darf nicht leer sein.",
    "Not a valid integer.": "Bitte eine ganze Zahl eingeben.",
    "Not a valid number.": "Bitte eine Zahl eingeben.",
    "Not a valid string.": "Bitte einen Text eingeben.",
    "Not a valid boolean.": "Bitte ja oder nein wählen.",
    "Not a valid datetime.": "Kein gültiger Zeitpunkt.",
    "Not a valid date.": "Kein gültiges Datum.",
    "Not a valid email address.": "Keine gültige E-Mail-Adresse.",
    "Not a valid URL.": "Keine gültige Adresse (URL).",
    "Not a valid list.": "Keine gültige Liste.",
    "Not a valid mapping type.": "Kein gültiges Objekt.",
    "Invalid input type.": "Ungültiger Eingabetyp.",
    "Invalid value.": "Ungültiger Wert.",
    "Invalid input.": "Ungültige Eingabe.",
    "Unknown field.": "Unbekanntes Feld.",
    "Number too large.": "Die Zahl ist zu groß.",
    "Special numeric values (nan or infinity) are not permitted.": "Sonderwerte (NaN, unendlich) sind nicht erlaubt.",
    "String does not match expected pattern.": "Das Format stimmt nicht.",
    # the domain's field messages
    "Must be 0 or more.": "Muss 0 oder größer sein.",
    "Must be more than 0.": "Muss größer als 0 sein.",
    "Must be more than 0 and at most 100.": "Muss größer als 0 und höchstens 100 sein.",
    "Must be 0 for free shipping.": "Muss bei Gratisversand 0 sein.",
    "A percentage is at most 100.": "Ein Prozentsatz darf höchstens 100 sein.",
    "At most 10,000: a larger coupon is most likely a typing slip.":
        "Höchstens 10.000: ein höherer Gutschein ist vermutlich ein Tippfehler.",
    "required": "Pflichtfeld: bitte ausfüllen.",
    "Must not be empty.": "Darf nicht leer sein.",
    "Keys must be unique.": "Schlüssel müssen eindeutig sein.",
    "Names must be unique.": "Namen müssen eindeutig sein.",
    "Must be higher than the previous tier's threshold.": "Muss höher als die Schwelle der vorigen Stufe sein.",
    "One translation per language.": "Eine Übersetzung je Sprache.",
    "must not be zero": "Darf nicht 0 sein.",
    "must be shorter than the expiry period": "muss kürzer als die Verfallsfrist sein",
    "a reason is required": "Bitte einen Grund angeben.",
    "must be a date in the past": "muss in der Vergangenheit liegen",
    "a whole number from 1 to 1000000": "eine ganze Zahl von 1 bis 1.000.000",
    "an amount": "ein Betrag",
    "a positive amount": "ein Betrag größer als 0",
    "1 to 365 days": "1 bis 365 Tage",
    "after the end of the period": "liegt nach dem Ende des Zeitraums",
    "after today": "liegt nach heute",
    "must be larger than a_share": "muss größer als der A-Anteil sein",
    "a tier key": "der Schlüssel einer Stufe",
    "one of A, B, C": "A, B oder C",
    "must be 'de' or 'en'": "muss 'de' oder 'en' sein",
    "a rating is 1 to 5 stars": "eine Bewertung hat 1 bis 5 Sterne",
    "rate at least one product": "bitte mindestens ein Produkt bewerten",
    "one rating per product": "eine Bewertung je Produkt",
    "0 to 10": "0 bis 10",
    "a coupon is valid for at least one day": "ein Gutschein gilt mindestens einen Tag",
    "inactivity expiry needs at least one month": "der Verfall nach Inaktivität braucht mindestens einen Monat",
    "per-lot expiry needs at least one month": "der Verfall je Gutschrift braucht mindestens einen Monat",
    "not enough available points": "nicht genug verfügbare Punkte",
    "a member number or an email address is required": "Bitte eine Mitgliedsnummer oder E-Mail-Adresse angeben",
    "sign in through Shopify or with a login link (command: loyalty admin-link SHOP)":
        "Bitte über Shopify oder mit einem Anmeldelink anmelden (Befehl: loyalty admin-link SHOP).",
    "missing the admin request header": "Der Admin-Header der Anfrage fehlt.",
    "the install state is unknown, used or expired; start the installation again":
        "Die Installation ist unbekannt, schon benutzt oder abgelaufen; bitte neu starten.",
    "the install state was issued for another shop": "Die Installation wurde für einen anderen Shop begonnen.",
    "the shop was not connected; start again": "Der Shop wurde nicht verbunden; bitte neu starten.",
    "The adjustment would take the balance below zero.": "Die Korrektur würde den Kontostand unter null bringen.",
    # the domain errors' own messages (the response's `message`)
    "Not found.": "Nicht gefunden.",
    "Unknown shop.": "Unbekannter Shop.",
    "Unknown member.": "Unbekanntes Mitglied.",
    "Unknown order.": "Unbekannte Bestellung.",
    "Unknown reward.": "Unbekannte Prämie.",
    "Conflicts with the current state.": "Widerspricht dem aktuellen Stand.",
    "This shop is already registered.": "Dieser Shop ist bereits registriert.",
    "Not enough points.": "Nicht genug Punkte.",
    "Already redeemed.": "Bereits eingelöst.",
    "This reward is not available.": "Diese Prämie ist gerade nicht verfügbar.",
    "The input is not valid.": "Die Eingabe ist nicht gültig.",
    "The payload is malformed.": "Die Daten sind fehlerhaft.",
    "The payload is too large.": "Die Daten sind zu groß.",
    "Authentication failed.": "Anmeldung fehlgeschlagen.",
    "The signature is missing or does not match.": "Die Signatur fehlt oder stimmt nicht.",
    "The store did not accept these API keys.": "Der Shop hat diese API-Schlüssel nicht angenommen.",
    "must be the shop's public internet address": "muss die öffentliche Internetadresse des Shops sein",
    "Not allowed.": "Nicht erlaubt.",
    "Too many requests.": "Zu viele Anfragen. Bitte einen Moment warten.",
    "The shop platform failed.": "Die Shop-Plattform hat einen Fehler gemeldet.",
    "The shop platform is not reachable right now.": "Die Shop-Plattform ist gerade nicht erreichbar.",
    "The shop platform refused the request.": "Die Shop-Plattform hat die Anfrage abgelehnt.",
    "The shop has not granted the app the access this needs.":
        "Der Shop hat der App die dafür nötige Berechtigung nicht erteilt.",
    "This shop is not connected to its platform yet.": "Dieser Shop ist noch nicht mit seiner Plattform verbunden.",
    "The shop is not connected to its platform yet, so it cannot issue codes.":
        "Der Shop ist noch nicht mit seiner Plattform verbunden und kann daher keine Codes ausgeben.",
    "Rewards cannot be redeemed in this shop right now. Please try again later.":
        "In diesem Shop können gerade keine Prämien eingelöst werden. Bitte später erneut versuchen.",
    "This link has expired or is not valid.": "Dieser Link ist abgelaufen oder ungültig.",
    "This link has expired.": "Dieser Link ist abgelaufen.",
    "The tier program is not valid.": "Das Stufenprogramm ist nicht gültig.",
    "The reward is not valid.": "Die Prämie ist nicht gültig.",
    "The review is not complete.": "Die Bewertung ist noch nicht vollständig.",
    "The next-purchase rule is not valid.": "Die Regel für den Gutschein zum nächsten Einkauf ist nicht gültig.",
    "The email texts are not valid.": "Die E-Mail-Texte sind nicht gültig.",
    "The email settings are not valid.": "Die E-Mail-Einstellungen sind nicht gültig.",
    # the sender of a shop's emails (domain/email_sender.py)
    "The sender is not valid.": "Der Absender ist nicht gültig.",
    "The sender name is not valid.": "Der Absendername ist nicht gültig.",
    "The reply address is not valid.": "Die Antwortadresse ist nicht gültig.",
    "No line breaks or control characters.": "Bitte ohne Zeilenumbrüche und Steuerzeichen.",
    "One email address only.": "Bitte nur eine E-Mail-Adresse angeben.",
    "Write the subject and the text in this language, or neither.":
        "Bitte Betreff und Text in dieser Sprache schreiben – oder keines von beiden.",
    'A text, or one text per language: {"de": …, "en": …}.':
        'Ein Text oder ein Text je Sprache: {"de": …, "en": …}.',
    "The service is temporarily unavailable.": "Der Dienst ist vorübergehend nicht erreichbar.",
    "An unexpected error occurred.": "Ein unerwarteter Fehler ist aufgetreten.",
    "A value is out of range or contains characters that cannot be stored.":
        "Ein Wert liegt außerhalb des zulässigen Bereichs oder enthält Zeichen, die nicht gespeichert werden können.",
    "Please sign in to your customer account first.": "Bitte zuerst im Kundenkonto anmelden.",
    "the request is too old (or from the future)": "Die Anfrage ist zu alt (oder aus der Zukunft).",
    "the shop parameter is missing": "Der Parameter shop fehlt.",
    "A parameter that may appear once is repeated.":
        "Ein Parameter, der nur einmal vorkommen darf, kommt mehrfach vor.",
    "the timestamp is missing or malformed": "Der Zeitstempel fehlt oder ist fehlerhaft.",
    "unknown shop": "Unbekannter Shop.",
    "the period must start before it ends": "Der Zeitraum muss vor seinem Ende beginnen.",
    "the period must not start after today": "Der Zeitraum darf nicht nach heute beginnen.",
    "the period is out of range": "Der Zeitraum liegt außerhalb des möglichen Bereichs.",
    "unknown segment": "Unbekanntes Segment.",
    "unknown campaign": "Unbekannte Kampagne.",
    "unknown referral": "Unbekannte Empfehlung.",
    "invalid coupon": "Der Gutschein ist nicht gültig.",
    "invalid filter": "Der Filter ist nicht gültig.",
    "This shop is not active.": "Dieser Shop ist nicht aktiv.",
    "Unknown message.": "Unbekannte Nachricht.",
    "The shop refused the code; your points have been returned.":
        "Der Shop hat den Code abgelehnt; die Punkte wurden zurückgebucht.",
    "A code needs a shopper it can be restricted to.":
        "Ein Code braucht eine Kundin oder einen Kunden, auf die oder den er beschränkt werden kann.",
    "WooCommerce shops need a webhook secret, consumer key and consumer secret.":
        "WooCommerce-Shops brauchen ein Webhook-Secret, einen Consumer Key und ein Consumer Secret.",
    # signing in: App Bridge session tokens and login links (services/admin_sessions.py)
    "The session token has expired.": "Das Sitzungstoken ist abgelaufen.",
    "The session token was issued for another app.": "Das Sitzungstoken wurde für eine andere App ausgestellt.",
    "The session token is not valid yet.": "Das Sitzungstoken ist noch nicht gültig.",
    "The session token is not valid.": "Das Sitzungstoken ist ungültig.",
    "The session token's signature does not match.": "Die Signatur des Sitzungstokens stimmt nicht.",
    "The session token's issuer and destination name different shops.":
        "Aussteller und Ziel des Sitzungstokens nennen verschiedene Shops.",
    "The session token names no myshopify.com shop.": "Das Sitzungstoken nennt keinen myshopify.com-Shop.",
    "This login link is not valid.": "Dieser Anmeldelink ist ungültig.",
    "This login link was already used.": "Dieser Anmeldelink wurde schon benutzt.",
    "This login link has expired. Create a new one with the command “loyalty admin-link SHOP”.":
        "Dieser Anmeldelink ist abgelaufen. Bitte mit dem Befehl „loyalty admin-link SHOP“ einen neuen erstellen.",
    # installing (api/auth.py)
    "The install state does not match this browser. Please start the installation again.":
        "Die Installation passt nicht zu diesem Browser. Bitte die Installation neu starten.",
    "Send the App Bridge session token as a Bearer token.":
        "Bitte das App-Bridge-Sitzungstoken als Bearer-Token senden.",
    "This browser did not start the connection. Please start again.":
        "Dieser Browser hat die Verbindung nicht begonnen. Bitte neu starten.",
    "The request is not signed by Shopify.": "Die Anfrage ist nicht von Shopify signiert.",
    "The request carries no valid timestamp.": "Die Anfrage hat keinen gültigen Zeitstempel.",
    "The signed request is too old or dated in the future.":
        "Die signierte Anfrage ist zu alt oder in die Zukunft datiert.",
    # webhook deliveries' field errors (platforms/shopify, platforms/woocommerce, platforms/payload.py)
    "is required": "ist erforderlich",
    "not valid JSON": "ist kein gültiges JSON",
    "must be a JSON object": "muss ein JSON-Objekt sein",
    "must be a list of ids": "muss eine Liste von IDs sein",
    "must be the shop URL": "muss die Adresse des Shops sein",
    "must be an object": "muss ein Objekt sein",
    "must be a list of objects": "muss eine Liste von Objekten sein",
    "must be an id": "muss eine ID sein",
    "amount out of range": "Betrag außerhalb des zulässigen Bereichs",
    "must not be negative": "darf nicht negativ sein",
    "must be a whole number between 0 and 1000000": "muss eine ganze Zahl zwischen 0 und 1.000.000 sein",
    "must be an ISO-8601 timestamp": "muss ein Zeitpunkt im ISO-8601-Format sein",
    "must be a three-letter currency code": "muss ein dreistelliger Währungscode sein",
    "missing amount": "Betrag fehlt",
    "amount is a boolean": "Betrag ist ein Wahrheitswert, keine Zahl",
    # the admin's other areas: inbox, privacy, sync, referrals, campaigns, segments, exports, imports, shops
    "Unknown webhook delivery.": "Unbekannte Webhook-Zustellung.",
    "Only a failed delivery can be retried.": "Nur eine fehlgeschlagene Zustellung kann erneut verarbeitet werden.",
    "Unknown data export.": "Unbekannter Datenexport.",
    "Type the shop's address to confirm.": "Zur Bestätigung bitte die Adresse des Shops eingeben.",
    "type the shop's address exactly": "Bitte die Adresse des Shops genau eingeben.",
    "Unknown sync run.": "Unbekannter Abgleich.",
    "A sync of this shop is running already.": "Ein Abgleich dieses Shops läuft bereits.",
    "Only a flagged referral waits for a decision.": "Nur eine markierte Empfehlung wartet auf eine Entscheidung.",
    "unknown action": "Unbekannte Aktion.",
    "This campaign has already finished.": "Diese Kampagne ist bereits beendet.",
    "bonus points?": "Wie viele Bonuspunkte?",
    "message text?": "Welcher Nachrichtentext?",
    "unknown A/B/C class": "Unbekannte A/B/C-Klasse.",
    "unknown RFM group": "Unbekannte RFM-Gruppe.",
    "which tier?": "Welche Stufe?",
    "A must end before B": "A muss vor B enden",
    "unknown export": "Unbekannter Export.",
    "members, ledger or segment": "members, ledger oder segment",
    "A, B, C, an RFM group, tier:<key> or all": "A, B, C, eine RFM-Gruppe, tier:<Schlüssel> oder all",
    "The files have errors; nothing was imported.": "Die Dateien enthalten Fehler; es wurde nichts importiert.",
    "unknown platform": "Unbekannte Plattform.",
    "shopify or woocommerce": "shopify oder woocommerce",
    "must be 'shopify' or 'woocommerce'": "muss 'shopify' oder 'woocommerce' sein",
    "must be a {name}.myshopify.com domain": "muss eine {name}.myshopify.com-Domain sein",
    "must be an http(s) URL": "muss eine http(s)-Adresse sein",
    "Send the body as JSON (Content-Type: application/json).":
        "Bitte den Inhalt als JSON senden (Content-Type: application/json).",
    # what shoppers meet: the widget, referral links, review pages
    "The birthday can be changed only once a year.": "Der Geburtstag kann nur einmal im Jahr geändert werden.",
    "This referral link is not valid.": "Dieser Empfehlungslink ist ungültig.",
    "This order can no longer be reviewed.": "Diese Bestellung kann nicht mehr bewertet werden.",
    # werkzeug's and flask-smorest's descriptions
    "The request was well-formed but was unable to be followed due to semantic errors.":
        "Die Eingaben sind nicht gültig.",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
    "and try again.": "Diese Adresse gibt es nicht.",
    "The method is not allowed for the requested URL.": "Diese Methode ist für diese Adresse nicht erlaubt.",
}

# marshmallow's and webargs' terse defaults (and the domain's bare "required") in plain English for the
# English admin page and widget; German readers get the EXACT texts above. Other English messages are
# readable as they are.
ENGLISH: dict[str, str] = {
    "must not be zero": "Must not be 0.",
    "a reason is required": "Please give a reason.",
    "type the shop's address exactly": "Type the shop's address exactly.",
    "Missing data for required field.": "Required: please fill in.",
    "required": "Required: please fill in.",
    "Field may not be null.": "Must not be empty.",
    "Not a valid integer.": "Please enter a whole number.",
    "Not a valid number.": "Please enter a number.",
    "Not a valid string.": "Please enter a text.",
    "Not a valid boolean.": "Please choose yes or no.",
    "Not a valid datetime.": "Please enter a valid date and time.",
    "Not a valid date.": "Please enter a valid date.",
    "Not a valid email address.": "Please enter a valid email address.",
    "Not a valid URL.": "Please enter a valid web address (URL).",
    "Not a valid list.": "Please send a list.",
    "Not a valid mapping type.": "Please send an object.",
    "Invalid input type.": "This kind of input is not accepted here.",
    "Invalid value.": "This value is not accepted.",
    "Invalid input.": "This input is not accepted.",
    "Unknown field.": "This field is not known here.",
    "Number too large.": "The number is too large.",
    "Special numeric values (nan or infinity) are not permitted.": "Special values (NaN, infinity) are not allowed.",
    "String does not match expected pattern.": "The format is not right.",
    "Shorter than minimum length 1.": "Must not be empty.",
    # the services' terse refusals, as sentences
    "unknown shop": "Unknown shop.",
    "unknown segment": "Unknown segment.",
    "unknown campaign": "Unknown campaign.",
    "unknown referral": "Unknown referral.",
    "the request is too old (or from the future)": "The request is too old (or dated in the future).",
    "the shop parameter is missing": "The shop parameter is missing.",
    "the timestamp is missing or malformed": "The timestamp is missing or malformed.",
    "the install state is unknown, used or expired; start the installation again":
        "This installation is unknown, already used or expired. Please start the installation again.",
    "the install state was issued for another shop": "This installation was started for another shop.",
    "the shop was not connected; start again": "The shop was not connected. Please start again.",
    "the period must start before it ends": "The period must start before it ends.",
    "the period must not start after today": "The period must not start after today.",
    "the period is out of range": "The period is out of range.",
}
ENGLISH_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), english)
    for pattern, english in (
        (r"Must be one of: (?P<choices>.+)\.", "Please choose one of: {choices}."),
        (r"Shorter than minimum length (?P<min>\d+)\.", "At least {min} characters."),
        (r"Longer than maximum length (?P<max>\d+)\.", "At most {max} characters."),
        (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "{min} to {max} characters."),
        (r"Length must be (?P<equal>\d+)\.", "Exactly {equal} characters."),
    )
)

# Messages with values in them: a pattern and its German, with the pattern's named groups.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), german)
    for pattern, german in (
        (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
         "Muss zwischen {min} und {max} liegen."),
        (r"Must be greater than (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
         "Muss größer als {min} und höchstens {max} sein."),
        (r"Must be greater than or equal to (?P<min>\S+) and less than (?P<max>\S+)\.",
         "Muss mindestens {min} und kleiner als {max} sein."),
        (r"Must be greater than (?P<min>\S+) and less than (?P<max>\S+)\.",
         "Muss größer als {min} und kleiner als {max} sein."),
        (r"Must be greater than or equal to (?P<min>\S+)\.", "Muss mindestens {min} sein."),
        (r"Must be less than or equal to (?P<max>\S+)\.", "Darf höchstens {max} sein."),
        (r"Must be greater than (?P<min>\S+)\.", "Muss größer als {min} sein."),
        (r"Must be less than (?P<max>\S+)\.", "Muss kleiner als {max} sein."),
        (r"Must be between (?P<min>\S+) and (?P<max>\S+)\.", "Muss zwischen {min} und {max} liegen."),
        (r"Shorter than minimum length (?P<min>\d+)\.", "Mindestens {min} Zeichen."),
        (r"Longer than maximum length (?P<max>\d+)\.", "Höchstens {max} Zeichen."),
        (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "{min} bis {max} Zeichen."),
        (r"Length must be (?P<equal>\d+)\.", "Genau {equal} Zeichen."),
        (r"Must be one of: (?P<choices>.+)\.", "Erlaubt: {choices}."),
        (r"At most (?P<max>\d+) tiers\.", "Höchstens {max} Stufen."),
        (r"At most (?P<max>\d+) characters\.", "Höchstens {max} Zeichen."),
        (r"At most (?P<max>\d+) perks\.", "Höchstens {max} Vorteile."),
        (r"Each perk at most (?P<max>\d+) characters\.", "Jeder Vorteil höchstens {max} Zeichen."),
        (r"Languages must be one of: (?P<choices>.+)\.", "Erlaubte Sprachen: {choices}."),
        (r"one of (?P<choices>.+)", "eines von: {choices}"),
        (r"unknown product (?P<product>.+)", "unbekanntes Produkt {product}"),
        (r"not an amount: (?P<value>[\s\S]*)", "kein Betrag: {value}"),
        (r"not a finite amount: (?P<value>[\s\S]*)", "kein endlicher Betrag: {value}"),
        # placeholders in email texts (domain/email_texts.py); literal braces are doubled for `format`
        (r"Write (?P<single>\{\w+\}) with single braces, not (?P<double>\{\{\w+\}\})\.",
         "Bitte {single} mit einfachen geschweiften Klammern schreiben, nicht {double}."),
        (r"Unknown placeholder (?P<name>[\s\S]+?)\. Allowed: (?P<allowed>[^\n]*)\.",
         "Unbekannter Platzhalter {name}. Erlaubt: {allowed}."),
        (r"This email has no (?P<name>\{\w+\})\. Allowed: (?P<allowed>[^\n]*)\.",
         "Diese E-Mail kennt den Platzhalter {name} nicht. Erlaubt: {allowed}."),
        (r"The placeholder (?P<name>[\s\S]+?) is not closed with a \}\. Allowed: (?P<allowed>[^\n]*)\.",
         "Dem Platzhalter {name} fehlt die schließende }}. Erlaubt: {allowed}."),
        (r"A \} closes no placeholder\. Allowed: (?P<allowed>[^\n]*)\.",
         "Eine }} schließt keinen Platzhalter. Erlaubt: {allowed}."),
        (r"A \{ opens no placeholder\. Allowed: (?P<allowed>[^\n]*)\.",
         "Eine {{ öffnet keinen Platzhalter. Erlaubt: {allowed}."),
    )
)


def localize(text: str, locale: str) -> str:
    """`text` in `locale`: German where a translation is known; else English, marshmallow's terse defaults
    reworded (ENGLISH), everything else as it is."""
    german = locale == "de"
    known = (EXACT if german else ENGLISH).get(text)
    if known is not None:
        return known
    for pattern, translated in PATTERNS if german else ENGLISH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            values = match.groupdict()
            if german:  # "zwischen -1.000.000 und 1.000.000", as German readers group digits
                values = {key: _german_number(value) for key, value in values.items()}
            return translated.format(**values)
    return text


def _german_number(value: str) -> str:
    # Only bare integers of five or more digits (bounds in messages); anything else is left as it is.
    if not re.fullmatch(r"-?\d{5,}", value):
        return value
    return f"{int(value):,}".replace(",", ".")


def localize_errors(errors: Any, locale: str) -> Any:
    """Per-field errors (nested dicts and lists of messages) with every message localized."""
    if isinstance(errors, str):
        return localize(errors, locale)
    if isinstance(errors, dict):
        return {key: localize_errors(value, locale) for key, value in errors.items()}
    if isinstance(errors, list):
        return [localize_errors(value, locale) for value in errors]
    return errors
