"""Texts of the storefront: earning labels, readable ledger history, the referral landing page."""

MESSAGES = {
    "storefront.points_per_amount_one": {"de": "1 Punkt pro {amount}", "en": "1 point per {amount}"},
    "storefront.points_per_amount": {"de": "{points} Punkte pro {amount}", "en": "{points} points per {amount}"},
    "storefront.earn.signup": {"de": "Konto erstellen", "en": "Create an account"},
    "storefront.earn.newsletter": {"de": "Newsletter abonnieren", "en": "Subscribe to the newsletter"},
    "storefront.earn.birthday": {"de": "Geburtstag", "en": "Birthday"},
    "storefront.earn.review": {"de": "Bewertung schreiben", "en": "Write a review"},
    "storefront.earn.referral": {"de": "Freunde werben", "en": "Refer a friend"},
    "storefront.history.earn": {"de": "Bestellung", "en": "Order"},
    "storefront.history.reverse": {"de": "Rückbuchung", "en": "Reversal"},
    "storefront.history.redeem": {"de": "Prämie eingelöst", "en": "Reward redeemed"},
    "storefront.history.redeem_refund": {"de": "Punkte zurückerstattet", "en": "Points returned"},
    "storefront.history.expire": {"de": "Punkte verfallen", "en": "Points expired"},
    "storefront.history.adjust": {"de": "Manuelle Anpassung", "en": "Manual adjustment"},
    "storefront.history.bonus": {"de": "Bonuspunkte", "en": "Bonus points"},
    "storefront.history.bonus.newsletter": {"de": "Newsletter-Anmeldung", "en": "Newsletter sign-up"},
    "storefront.history.bonus.tier_entry": {"de": "Willkommensbonus der neuen Stufe", "en": "Welcome to your new tier"},
    "storefront.history.bonus.campaign": {"de": "Aktion", "en": "Promotion"},
    "storefront.history.signup": {"de": "Konto erstellt", "en": "Account created"},
    "storefront.history.birthday": {"de": "Geburtstag", "en": "Birthday"},
    "storefront.history.referral": {"de": "Freund geworben", "en": "Friend referred"},
    "storefront.history.review": {"de": "Bewertung geschrieben", "en": "Review written"},
    "storefront.history.other": {"de": "Punkte", "en": "Points"},
    # What a coupon in the widget's "My rewards" is, when no reward name or campaign title says it.
    "storefront.coupon.redemption": {"de": "Eingelöste Prämie", "en": "Redeemed reward"},
    "storefront.coupon.next_purchase": {"de": "Dankeschön-Gutschein", "en": "Thank-you coupon"},
    "storefront.coupon.tier_entry": {"de": "Willkommensgeschenk der neuen Stufe", "en": "Your new tier's welcome gift"},
    "storefront.coupon.referral": {"de": "Empfehlungsgutschein", "en": "Referral coupon"},
    "storefront.coupon.campaign": {"de": "Aktionsgutschein", "en": "Promotion coupon"},
    "storefront.coupon.other": {"de": "Gutschein", "en": "Coupon"},
    "storefront.referral.title": {"de": "Du wurdest eingeladen", "de_sie": "Sie wurden eingeladen",
                                  "en": "You have been invited"},
    "storefront.referral.intro": {
        "de": "{name} lädt dich zu {shop} ein. Hinterlasse deine E-Mail-Adresse: Nach deiner ersten Bestellung "
        "bekommst du einen Willkommensgutschein.",
        "de_sie": "{name} lädt Sie zu {shop} ein. Hinterlassen Sie Ihre E-Mail-Adresse: Nach Ihrer ersten "
        "Bestellung bekommen Sie einen Willkommensgutschein.",
        "en": "{name} invites you to {shop}. Leave your email address: after your first order you get a welcome "
        "coupon.",
    },
    "storefront.referral.welcome": {"de": "Dein Willkommensgutschein: {coupon}",
                                    "de_sie": "Ihr Willkommensgutschein: {coupon}",
                                    "en": "Your welcome coupon: {coupon}"},
    "storefront.referral.minimum": {"de": " ab {minimum} Bestellwert", "en": " on orders from {minimum}"},
    "storefront.referral.email": {"de": "E-Mail-Adresse", "en": "Email address"},
    "storefront.referral.submit": {"de": "Einladung annehmen", "en": "Accept the invitation"},
    "storefront.referral.thanks": {
        "de": "Danke! Bestelle mit {email}, dann kommt dein Willkommensgutschein nach der ersten Bestellung.",
        "de_sie": "Danke! Bestellen Sie mit {email}, dann kommt Ihr Willkommensgutschein nach der ersten "
        "Bestellung.",
        "en": "Thank you! Order with {email} and your welcome coupon follows your first order.",
    },
    "storefront.referral.to_shop": {"de": "Zum Shop", "en": "Go to the shop"},
    "storefront.referral.invalid": {
        "de": "Dieser Einladungslink ist nicht gültig.",
        "en": "This invitation link is not valid.",
    },
    "storefront.referral.bad_email": {
        "de": "Bitte gib eine gültige E-Mail-Adresse ein.",
        "de_sie": "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
        "en": "Please enter a valid email address.",
    },
    "storefront.referral.someone": {"de": "Ein Freund", "en": "A friend"},
}
