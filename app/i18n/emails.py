"""Email subjects and intros (defaults the merchant may override), the review page and the unsubscribe page.

"de" addresses the shopper as "du"; "de_sie" is the polite form, for shops that say "Sie" (email settings),
where the text addresses the shopper at all.
"""

MESSAGES = {
    # Subjects and intros per message kind; which placeholders each kind fills in: domain/email_texts.py
    "emails.thank_you.subject": {
        "de": "Vielen Dank für deinen Einkauf, {first_name}!",
        "de_sie": "Vielen Dank für Ihren Einkauf, {first_name}!",
        "en": "Thank you for your purchase, {first_name}!",
    },
    "emails.thank_you.intro": {
        "de": "vielen Dank für deine Bestellung {order} bei {shop}. Wir freuen uns sehr!",
        "de_sie": "vielen Dank für Ihre Bestellung {order} bei {shop}. Wir freuen uns sehr!",
        "en": "Thank you for your order {order} at {shop}. We are delighted!",
    },
    "emails.review_request.subject": {
        "de": "Wie gefällt dir dein Einkauf bei {shop}?",
        "de_sie": "Wie gefällt Ihnen Ihr Einkauf bei {shop}?",
        "en": "How do you like your purchase from {shop}?",
    },
    "emails.review_request.intro": {
        "de": "deine Bestellung {order} ist hoffentlich gut angekommen. Wir würden uns über deine Bewertung "
              "freuen – sie dauert nur eine Minute.",
        "de_sie": "Ihre Bestellung {order} ist hoffentlich gut angekommen. Wir würden uns über Ihre Bewertung "
                  "freuen – sie dauert nur eine Minute.",
        "en": "We hope your order {order} arrived safely. We would love to hear what you think – it only takes "
              "a minute.",
    },
    "emails.review_reminder.subject": {
        "de": "Eine Minute für deine Bewertung?",
        "de_sie": "Eine Minute für Ihre Bewertung?",
        "en": "A minute for your review?",
    },
    "emails.review_reminder.intro": {
        "de": "vor ein paar Tagen haben wir dich um deine Meinung zu Bestellung {order} gebeten. Deine "
              "Bewertung hilft anderen Kundinnen und Kunden sehr.",
        "de_sie": "vor ein paar Tagen haben wir Sie um Ihre Meinung zu Bestellung {order} gebeten. Ihre Bewertung "
                  "hilft anderen Kundinnen und Kunden sehr.",
        "en": "A few days ago we asked for your opinion on order {order}. Your review really helps other shoppers.",
    },
    "emails.points_expiring.subject": {
        "de": "Deine {points} Punkte verfallen bald",
        "de_sie": "Ihre {points} Punkte verfallen bald",
        "en": "Your {points} points expire soon",
    },
    "emails.points_expiring.intro": {
        # true whether some or all of the balance expires (a one-order member's usually all of it)
        "de": "auf deinem Punktekonto bei {shop} verfallen bald Punkte. Löse sie rechtzeitig ein!",
        "de_sie": "auf Ihrem Punktekonto bei {shop} verfallen bald Punkte. Lösen Sie sie rechtzeitig ein!",
        "en": "Points in your {shop} account expire soon. Redeem them in time!",
    },
    "emails.tier_upgrade.subject": {
        "de": "Glückwunsch: Du bist jetzt {tier}!",
        "de_sie": "Glückwunsch: Sie sind jetzt {tier}!",
        "en": "Congratulations: you are now {tier}!",
    },
    "emails.tier_upgrade.intro": {
        "de": "du hast eine neue Stufe im Treueprogramm von {shop} erreicht.",
        "de_sie": "Sie haben eine neue Stufe im Treueprogramm von {shop} erreicht.",
        "en": "You have reached a new tier in the {shop} loyalty program.",
    },
    "emails.reward_issued.subject": {
        "de": "Dein Gutschein: {reward}",
        "de_sie": "Ihr Gutschein: {reward}",
        "en": "Your coupon: {reward}",
    },
    "emails.reward_issued.intro": {
        "de": "hier ist deine Prämie von {shop}.",
        "de_sie": "hier ist Ihre Prämie von {shop}.",
        "en": "Here is your reward from {shop}.",
    },
    "emails.referral_rewarded.subject": {
        "de": "Danke für deine Empfehlung: {reward} für dich",
        "de_sie": "Danke für Ihre Empfehlung: {reward} für Sie",
        "en": "Thanks for your referral: {reward} for you",
    },
    "emails.referral_rewarded.intro": {
        "de": "deine Empfehlung hat sich gelohnt: Jemand, den du eingeladen hast, hat bei {shop} eingekauft.",
        "de_sie": "Ihre Empfehlung hat sich gelohnt: Jemand, den Sie eingeladen haben, hat bei {shop} eingekauft.",
        "en": "Your referral paid off: someone you invited has shopped at {shop}.",
    },
    "emails.campaign.subject": {"de": "Neuigkeiten von {shop}", "en": "News from {shop}"},
    "emails.campaign.intro": {"de": "", "en": ""},
    # What each placeholder stands for (the admin page's help beside the texts; domain/email_texts.py has which
    # kind fills in which)
    "emails.placeholder.first_name": {"de": "Vorname", "en": "first name"},
    "emails.placeholder.shop": {"de": "Name des Shops", "en": "shop name"},
    "emails.placeholder.order": {"de": "Bestellnummer", "en": "order number"},
    "emails.placeholder.points_earned": {"de": "Punkte für diese Bestellung", "en": "points for this order"},
    "emails.placeholder.balance": {"de": "Punktestand", "en": "points balance"},
    "emails.placeholder.review_points": {"de": "Punkte für eine Bewertung", "en": "points for a review"},
    "emails.placeholder.points": {"de": "verfallende Punkte", "en": "expiring points"},
    "emails.placeholder.tier": {"de": "neue Stufe", "en": "new tier"},
    "emails.placeholder.reward": {"de": "Prämie", "en": "reward"},
    "emails.placeholder.code": {"de": "Gutscheincode", "en": "coupon code"},
    # Names of the kinds (admin page)
    "emails.kind.thank_you": {"de": "Danke-E-Mail nach dem Kauf", "en": "Thank-you email after purchase"},
    "emails.kind.review_request": {"de": "Bewertungsanfrage", "en": "Review request"},
    "emails.kind.review_reminder": {"de": "Erinnerung an die Bewertung", "en": "Review reminder"},
    "emails.kind.points_expiring": {"de": "Punkte verfallen bald", "en": "Points expiring"},
    "emails.kind.tier_upgrade": {"de": "Neue Stufe", "en": "Tier upgrade"},
    "emails.kind.reward_issued": {"de": "Prämie / Gutschein", "en": "Reward / coupon issued"},
    "emails.kind.referral_rewarded": {"de": "Empfehlung belohnt", "en": "Referral rewarded"},
    "emails.kind.campaign": {"de": "Kampagne", "en": "Campaign"},
    # Review page
    "emails.review.title": {"de_sie": "Ihre Bewertung", "de": "Deine Bewertung", "en": "Your review"},
    "emails.review.heading": {
        "de": "Wie gefällt dir deine Bestellung {order}?",
        "de_sie": "Wie gefällt Ihnen Ihre Bestellung {order}?",
        "en": "How do you like your order {order}?",
    },
    "emails.review.stars": {"de": "{n} von 5 Sternen", "en": "{n} of 5 stars"},
    "emails.review.text": {
        "de": "Deine Meinung (optional)",
        "de_sie": "Ihre Meinung (optional)",
        "en": "Your opinion (optional)",
    },
    "emails.review.recommend": {
        "de": "Wie wahrscheinlich ist es, dass du uns weiterempfiehlst? (0 = gar nicht, 10 = sehr wahrscheinlich)",
        "de_sie": "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen? (0 = gar nicht, 10 = sehr wahrscheinlich)",
        "en": "How likely are you to recommend us? (0 = not at all, 10 = extremely likely)",
    },
    "emails.review.recommend_skip": {"de": "Keine Angabe", "en": "No answer"},
    "emails.review.points": {
        "de": "Für deine Bewertung bekommst du {points} Punkte.",
        "de_sie": "Für Ihre Bewertung erhalten Sie {points} Punkte.",
        "en": "You earn {points} points for your review.",
    },
    "emails.review.submit": {"de": "Bewertung absenden", "en": "Submit review"},
    "emails.review.rate_one": {
        "de": "Bitte bewerte mindestens ein Produkt.",
        "de_sie": "Bitte bewerten Sie mindestens ein Produkt.",
        "en": "Please rate at least one product.",
    },
    "emails.review.thanks": {
        "de": "Vielen Dank für deine Bewertung!",
        "de_sie": "Vielen Dank für Ihre Bewertung!",
        "en": "Thank you for your review!",
    },
    "emails.review.thanks_points": {
        "de": "Wir haben dir {points} Punkte gutgeschrieben.",
        "de_sie": "Wir haben Ihnen {points} Punkte gutgeschrieben.",
        "en": "We have credited {points} points to your account.",
    },
    "emails.review.already": {
        "de": "Du hast diese Bestellung bereits bewertet. Vielen Dank!",
        "de_sie": "Sie haben diese Bestellung bereits bewertet. Vielen Dank!",
        "en": "You have already reviewed this order. Thank you!",
    },
    "emails.review.expired": {
        "de": "Dieser Link ist abgelaufen oder ungültig.",
        "en": "This link has expired or is not valid.",
    },
    # An expired link of a shop that is still there: headed by the shop's name, with a link to the shop
    "emails.review.expired_heading": {"de": "Dieser Link ist abgelaufen", "en": "This link has expired"},
    "emails.review.expired_text": {
        "de": "Deine Bestellung bei {shop} kann über diesen Link nicht mehr bewertet werden.",
        "de_sie": "Ihre Bestellung bei {shop} kann über diesen Link nicht mehr bewertet werden.",
        "en": "Your order from {shop} can no longer be reviewed through this link.",
    },
    "emails.review.visit_shop": {"de": "Weiter zu {shop}", "en": "Visit {shop}"},
    "emails.review.unavailable": {
        "de": "Diese Bestellung kann nicht mehr bewertet werden.",
        "en": "This order can no longer be reviewed.",
    },
    # Unsubscribe page
    "emails.unsubscribe.title": {"de": "E-Mails abbestellen", "en": "Unsubscribe"},
    # What unsubscribing stops: every kind but the transactional ones (services/email_settings.py CATEGORY: the
    # thank-you for an order and the email with a coupon's code). The emails' footer link (mail/templates/*/_layout.*),
    # the question and the done page name the same exception, in the same words.
    "emails.unsubscribe.question": {
        "de": "Möchtest du unter {email} von {shop} keine E-Mails mehr erhalten außer Bestell- und "
              "Gutscheinbestätigungen?",
        "de_sie": "Möchten Sie unter {email} von {shop} keine E-Mails mehr erhalten außer Bestell- und "
                  "Gutscheinbestätigungen?",
        "en": "Do you want to receive no more emails from {shop} at {email} except order and coupon confirmations?",
    },
    "emails.unsubscribe.note": {
        "de": "Das gilt für Bewertungsanfragen und Erinnerungen daran, Hinweise auf verfallende Punkte, E-Mails zu "
              "neuen Stufen und erfolgreichen Empfehlungen sowie Neuigkeiten. Bestell- und Gutscheinbestätigungen "
              "bekommst du weiterhin.",
        "de_sie": "Das gilt für Bewertungsanfragen und Erinnerungen daran, Hinweise auf verfallende Punkte, E-Mails "
                  "zu neuen Stufen und erfolgreichen Empfehlungen sowie Neuigkeiten. Bestell- und "
                  "Gutscheinbestätigungen erhalten Sie weiterhin.",
        "en": "This covers review requests and reminders, points expiry warnings, emails about new tiers and "
              "successful referrals, and news. You will still receive order and coupon confirmations.",
    },
    "emails.unsubscribe.confirm": {"de": "Abbestellen", "en": "Unsubscribe"},
    "emails.unsubscribe.done": {
        "de": "Du bist abgemeldet und bekommst keine E-Mails mehr außer Bestell- und Gutscheinbestätigungen.",
        "de_sie": "Sie wurden abgemeldet und erhalten keine E-Mails mehr außer Bestell- und "
                  "Gutscheinbestätigungen.",
        "en": "You have been unsubscribed and will receive no more emails except order and coupon confirmations.",
    },
    "emails.unsubscribe.undo_question": {"de": "Versehentlich abgemeldet?", "en": "Unsubscribed by mistake?"},
    "emails.unsubscribe.undo": {"de": "Wieder anmelden", "en": "Subscribe again"},
    "emails.unsubscribe.resubscribed": {
        "de": "Du bist wieder angemeldet und bekommst alle E-Mails von {shop}.",
        "de_sie": "Sie sind wieder angemeldet und erhalten alle E-Mails von {shop}.",
        "en": "You are subscribed again and will receive all emails from {shop}.",
    },
    "emails.unsubscribe.invalid": {
        "de": "Dieser Abmeldelink ist ungültig.",
        "en": "This unsubscribe link is not valid.",
    },
}
