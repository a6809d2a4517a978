"""German and English texts of the analytics area: figure labels and the definitions metrics.py lacks."""

from __future__ import annotations

_FIGURES: dict[str, tuple[str, str]] = {
    "customers_at_start": ("Kunden am Periodenbeginn", "Customers at start"),
    "customers_at_end": ("Kunden am Periodenende", "Customers at end"),
    "new_customers": ("Neukunden", "New customers"),
    "lost_customers": ("Verlorene Kunden", "Lost customers"),
    "won_back_customers": ("Zurückgewonnene Kunden", "Customers won back"),
    "retention_rate": ("Kundenbindungsrate", "Retention rate"),
    "churn_rate": ("Abwanderungsrate", "Churn rate"),
    "orders": ("Bestellungen", "Orders"),
    "revenue": ("Umsatz", "Revenue"),
    "customers": ("Bestellende Kunden", "Ordering customers"),
    "repeat_purchase_rate": ("Wiederkaufrate", "Repeat-purchase rate"),
    "aov": ("Durchschnittlicher Bestellwert", "Average order value"),
    "purchase_frequency": ("Bestellhäufigkeit", "Purchase frequency"),
    "purchase_frequency_year": ("Bestellungen pro Kunde und Jahr", "Orders per customer per year"),
    "avg_lifetime": ("Erwartete Kundenlebensdauer (Jahre)", "Expected customer lifetime (years)"),
    "clv": ("Kundenwert (CLV)", "Customer lifetime value (CLV)"),
    "acquisition_cost": ("Kundengewinnungskosten (CAC)", "Acquisition cost (CAC)"),
    "ltv_cac": ("CLV : CAC", "LTV : CAC"),
    "members_aov": ("Bestellwert Mitglieder", "AOV members"),
    "guests_aov": ("Bestellwert Nicht-Mitglieder", "AOV non-members"),
    "members_frequency": ("Bestellhäufigkeit Mitglieder", "Frequency members"),
    "guests_frequency": ("Bestellhäufigkeit Nicht-Mitglieder", "Frequency non-members"),
    "members": ("Mitglieder", "Members"),
    "active_members": ("Aktive Mitglieder", "Active members"),
    "points_issued": ("Ausgegebene Punkte", "Points issued"),
    "points_redeemed": ("Eingelöste Punkte", "Points redeemed"),
    "points_expired": ("Verfallene Punkte", "Points expired"),
    "redemption_rate": ("Einlösequote", "Redemption rate"),
    "points_outstanding": ("Offene Punkte", "Outstanding points"),
    "points_liability": ("Punkteverbindlichkeit", "Points liability"),
    "coupons_issued": ("Ausgegebene Gutscheine", "Coupons issued"),
    "coupons_used": ("Eingelöste Gutscheine", "Coupons used"),
    "coupon_use_rate": ("Gutschein-Einlösequote", "Coupon use rate"),
    "coupon_orders": ("Bestellungen mit Gutschein", "Orders with our coupons"),
    "coupon_revenue": ("Umsatz mit Gutscheinen", "Revenue with our coupons"),
    "review_requests": ("Bewertungsanfragen", "Review requests"),
    "review_responses": ("Antworten auf Bewertungsanfragen", "Review-request responses"),
    "review_response_rate": ("Antwortquote Bewertungsanfragen", "Review-request response rate"),
    "reviews": ("Bewertungen", "Reviews"),
    "average_rating": ("Durchschnittliche Bewertung", "Average rating"),
    "nps": ("Net Promoter Score", "Net Promoter Score"),
}

