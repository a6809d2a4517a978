"""Texts of the admin page shell and its messages (the tabs' own texts live in their scripts as ctx.t(de, en))."""

MESSAGES = {
    "admin.title": {"de": "Treueprogramm", "en": "Loyalty program"},
    "admin.loading": {"de": "Wird geladen …", "en": "Loading …"},
    "admin.noscript": {"de": "Bitte JavaScript aktivieren.", "en": "Please enable JavaScript."},
    "admin.signed_out": {
        # shown as plain text (shell.js): the command in quotes, not in Markdown backticks
        "de": "Nicht angemeldet. Öffnen Sie die App in Ihrem Shopify-Admin oder erstellen Sie einen Anmeldelink "
              "mit dem Befehl „loyalty admin-link SHOP“.",
        "en": "Not signed in. Open the app from your Shopify admin or create a login link with the command "
              "“loyalty admin-link SHOP”.",
    },
    "admin.login_failed": {"de": "Anmeldung fehlgeschlagen", "en": "Sign-in failed"},
    "admin.login_failed_hint": {
        # {command}: login_failed.html puts the command there as <code>
        "de": "Anmeldelinks gelten einmal und 15 Minuten lang. Erstellen Sie einen neuen mit {command}.",
        "en": "Login links work once and for 15 minutes. Create a new one with {command}.",
    },
    "admin.audit.adjust": {"de": "Punkte manuell angepasst", "en": "Points adjusted manually"},
    "admin.audit.settings": {"de": "Einstellungen geändert", "en": "Settings changed"},
    "admin.export.title": {"de": "Datenauskunft", "en": "Data export"},
    "admin.connect.title": {"de": "WooCommerce-Shop verbinden", "en": "Connect a WooCommerce shop"},
    "admin.connect.store_url": {"de": "Adresse Ihres Shops", "en": "Your shop's address"},
    "admin.connect.submit": {"de": "Weiter zu WooCommerce", "en": "Continue to WooCommerce"},
    "admin.connect.invalid": {
        "de": "Unter dieser Adresse ist kein öffentlich erreichbarer Shop zu finden. Bitte die Adresse angeben, unter "
              "der Kunden Ihren Shop öffnen, z. B. https://shop.example.de.",
        "en": "No shop can be reached at this address. Please enter the address customers open your shop at, "
              "e.g. https://shop.example.de.",
    },
    "admin.connect.denied": {
        "de": "Die Verbindung wurde in WooCommerce abgelehnt oder ist abgelaufen. Bitte erneut versuchen.",
        "en": "The connection was declined in WooCommerce or has expired. Please try again.",
    },
    "admin.connect.manual": {
        "de": "Ohne Schlüsselaustausch: Schlüssel unter WooCommerce › Einstellungen › Erweitert › REST-API anlegen und "
              "`loyalty shops add woocommerce URL --consumer-key … --consumer-secret … --webhook-secret …` ausführen.",
        "en": "Without the key exchange: create keys under WooCommerce › Settings › Advanced › REST API and run "
              "`loyalty shops add woocommerce URL --consumer-key … --consumer-secret … --webhook-secret …`.",
    },
}
