"""Texts of the `loyalty` command a merchant reads: `members show`, `report`, `admin-link` and `inbox list`, German
and English.

The English texts are what the commands printed before they spoke German, so scripts that read them keep working.
The words follow the admin page's (Kontostand, davon ausstehend, einlösbar, Punktepakete, Punkteverlauf).
"""

MESSAGES = {
    "cli.members.member": {"de": "Mitglied {id}", "en": "member {id}"},
    "cli.members.points": {
        "de": "Kontostand {balance}  davon ausstehend {pending}  einlösbar {spendable}",
        "en": "balance {balance}  pending {pending}  spendable {spendable}",
    },
    "cli.members.tier": {"de": "Stufe {name} ({code})", "en": "tier {name} ({code})"},
    "cli.members.no_tier": {"de": "ohne Stufe", "en": "tier none"},
    "cli.members.lots": {"de": "Punktepakete:", "en": "lots:"},
    "cli.members.lot_available": {"de": "verfügbar", "en": "available"},
    "cli.members.lot_expires": {"de": "verfällt {date}", "en": "expires {date}"},
    "cli.members.lot_no_expiry": {"de": "verfällt nicht", "en": "does not expire"},
    "cli.members.lot_pending_until": {"de": "ausstehend bis {date}", "en": "pending until {date}"},
    "cli.members.lot_expired": {"de": "verfallen", "en": "expired"},
    "cli.members.lot_used_up": {"de": "aufgebraucht", "en": "used up"},
    "cli.members.lot_taken_back_refunded": {"de": "zurückgenommen (Bestellung erstattet)",
                                            "en": "taken back (order refunded)"},
    "cli.members.lot_taken_back_cancelled": {"de": "zurückgenommen (Bestellung storniert)",
                                             "en": "taken back (order cancelled)"},
    "cli.members.ledger": {"de": "Punkteverlauf (neueste zuerst):", "en": "ledger (newest first):"},
    "cli.inbox.none_failed": {"de": "Keine fehlgeschlagenen Zustellungen.", "en": "No failed deliveries."},
    "cli.inbox.none_processed": {"de": "Keine verarbeiteten Zustellungen.", "en": "No processed deliveries."},
    "cli.inbox.none_ignored": {"de": "Keine ignorierten Zustellungen.", "en": "No ignored deliveries."},
    "cli.inbox.more": {"de": "die ersten {shown} von {total} gezeigt; mehr mit --limit",
                       "en": "showing the first {shown} of {total}; use --limit for more"},
    "cli.admin_link.valid": {"de": "gilt einmal und {minutes} Minuten lang", "en": "valid once, for {minutes} minutes"},
    "cli.report.section.retention": {"de": "Kundenbindung", "en": "Retention"},
    "cli.report.section.value": {"de": "Bestellungen und Kundenwert", "en": "Orders and value"},
    "cli.report.section.programme": {"de": "Treueprogramm", "en": "Loyalty programme"},
    "cli.report.section.segments": {"de": "A/B/C-Segmente", "en": "A/B/C segments"},
    "cli.report.section.forecast": {"de": "Verfallsprognose", "en": "Expiry forecast"},
    "cli.report.points": {"de": "Punkte", "en": "points"},
    "cli.report.members.one": {"de": "1 Mitglied", "en": "1 member"},
    "cli.report.members.other": {"de": "{count} Mitglieder", "en": "{count} members"},
}