_DEFINITIONS: dict[str, tuple[str, str]] = {
    "customers_at_start": (
        "Kunden mit einer Bestellung im Abwanderungsfenster vor dem Periodenbeginn.",
        "Customers with an order within the churn window before the period starts."),
    "customers_at_end": (
        "Kunden mit einer Bestellung im Abwanderungsfenster vor dem Periodenende.",
        "Customers with an order within the churn window before the period ends."),
    "new_customers": ("Kunden, deren erste Bestellung in die Periode fällt.",
                      "Customers whose first order falls in the period."),
    "lost_customers": (
        "Kunden vom Periodenbeginn ohne Bestellung im Abwanderungsfenster vor dem Periodenende.",
        "Customers at the start with no order within the churn window before the period ends."),
    "won_back_customers": (
        "Kunden am Periodenende, die weder am Periodenbeginn Kunden noch neu waren: abgewandert und wieder gekauft.",
        "Customers at the end who were neither customers at the start nor new: lapsed, then bought again."),
    "churn_rate": (
        "Verlorene Kunden ÷ Kunden am Periodenbeginn; verloren heißt: keine Bestellung im Abwanderungsfenster "
        "(Standard 365 Tage).",
        "Lost customers ÷ customers at the start; lost means no order within the churn window "
        "(default 365 days)."),
    "orders": ("Bezahlte, nicht stornierte Bestellungen der Periode, ohne Testbestellungen und ohne Bestellungen "
               "in einer anderen Währung als der des Shops. Tage sind UTC-Tage.",
               "Paid, not cancelled orders in the period, test orders and orders in another currency than the "
               "shop's left out. Days are UTC days."),
    "revenue": ("Bezahlter Betrag dieser Bestellungen abzüglich Erstattungen.",
                "What those orders paid, less refunds."),
    "customers": ("Kunden (Mitglieder und Gäste nach E-Mail) mit einer Bestellung in der Periode.",
                  "Customers (members, and guests by email) with an order in the period."),
    "purchase_frequency_year": ("Bestellungen pro Kunde in einem Jahr: in der Periode, auf ein Jahr umgerechnet; eine "
                                "kürzere Periode zählt das Jahr bis zu ihrem Ende.",
                                "Orders per customer in a year: the period's, scaled to one year; a shorter period "
                                "counts the year up to its end."),
    "clv": ("Durchschnittlicher Bestellwert × Bestellungen pro Kunde und Jahr × erwartete Kundenlebensdauer in Jahren; "
            "Bestellwert und Bestellungen der Periode, bei einer kürzeren als einem Jahr die des Jahres bis zu ihrem "
            "Ende; leer, solange die Periode keinen Kunden verloren hat.",
            "Average order value × orders per customer per year × expected customer lifetime in years; order value "
            "and orders of the period, or of the year up to its end for a period shorter than a year; empty while "
            "the period lost no customer."),
    "avg_lifetime": ("Wie lange ein Kunde bleibt: 1 ÷ Abwanderungsrate pro Jahr (die der Periode, auf ein Jahr "
                     "umgerechnet), höchstens 10 Jahre; leer, solange die Periode keinen Kunden verloren hat.",
                     "How long a customer stays: 1 ÷ churn rate per year (the period's, scaled to a year), at most "
                     "10 years; empty while the period lost no customer."),
    "acquisition_cost": ("Was es kostet, einen Kunden zu gewinnen (von Ihnen eingetragen).",
                         "What it costs to win one customer (entered by you)."),
    "members_aov": ("Durchschnittlicher Bestellwert der Bestellungen von Mitgliedern.",
                    "Average order value of members' orders."),
    "guests_aov": ("Durchschnittlicher Bestellwert der Gastbestellungen (ohne Kundenkonto).",
                   "Average order value of guest orders (no customer account)."),
    "members_frequency": ("Bestellungen pro bestellendem Mitglied in der Periode.",
                          "Orders per ordering member in the period."),
    "guests_frequency": ("Bestellungen pro bestellendem Gast in der Periode.",
                         "Orders per ordering guest in the period."),
    "points_outstanding": ("Punkte, die Mitglieder heute besitzen.", "Points members hold today."),
    "points_liability": (
        "Offene Punkte × Punktwert: was der Shop den Mitgliedern heute schuldet.",
        "Outstanding points × point value: what the shop owes its members today."),
    "coupons_issued": ("Gutscheine des Programms, die in der Periode ausgestellt wurden.",
                       "Programme coupons issued in the period."),
    "coupons_used": ("Davon in einer Bestellung eingelöst.", "Of those, used in an order."),
    "coupon_orders": ("Bestellungen der Periode, in denen ein Gutschein des Programms eingelöst wurde.",
                      "Orders in the period that used a programme coupon."),
    "review_requests": ("In der Periode versandte Bewertungsanfragen.", "Review requests sent in the period."),
    "review_responses": ("In der Periode abgegebene Antworten auf Bewertungsanfragen.",
                         "Answers to review requests submitted in the period."),
    "review_response_rate": ("Antworten ÷ versandte Bewertungsanfragen der Periode.",
                             "Answers ÷ review requests sent in the period."),
    "reviews": ("In der Periode abgegebene Produktbewertungen.", "Product reviews written in the period."),
    "abc_segments": (
        "Mitglieder nach ihrem Umsatz bis heute (nicht nur dem der Periode), vom höchsten an: A, solange die "
        "Mitglieder davor weniger als {a} % des Umsatzes bringen, B unter {b} %, C der Rest; wie im Tab Segmente.",
        "Members by their revenue to date (not only the period's), highest first: A while the members ranked above "
        "hold less than {a}% of revenue, B below {b}%, C the rest; as the Segments tab shows."),
}

MESSAGES: dict[str, dict[str, str]] = {
    **{f"analytics.figure.{k}": {"de": de, "en": en} for k, (de, en) in _FIGURES.items()},
    **{f"analytics.def.{k}": {"de": de, "en": en} for k, (de, en) in _DEFINITIONS.items()},
}
