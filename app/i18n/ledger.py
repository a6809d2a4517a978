"""Readable reasons for ledger entries."""

MESSAGES = {
    "ledger.order_paid": {"de": "Bestellung {name}", "en": "Order {name}"},
    "ledger.order_refunded": {"de": "Erstattung zu Bestellung {name}", "en": "Refund of order {name}"},
    "ledger.order_cancelled": {"de": "Stornierung von Bestellung {name}", "en": "Order {name} cancelled"},
    "ledger.manual": {"de": "Manuelle Anpassung", "en": "Manual adjustment"},
}
