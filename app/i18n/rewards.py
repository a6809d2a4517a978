"""Texts of the rewards area: tier progress, coupon titles, ledger reasons of redemptions and expiry."""

MESSAGES = {
    "rewards.tier_top": {"de": "Höchste Stufe erreicht", "en": "Top tier reached"},
    "rewards.tier_remaining_spend": {"de": "noch {amount} bis {tier}", "en": "{amount} to go to {tier}"},
    "rewards.tier_remaining_points": {"de": "noch {points} Punkte bis {tier}", "en": "{points} more points to {tier}"},
    "rewards.next_purchase_title": {
        "de": "Dankeschön-Gutschein: {label} (Bestellung {order})",
        "en": "Thank-you coupon: {label} (order {order})",
    },
    "rewards.coupon_rejected": {
        "de": "Der Shop hat den Gutschein abgelehnt; die Punkte wurden zurückgebucht.",
        "en": "The shop refused the code; your points have been returned.",
    },
    "ledger.reward_redeemed": {"de": "Prämie eingelöst", "en": "Reward redeemed"},
    "ledger.coupon_failed": {"de": "Gutschein nicht erstellt: Punkte zurück", "en": "Coupon not created: points back"},
    "ledger.coupon_expired": {"de": "Gutschein abgelaufen: Punkte zurück", "en": "Coupon expired: points back"},
    "ledger.points_expired": {"de": "Punkte verfallen", "en": "Points expired"},
    "ledger.points_expired_inactivity": {
        "de": "Punkte verfallen (keine Bestellung seit langem)",
        "en": "Points expired (no order for a long time)",
    },
    "ledger.tier_entry": {"de": "Willkommensbonus der neuen Stufe", "en": "New tier welcome bonus"},
}
