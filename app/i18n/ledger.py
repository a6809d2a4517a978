"""Readable reasons for ledger entries (the merchant's member history): `ledger.<reason>` for every reason the
services post; a manual adjustment's reason is the merchant's own text. The shopper's widget labels rows by
kind instead (`storefront.history.<kind>[.<reason>]` in `storefront.py`)."""

MESSAGES = {
    "ledger.order_paid": {"de": "Bestellung {name}", "en": "Order {name}"},
    "ledger.order_refunded": {"de": "Erstattung zu Bestellung {name}", "en": "Refund of order {name}"},
    "ledger.order_cancelled": {"de": "Stornierung von Bestellung {name}", "en": "Order {name} cancelled"},
    "ledger.manual": {"de": "Manuelle Anpassung", "en": "Manual adjustment"},
    "ledger.review": {"de": "Bewertung zu Bestellung {name}", "en": "Review of order {name}"},
    "ledger.referral": {"de": "Empfehlung: Freund hat bestellt", "en": "Referral: friend placed an order"},
    "ledger.signup": {"de": "Willkommensbonus (Konto erstellt)", "en": "Welcome bonus (account created)"},
    "ledger.newsletter": {"de": "Newsletter-Anmeldung", "en": "Newsletter sign-up"},
    "ledger.birthday": {"de": "Geburtstagsbonus", "en": "Birthday bonus"},
    "ledger.campaign": {"de": "Bonuspunkte aus einer Kampagne", "en": "Campaign bonus points"},
}
