"""Texts of the `loyalty` command a merchant reads: `members show`, `report` and `admin-link`, German and English.

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
    "cli.members.lot_pending": {"de": "ausstehend", "en": "pending"},
    "cli.members.lot_available": {"de": "verfügbar", "en": "available"},
    "cli.members.lot_expires": {"de": "verfällt {date}", "en": "expires {date}"},
    "cli.members.ledger": {"de": "Punkteverlauf (neueste zuerst):", "en": "ledger (newest first):"},
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
