/*!
 * Loyalty storefront widget. Plain ES2019, no dependencies, no build step at
 * run time. Embed with:
 *   <script src="https://<app>/widget.js" data-proxy="/apps/loyalty" async></script>
 * Optional attributes: data-locale="de|en", data-accent="#0a7", data-position="left",
 * data-nonce="…" (WooCommerce: a `wp_rest` nonce, sent as X-WP-Nonce so the shop's REST proxy sees the
 * signed-in shopper).
 *
 * Security: every string that comes from the server (shop, member, reward and
 * tier names, labels, perks, codes, URLs) is inserted with textContent,
 * element properties or setAttribute only; innerHTML is never used.
 *
 * The CSS between the markers below is generated from widget.css by
 * `node app/static/widget/build.mjs`; edit widget.css, then re-run it.
 */
(function () {
  'use strict';

  if (window.LoyaltyWidget) return;

  const CSS = /*CSS-START*/":host{all:initial}.lw{--lw-accent:var(--loyalty-accent,#4f46e5);--lw-on-accent:var(--loyalty-on-accent,#fff);--lw-accent-soft:#eef0fb;--lw-bg:#fff;--lw-surface:#f5f6f8;--lw-text:#1c2030;--lw-muted:#5d6474;--lw-border:#e4e7ec;--lw-ok:#067647;--lw-bad:#b42318;--lw-warn:#93370d;--lw-radius:14px;--lw-shadow:0 16px 48px rgba(16,24,40,.22),0 2px 8px rgba(16,24,40,.08);font:400 14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;color:var(--lw-text);-webkit-font-smoothing:antialiased;text-align:left;letter-spacing:normal}@supports (color:color-mix(in srgb,red 10%,#fff)){.lw{--lw-accent-soft:color-mix(in srgb,var(--lw-accent) 10%,#fff)}}:where(.lw) *,:where(.lw) *::before,:where(.lw) *::after{box-sizing:border-box}:where(.lw) :where(h2,h3,p,ul,ol){margin:0;padding:0}:where(.lw) :where(ul,ol){list-style:none}:where(.lw) :where(button,input,textarea){font:inherit;color:inherit;letter-spacing:inherit}:where(.lw) :focus{outline:none}.lw :focus-visible{outline:3px solid var(--lw-accent);outline-offset:2px}.lw [hidden]{display:none !important}.lw-sr{position:absolute !important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}.lw-icon{width:18px;height:18px;flex:none;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}.lw-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:inline-flex;align-items:center;gap:8px;min-height:52px;padding:0 18px 0 16px;border:0;border-radius:999px;background:var(--lw-accent);color:var(--lw-on-accent);font-weight:600;font-size:15px;box-shadow:0 8px 24px rgba(16,24,40,.24);cursor:pointer;transition:transform .15s ease,box-shadow .15s ease}.lw-launcher:hover{transform:translateY(-2px);box-shadow:0 12px 28px rgba(16,24,40,.28)}.lw-launcher:focus-visible{outline-color:var(--lw-text);outline-offset:3px}.lw-launcher .lw-icon{width:22px;height:22px}.lw-pill{display:inline-block;padding:2px 9px;border-radius:999px;background:rgba(0,0,0,.22);font-size:13px;font-variant-numeric:tabular-nums}.lw-left .lw-launcher{right:auto;left:20px}.lw-panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;display:flex;flex-direction:column;width:384px;max-height:680px;max-height:min(680px,calc(100vh - 108px));overflow:hidden;border-radius:20px;background:var(--lw-surface);box-shadow:var(--lw-shadow);animation:lw-in .18s ease-out}.lw-left .lw-panel{right:auto;left:20px}.lw-panel[hidden]{display:none}@keyframes lw-in{from{opacity:0;transform:translateY(12px)}}.lw-head{display:flex;align-items:center;gap:8px;padding:14px 14px 6px 20px;background:var(--lw-accent);color:var(--lw-on-accent)}.lw-head-text{flex:1;min-width:0}.lw-shop{display:block;overflow:hidden;font-size:12px;white-space:nowrap;text-overflow:ellipsis}.lw-title{font-size:17px;font-weight:700;line-height:1.3}.lw [tabindex=\"-1\"]:focus-visible{outline:none}.lw-hbtn{display:inline-flex;align-items:center;justify-content:center;min-width:36px;height:36px;padding:0 8px;border:0;border-radius:10px;background:transparent;color:inherit;font-size:13px;font-weight:700;cursor:pointer}.lw-hbtn:hover{background:rgba(255,255,255,.18);background:color-mix(in srgb,currentColor 16%,transparent)}.lw-hbtn:focus-visible{outline-color:currentColor;outline-offset:0}.lw-body{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:0 14px 16px}.lw-hero{margin:0 -14px;padding:2px 20px 52px;background:var(--lw-accent);color:var(--lw-on-accent)}.lw-hero h3{font-size:22px;font-weight:700;line-height:1.25}.lw-hero p{margin-top:4px;opacity:.9}.lw-card{margin-top:12px;padding:16px;border:1px solid var(--lw-border);border-radius:var(--lw-radius);background:var(--lw-bg)}.lw-hero+.lw-card{position:relative;margin-top:-40px;box-shadow:0 6px 18px rgba(16,24,40,.08)}.lw-card>h3{display:flex;align-items:center;gap:8px;margin-bottom:12px;font-size:15px;font-weight:700}.lw-card>h3 .lw-icon{color:var(--lw-accent)}.lw-muted{color:var(--lw-muted);font-size:13px}.lw-lead{margin-bottom:12px;color:var(--lw-muted)}.lw-kicker{color:var(--lw-muted);font-size:13px;font-weight:500}.lw-balance{display:flex;align-items:baseline;gap:6px;margin:2px 0 8px}.lw-balance strong{font-size:34px;font-weight:800;line-height:1.1;letter-spacing:-.02em;font-variant-numeric:tabular-nums}.lw-balance span{color:var(--lw-muted);font-weight:600}.lw-chips{display:flex;flex-wrap:wrap;gap:6px}.lw-chip{display:inline-flex;align-items:center;gap:5px;padding:4px 10px;border-radius:999px;background:var(--lw-surface);color:var(--lw-muted);font-size:12.5px;font-weight:500}.lw-chip .lw-icon{width:14px;height:14px}.lw-chip-accent{background:var(--lw-accent-soft);color:var(--lw-text)}.lw-code-card{border:2px dashed var(--lw-accent);background:var(--lw-accent-soft);text-align:center}.lw-code-card>h3{justify-content:center;margin-bottom:4px}.lw-code-row{display:flex;flex-direction:column;gap:10px;margin:12px 0 10px}.lw-code{display:block;padding:12px 10px;border-radius:12px;background:var(--lw-bg);overflow-wrap:anywhere;font:700 18px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.04em;text-align:center;user-select:all;-webkit-user-select:all}.lw-code-row .lw-btn{width:100%;min-height:42px}.lw-tier-row{display:flex;align-items:center;justify-content:space-between;gap:8px;margin-bottom:12px}.lw-badge{display:inline-flex;align-items:center;gap:6px;padding:4px 12px;border-radius:999px;background:var(--lw-accent);color:var(--lw-on-accent);font-weight:700}.lw-badge .lw-icon{width:15px;height:15px}.lw-bar{height:10px;overflow:hidden;border-radius:999px;background:var(--lw-surface);box-shadow:inset 0 0 0 1px var(--lw-border)}.lw-bar>span{display:block;height:100%;min-width:10px;border-radius:inherit;background:var(--lw-accent);transition:width .4s ease}.lw-tier-label{margin-top:8px;font-weight:600}.lw-perks{margin-top:10px}.lw-perks li{display:flex;gap:8px;margin-top:4px;color:var(--lw-muted)}.lw-perks .lw-icon{width:16px;height:16px;margin-top:2px;color:var(--lw-ok)}.lw-list>li{display:flex;align-items:center;gap:12px;padding:10px 0;border-top:1px solid var(--lw-border)}.lw-list>li:first-child{padding-top:0;border-top:0}.lw-list>li:last-child{padding-bottom:0}.lw-ico{display:inline-flex;align-items:center;justify-content:center;width:36px;height:36px;flex:none;border-radius:10px;background:var(--lw-accent-soft);color:var(--lw-accent)}.lw-grow{flex:1;min-width:0}.lw-grow>*{display:block}.lw-name{font-weight:600;overflow-wrap:anywhere}.lw-pts{flex:none;font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}.lw-plus{color:var(--lw-ok)}.lw-minus{color:var(--lw-bad)}.lw-reward{flex-wrap:wrap}.lw-coupon{flex-wrap:wrap}.lw-coupon-code{display:flex;flex-basis:100%;flex-wrap:wrap;align-items:center;gap:8px}.lw-coupon-code .lw-code{flex:1 1 auto;max-width:100%;padding:8px 10px;overflow-x:auto;overflow-wrap:normal;white-space:nowrap;font-size:15px;letter-spacing:0.02em}.lw-coupon-code .lw-btn{flex:none}.lw-hint{margin-top:2px;color:var(--lw-warn);font-size:12.5px}.lw-btn{display:inline-flex;align-items:center;justify-content:center;gap:6px;min-height:38px;padding:0 14px;border:1px solid transparent;border-radius:10px;background:var(--lw-accent);color:var(--lw-on-accent);font-weight:600;text-decoration:none;white-space:nowrap;cursor:pointer;transition:filter .15s ease}.lw-btn:hover:not(:disabled){filter:brightness(1.08)}.lw-btn:disabled{opacity:.45;cursor:not-allowed}.lw-btn-sec{border-color:var(--lw-border);background:var(--lw-bg);color:var(--lw-text)}.lw-btn-sec:hover:not(:disabled){filter:none;background:var(--lw-surface)}.lw-btn-block{width:100%;min-height:44px;font-size:15px}.lw-btn .lw-icon{width:16px;height:16px}.lw-row{display:flex;gap:8px}.lw-ref-row{flex-wrap:wrap}.lw-ref-row .lw-input{flex-basis:100%}.lw-ref-row .lw-btn{flex:1}.lw-input{flex:1;min-width:0;min-height:38px;padding:0 10px;border:1px solid var(--lw-border);border-radius:10px;background:var(--lw-surface);color:var(--lw-text);font-size:13px}.lw-input:focus-visible{outline-offset:0;border-color:var(--lw-accent)}.lw-label{display:block;margin-bottom:6px;font-weight:600;font-size:13px}.lw-actions{margin-top:8px}.lw-link{color:var(--lw-text);font-weight:600;text-decoration:underline;text-decoration-color:var(--lw-accent);text-decoration-thickness:2px;text-underline-offset:3px}.lw-center{margin-top:12px;text-align:center}.lw-note{display:flex;gap:8px;margin-top:10px;padding:10px 12px;border-radius:10px;background:#fef3f2;color:var(--lw-bad);font-size:13px;font-weight:500}.lw-note-ok{background:#ecfdf3;color:var(--lw-ok)}.lw-note .lw-icon{width:16px;height:16px;margin-top:1px}.lw-reward .lw-note{flex-basis:100%;margin-top:0}.lw-error{text-align:center}.lw-error p{margin-bottom:12px}.lw-skel{height:14px;margin-top:10px;border-radius:7px;background:linear-gradient(90deg,#eceef2 25%,#f6f7f9 50%,#eceef2 75%);background-size:200% 100%;animation:lw-shimmer 1.2s linear infinite}@keyframes lw-shimmer{to{background-position:-200% 0}}.lw-clip{position:fixed;top:0;left:0;width:1px;height:1px;opacity:0}@media (max-width:479.98px){.lw-launcher,.lw-left .lw-launcher{right:16px;bottom:16px;left:auto}.lw-left .lw-launcher{right:auto;left:16px}.lw-panel,.lw-left .lw-panel{right:0;bottom:0;left:0;width:auto;max-height:88vh;max-height:88dvh;border-radius:20px 20px 0 0;animation-name:lw-sheet}.lw-body{padding-bottom:max(16px,env(safe-area-inset-bottom))}}@keyframes lw-sheet{from{transform:translateY(40%)}}@media (prefers-reduced-motion:reduce){.lw *,.lw-panel,.lw-launcher{animation:none !important;transition:none !important}}"/*CSS-END*/;

  const I18N = {
    de: {
      launcher: 'Treuepunkte',
      title: 'Treuepunkte',
      close: 'Schließen',
      langSwitch: 'Switch to English',
      langCode: 'EN',
      pt: 'Punkt',
      pts: 'Punkte',
      hello: 'Hallo {name}!',
      helloAnon: 'Hallo!',
      welcome: 'Schön, dass du da bist.',
      balance: 'Dein Punktestand',
      pending: '{pts} ausstehend',
      worth: '{pts} = {amount}',
      codeTitle: 'Dein Gutscheincode',
      codeHint: 'Gib den Code an der Kasse ein.',
      codePending: 'Der Shop legt deinen Code gerade an. Wir schicken ihn dir per E-Mail, sobald er an der Kasse gilt.',
      validUntil: 'Gültig bis {date}',
      myRewards: 'Deine Prämien',
      couponPending: 'Wird gerade angelegt – der Code erscheint hier, sobald er an der Kasse gilt.',
      copyCodeOf: 'Code {code} kopieren',
      copy: 'Kopieren',
      copyCode: 'Code kopieren',
      copyLink: 'Link kopieren',
      copied: 'Kopiert!',
      copyFailed: 'Bitte manuell kopieren',
      tier: 'Deine Stufe',
      multiplier: '{x}× Punkte',
      progressTo: 'Fortschritt bis {tier}',
      tierMax: 'Du hast die höchste Stufe erreicht.',
      rewards: 'Prämien',
      noRewards: 'Noch keine Prämien verfügbar.',
      redeem: 'Einlösen',
      redeemFor: '{name} einlösen',
      redeeming: 'Wird eingelöst …',
      missing: 'Dir fehlen noch {pts}',
      unavailable: 'Derzeit nicht verfügbar',
      minOrder: 'ab {amount} Bestellwert',
      earn: 'Punkte sammeln',
      referral: 'Freunde werben',
      referralText: 'Teile deinen persönlichen Link mit Freunden.',
      referralBonus: 'Teile deinen persönlichen Link – für jede erfolgreiche Empfehlung bekommst du {pts}.',
      referralCoupon: 'Teile deinen persönlichen Link – für jede erfolgreiche Empfehlung bekommst du einen Gutschein: {reward}.',
      referralLabel: 'Dein Empfehlungslink',
      referralFriend: 'Deine Freunde bekommen nach ihrer ersten Bestellung einen Willkommensgutschein: {reward}.',
      share: 'Teilen',
      shareText: 'Schau dir {shop} an!',
      birthday: 'Geburtstag',
      birthdayText: 'Verrate uns deinen Geburtstag und wir überraschen dich.',
      birthdayBonus: 'Verrate uns deinen Geburtstag und erhalte jedes Jahr {pts}.',
      birthdayLabel: 'Geburtsdatum',
      save: 'Speichern',
      saving: 'Wird gespeichert …',
      birthdaySaved: 'Danke! Dein Geburtstag ist gespeichert.',
      newsletter: 'Newsletter',
      newsletterText: 'Erfahre als Erste*r von Angeboten und Neuheiten.',
      newsletterBonus: 'Abonniere unseren Newsletter und erhalte {pts}.',
      newsletterJoin: 'Newsletter abonnieren',
      newsletterDone: 'Danke! Du erhältst jetzt unseren Newsletter.',
      birthdayLocked: 'Dein Geburtstag ist bereits hinterlegt und kann nicht mehr geändert werden.',
      birthdayInvalid: 'Bitte gib ein gültiges Datum ein.',
      expiring: 'Bald verfallende Punkte',
      expiresOn: '{pts} verfallen am {date}',
      history: 'Verlauf',
      historyEmpty: 'Noch keine Buchungen.',
      guestTitle: 'Sammle Punkte bei {shop}',
      guestTitleAnon: 'Sammle Treuepunkte',
      guestText: 'Erstelle ein kostenloses Konto, sammle bei jedem Einkauf Punkte und löse sie gegen Prämien ein.',
      signup: 'Kostenlos anmelden',
      haveAccount: 'Schon Mitglied?',
      login: 'Einloggen',
      howItWorks: 'So funktioniert’s',
      tiers: 'Stufen',
      tierFrom: 'ab {amount} Umsatz',
      loading: 'Wird geladen …',
      loadError: 'Die Punkte konnten gerade nicht geladen werden.',
      retry: 'Erneut versuchen',
      errInsufficient: 'Für diese Prämie reichen deine Punkte leider noch nicht.',
      errUnavailable: 'Diese Prämie ist gerade nicht verfügbar.',
      errRateLimited: 'Zu viele Versuche. Bitte {when} erneut versuchen.',
      errRateLimitedSoon: 'Zu viele Versuche. Bitte gleich noch einmal versuchen.',
      errPlatform: 'Der Shop ist gerade nicht erreichbar. Wir schicken dir deinen Code per E-Mail – oder versuche es gleich noch einmal.',
      errNetwork: 'Keine Verbindung. Bitte die Internetverbindung prüfen und erneut versuchen.',
      errGeneric: 'Etwas ist schiefgelaufen. Bitte erneut versuchen.'
    },
    // German for shops that address their customers as "Sie" (the shop's email settings): the texts of `de`
    // that speak to the shopper, in the polite form; the rest of `de` is the same in both. What can show before
    // the shop's answer says which form it uses (loading, a failed first load, its errors) says neither.
    de_sie: {
      welcome: 'Schön, dass Sie da sind.',
      balance: 'Ihr Punktestand',
      codeTitle: 'Ihr Gutscheincode',
      codeHint: 'Geben Sie den Code an der Kasse ein.',
      codePending: 'Der Shop legt Ihren Code gerade an. Wir schicken ihn Ihnen per E-Mail, sobald er an der Kasse gilt.',
      tier: 'Ihre Stufe',
      tierMax: 'Sie haben die höchste Stufe erreicht.',
      myRewards: 'Ihre Prämien',
      missing: 'Ihnen fehlen noch {pts}',
      referralText: 'Teilen Sie Ihren persönlichen Link mit Freunden.',
      referralBonus: 'Teilen Sie Ihren persönlichen Link – für jede erfolgreiche Empfehlung bekommen Sie {pts}.',
      referralCoupon: 'Teilen Sie Ihren persönlichen Link – für jede erfolgreiche Empfehlung bekommen Sie einen Gutschein: {reward}.',
      referralLabel: 'Ihr Empfehlungslink',
      referralFriend: 'Ihre Freunde bekommen nach ihrer ersten Bestellung einen Willkommensgutschein: {reward}.',
      birthdayText: 'Verraten Sie uns Ihren Geburtstag und wir überraschen Sie.',
      birthdayBonus: 'Verraten Sie uns Ihren Geburtstag und erhalten Sie jedes Jahr {pts}.',
      birthdaySaved: 'Danke! Ihr Geburtstag ist gespeichert.',
      newsletterText: 'Erfahren Sie als Erste*r von Angeboten und Neuheiten.',
      newsletterBonus: 'Abonnieren Sie unseren Newsletter und erhalten Sie {pts}.',
      newsletterDone: 'Danke! Sie erhalten jetzt unseren Newsletter.',
      birthdayLocked: 'Ihr Geburtstag ist bereits hinterlegt und kann nicht mehr geändert werden.',
      birthdayInvalid: 'Bitte geben Sie ein gültiges Datum ein.',
      guestTitle: 'Sammeln Sie Punkte bei {shop}',
      guestTitleAnon: 'Sammeln Sie Treuepunkte',
      guestText: 'Erstellen Sie ein kostenloses Konto, sammeln Sie bei jedem Einkauf Punkte und lösen Sie sie gegen Prämien ein.',
      errInsufficient: 'Für diese Prämie reichen Ihre Punkte leider noch nicht.',
      errPlatform: 'Der Shop ist gerade nicht erreichbar. Wir schicken Ihnen Ihren Code per E-Mail – oder versuchen Sie es gleich noch einmal.'
    },
    en: {
      launcher: 'Rewards',
      title: 'Rewards',
      close: 'Close',
      langSwitch: 'Auf Deutsch umschalten',
      langCode: 'DE',
      pt: 'point',
      pts: 'points',
      hello: 'Hi {name}!',
      helloAnon: 'Hi there!',
      welcome: 'Great to see you.',
      balance: 'Your points',
      pending: '{pts} pending',
      worth: '{pts} = {amount}',
      codeTitle: 'Your discount code',
      codeHint: 'Enter the code at checkout.',
      codePending: 'The shop is still setting up your code. We will email it to you as soon as it works at checkout.',
      validUntil: 'Valid until {date}',
      myRewards: 'Your rewards',
      couponPending: 'Being created – the code appears here as soon as it works at checkout.',
      copyCodeOf: 'Copy code {code}',
      copy: 'Copy',
      copyCode: 'Copy code',
      copyLink: 'Copy link',
      copied: 'Copied!',
      copyFailed: 'Please copy manually',
      tier: 'Your tier',
      multiplier: '{x}× points',
      progressTo: 'Progress to {tier}',
      tierMax: 'You have reached the highest tier.',
      rewards: 'Rewards',
      noRewards: 'No rewards available yet.',
      redeem: 'Redeem',
      redeemFor: 'Redeem {name}',
      redeeming: 'Redeeming …',
      missing: '{pts} to go',
      unavailable: 'Currently unavailable',
      minOrder: 'orders from {amount}',
      earn: 'Ways to earn',
      referral: 'Refer a friend',
      referralText: 'Share your personal link with friends.',
      referralBonus: 'Share your personal link – you get {pts} for every successful referral.',
      referralCoupon: 'Share your personal link – you get a coupon for every successful referral: {reward}.',
      referralLabel: 'Your referral link',
      referralFriend: 'Your friends get a welcome coupon after their first order: {reward}.',
      share: 'Share',
      shareText: 'Check out {shop}!',
      birthday: 'Birthday',
      birthdayText: 'Tell us your birthday and we will surprise you.',
      birthdayBonus: 'Tell us your birthday and get {pts} every year.',
      birthdayLabel: 'Date of birth',
      save: 'Save',
      saving: 'Saving …',
      birthdaySaved: 'Thanks! Your birthday has been saved.',
      newsletter: 'Newsletter',
      newsletterText: 'Be the first to hear about offers and news.',
      newsletterBonus: 'Subscribe to our newsletter and get {pts}.',
      newsletterJoin: 'Subscribe to the newsletter',
      newsletterDone: 'Thanks! You are now subscribed to our newsletter.',
      birthdayLocked: 'Your birthday is already on file and can no longer be changed.',
      birthdayInvalid: 'Please enter a valid date.',
      expiring: 'Points expiring soon',
      expiresOn: '{pts} expire on {date}',
      history: 'History',
      historyEmpty: 'No activity yet.',
      guestTitle: 'Earn points at {shop}',
      guestTitleAnon: 'Earn reward points',
      guestText: 'Create a free account, earn points with every order and redeem them for rewards.',
      signup: 'Join for free',
      haveAccount: 'Already a member?',
      login: 'Log in',
      howItWorks: 'How it works',
      tiers: 'Tiers',
      tierFrom: 'from {amount} spent',
      loading: 'Loading …',
      loadError: 'We could not load your points right now.',
      retry: 'Try again',
      errInsufficient: 'You do not have enough points for this reward yet.',
      errUnavailable: 'This reward is not available right now.',
      errRateLimited: 'Too many attempts. Please try again {when}.',
      errRateLimitedSoon: 'Too many attempts. Please try again shortly.',
      errPlatform: 'The shop is not reachable right now. We will send your code by email – or try again shortly.',
      errNetwork: 'No connection. Please check your internet connection and try again.',
      errGeneric: 'Something went wrong. Please try again.'
    }
  };
  const INTL = { de: 'de-DE', en: 'en-GB' };

  // Minimal stroke icons (24x24). Static data, rendered via createElementNS.
  const ICONS = {
    gift: 'M20 12v10H4V12M2 7h20v5H2zM12 22V7M12 7H7.5a2.5 2.5 0 0 1 0-5C11 2 12 7 12 7zM12 7h4.5a2.5 2.5 0 0 0 0-5C13 2 12 7 12 7z',
    close: 'M18 6 6 18M6 6l12 12',
    bag: 'M6 2 3 6v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6l-3-4zM3 6h18M16 10a4 4 0 0 1-8 0',
    user: 'M16 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M4.5 7a4 4 0 1 0 8 0a4 4 0 1 0-8 0M20 8v6M23 11h-6',
    star: 'M12 2l3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27l6.91-1.01z',
    users: 'M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M5 7a4 4 0 1 0 8 0a4 4 0 1 0-8 0M23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75',
    copy: 'M9 9h11v11H9zM5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1',
    share: 'M4 12v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8M16 6l-4-4-4 4M12 2v13',
    check: 'M20 6 9 17l-5-5',
    clock: 'M2 12a10 10 0 1 0 20 0a10 10 0 1 0-20 0M12 6v6l4 2',
    award: 'M5 8a7 7 0 1 0 14 0a7 7 0 1 0-14 0M8.21 13.89 7 23l5-3 5 3-1.21-9.12',
    alert: 'M2 12a10 10 0 1 0 20 0a10 10 0 1 0-20 0M12 8v4M12 16h.01',
    list: 'M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01',
    trend: 'M23 6l-9.5 9.5-5-5L1 18M17 6h6v6',
    spark: 'M12 2v4M12 18v4M4.93 4.93l2.83 2.83M16.24 16.24l2.83 2.83M2 12h4M18 12h4M4.93 19.07l2.83-2.83M16.24 7.76l2.83-2.83'
  };
  const EARN_ICONS = { order: 'bag', purchase: 'bag', signup: 'user', birthday: 'gift', review: 'star', referral: 'users' };

  // ---------- configuration from the <script> tag ----------
  const script = document.currentScript ||
    Array.prototype.slice.call(document.querySelectorAll('script[src*="widget.js"]')).pop() || null;
  const attr = (name) => (script && script.getAttribute('data-' + name)) || '';
  const proxy = (attr('proxy') || '/apps/loyalty').replace(/\/+$/, '');
  const attrLocale = attr('locale');
  const attrAccent = attr('accent');
  const attrPosition = attr('position');
  const attrNonce = attr('nonce');

  // ---------- state ----------
  const state = {
    open: false,
    loading: false,
    loaded: false,
    error: null,
    data: null,
    userLocale: null,
    redemption: null,
    busy: null,
    notice: null,
    copied: null,
    birthdayValue: '',
    birthdayBusy: false
  };
  let host = null;
  let shadow = null;
  let ui = null;
  let seq = 0;
  let copyTimer = 0;
  let mounted = false;

  // ---------- helpers ----------
  function pickLocale(v) {
    v = String(v || '').toLowerCase();
    if (v.indexOf('de') === 0) return 'de';
    if (v.indexOf('en') === 0) return 'en';
    return null;
  }

  function locale() {
    const shop = state.data && state.data.shop;
    return state.userLocale || pickLocale(attrLocale) || pickLocale(shop && shop.locale) ||
      pickLocale(navigator.language) || 'en';
  }

  function t(key, vars) {
    const lang = locale();
    const program = state.data && state.data.program;
    const polite = lang === 'de' && program && program.german_address === 'sie' ? I18N.de_sie : {};
    const dict = I18N[lang];
    let s = polite[key] != null ? polite[key] : dict[key] != null ? dict[key] : I18N.en[key];
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m));
    return s;
  }

  function num(n, opts) {
    try {
      return new Intl.NumberFormat(INTL[locale()], opts).format(n);
    } catch (e) {
      return String(n);
    }
  }

  function pts(n) {
    n = Number(n) || 0;
    return num(n) + ' ' + (Math.abs(n) === 1 ? t('pt') : t('pts'));
  }

  function money(amount) {
    const shop = (state.data && state.data.shop) || {};
    const value = Number(amount);
    if (!isFinite(value)) return String(amount == null ? '' : amount);
    try {
      return num(value, { style: 'currency', currency: String(shop.currency || 'EUR') });
    } catch (e) {
      return num(value, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
  }

  // `withTime`: a code's end is a moment (the minute it was issued, days later), not a whole day.
  function date(iso, utc, withTime) {
    const d = new Date(iso);
    if (!iso || isNaN(d.getTime())) return '';
    const opts = { day: 'numeric', month: 'short', year: 'numeric' };
    if (withTime) { opts.hour = '2-digit'; opts.minute = '2-digit'; }
    if (utc) opts.timeZone = 'UTC';
    try {
      return new Intl.DateTimeFormat(INTL[locale()], opts).format(d);
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  function relSeconds(s) {
    try {
      const rtf = new Intl.RelativeTimeFormat(INTL[locale()], { numeric: 'always' });
      return s < 120 ? rtf.format(s, 'second') : rtf.format(Math.ceil(s / 60), 'minute');
    } catch (e) {
      return s + ' s';
    }
  }

  function safeUrl(u) {
    if (typeof u !== 'string' || !u) return null;
    try {
      const url = new URL(u, location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  const arr = (x) => (Array.isArray(x) ? x : []);
  const str = (x) => (x == null ? '' : String(x));

  function icon(name) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('class', 'lw-icon');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', ICONS[name] || ICONS.spark);
    svg.appendChild(path);
    return svg;
  }

  /** Build an element. Children that are strings become text nodes (never HTML). */
  function h(tag, props, kids) {
    const el = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach((k) => {
        const v = props[k];
        if (v == null || v === false) return;
        if (k === 'class') el.className = v;
        else if (k === 'tid') el.setAttribute('data-testid', v);
        else if (k === 'value') el.value = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    [].concat(kids == null ? [] : kids).forEach((c) => {
      if (c == null || c === false) return;
      el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  function card(title, iconName, kids, props) {
    const p = Object.assign({ class: 'lw-card' }, props || {});
    return h('section', p, [title ? h('h3', null, [icon(iconName), title]) : null].concat(kids));
  }

  function earnWay(key) {
    const p = state.data && state.data.program;
    return arr(p && p.ways_to_earn).filter((w) => w && w.key === key)[0] || null;
  }

  function earnPoints(key) {
    const way = earnWay(key);
    return way && Number(way.points) > 0 ? Number(way.points) : 0;
  }

  function announce(text) {
    if (!ui) return;
    ui.live.textContent = '';
    setTimeout(() => { ui.live.textContent = text; }, 30);
  }

  // ---------- network ----------
  function request(path, body) {
    // Reads revalidate with the server's ETag (a cheap 304); writes are never cached.
    const opts = { credentials: 'same-origin', cache: body === undefined ? 'no-cache' : 'no-store',
      headers: { Accept: 'application/json', 'Accept-Language': locale() } };  // error texts in the widget's language
    if (attrNonce) opts.headers['X-WP-Nonce'] = attrNonce;
    if (body !== undefined) {
      opts.method = 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(proxy + path, opts).then((res) =>
      res.text().then((text) => {
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { res: res, json: json };
      }));
  }

  function errorText(res, json) {
    const reason = json && json.reason;
    if (reason === 'insufficient_points') return t('errInsufficient');
    // The server says why (in the widget's language: Accept-Language), e.g. that the shop cannot issue codes yet.
    if (reason === 'reward_unavailable') return (json && typeof json.message === 'string' && json.message) || t('errUnavailable');
    if (reason === 'birthday_locked') return t('birthdayLocked');
    if (reason === 'platform_unavailable') return t('errPlatform');
    if (reason === 'rate_limited' || (res && res.status === 429)) {
      let s = NaN;
      const header = res && res.headers.get('Retry-After');
      if (header) {
        s = /^\d+$/.test(header.trim()) ? Number(header) : Math.round((Date.parse(header) - Date.now()) / 1000);
      } else if (json && json.retry_after != null) {
        s = Number(json.retry_after);
      }
      return s > 0 ? t('errRateLimited', { when: relSeconds(Math.ceil(s)) }) : t('errRateLimitedSoon');
    }
    return (json && typeof json.message === 'string' && json.message) || t('errGeneric');
  }

  // The shopper's language choice is kept for the next page of the shop (where storage is allowed).
  const LOCALE_KEY = 'loyalty-widget-locale';
  function chooseLocale(l) {
    state.userLocale = l || null;
    try { if (l) localStorage.setItem(LOCALE_KEY, l); } catch (e) { /* storage blocked: this page only */ }
  }
  function storedLocale() {
    try { return pickLocale(localStorage.getItem(LOCALE_KEY)); } catch (e) { return null; }
  }

  function refresh() {
    const my = ++seq;
    state.loading = true;
    state.error = null;
    render();
    const chosen = state.userLocale || pickLocale(attrLocale);
    return request('/customer' + (chosen ? '?locale=' + chosen : '')).then(({ res, json }) => {
      if (my !== seq) return;
      if (res.status === 401 || res.status === 404) {
        // The shop does not know this widget (uninstalled, or not set up): nothing to offer, so nothing shown.
        state.open = false;
        ui.root.style.display = 'none';
        return;
      }
      if (!res.ok || !json || typeof json !== 'object') {
        state.loading = false;
        state.error = res.status === 429 ? errorText(res, json) : t('loadError');
        announce(state.error);
        render();
        return;
      }
      state.data = json;
      state.loaded = true;
      state.loading = false;
      render();
    }).catch(() => {
      if (my !== seq) return;
      state.loading = false;
      state.error = t('errNetwork');
      announce(state.error);
      render();
    });
  }

  function setNotice(scope, text, ok) {
    state.notice = { scope: scope, text: text, ok: !!ok };
    announce(text);
  }

  function redeem(reward) {
    if (state.busy != null) return;
    state.busy = reward.id;
    state.notice = null;
    render();
    request('/redeem', { reward_id: reward.id }).then(({ res, json }) => {
      state.busy = null;
      if (res.ok && json && json.code) {
        state.redemption = { code: String(json.code), ends_at: json.ends_at, reward: json.reward || reward, status: json.status };
        const m = state.data && state.data.member;
        if (m && typeof json.balance === 'number') {
          m.balance = json.balance;
          m.spendable = Math.max(0, json.balance - (Number(m.pending) || 0));
        }
        render();
        const el = ui.body.querySelector('[data-k="redemption"]');
        if (el) el.focus();
        announce(state.redemption.status && state.redemption.status !== 'active'
          ? t('codeTitle') + ': ' + t('codePending') : t('codeTitle') + ': ' + state.redemption.code);
        refresh();
      } else {
        setNotice('reward-' + reward.id, errorText(res, json));
        render();
        if (json && (json.reason === 'insufficient_points' || json.reason === 'reward_unavailable')) refresh();
      }
    }).catch(() => {
      state.busy = null;
      setNotice('reward-' + reward.id, t('errNetwork'));
      render();
    });
  }

  // A shopper's action from a card (birthday, newsletter): busy while it runs; what failed becomes the card's
  // notice, what succeeded is the caller's `done(json)`.
  function act(scope, busyKey, path, body, done) {
    state[busyKey] = true;
    state.notice = null;
    render();
    request(path, body).then(({ res, json }) => {
      state[busyKey] = false;
      if (res.ok && json && typeof json === 'object') done(json);
      else setNotice(scope, errorText(res, json));
      render();
    }).catch(() => {
      state[busyKey] = false;
      setNotice(scope, t('errNetwork'));
      render();
    });
  }

  function subscribe() {
    act('newsletter', 'newsletterBusy', '/newsletter', {}, (json) => {
      state.data = json;  // the refreshed picture: the points are in it
      setNotice('newsletter', t('newsletterDone'), true);
    });
  }

  function saveBirthday() {
    const v = state.birthdayValue;
    const today = new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || v > today || v < '1900-01-01') {
      setNotice('birthday', t('birthdayInvalid'));
      render();
      return;
    }
    act('birthday', 'birthdayBusy', '/birthday', { birthday: v }, (json) => {
      setNotice('birthday', t('birthdaySaved'), true);
      state.birthdayValue = '';
      const m = state.data && state.data.member;
      if (m) m.birthday = json.birthday || v;
      refresh();
    });
  }

  function legacyCopy(text) {
    const prev = shadow.activeElement;
    const ta = h('textarea', { class: 'lw-clip', readonly: true, tabindex: '-1', 'aria-hidden': 'true' });
    ta.value = text;
    ui.root.appendChild(ta);
    ta.focus();
    ta.select();
    ta.setSelectionRange(0, text.length);
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    ta.remove();
    if (prev && prev.focus) prev.focus();
    return ok;
  }

  function copy(text, key) {
    const done = (ok) => {
      state.copied = { key: key, ok: ok };
      render();
      announce(ok ? t('copied') : t('copyFailed'));
      clearTimeout(copyTimer);
      copyTimer = setTimeout(() => { state.copied = null; render(); }, 2000);
    };
    let p;
    try {
      p = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(text) : Promise.reject(new Error('no clipboard'));
    } catch (e) {
      p = Promise.reject(e);
    }
    // Some browsers leave writeText pending forever without permission: time out.
    const timeout = new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), 1500));
    return Promise.race([p, timeout]).then(() => done(true), () => done(legacyCopy(text)));
  }

  function share(url) {
    const shop = (state.data && state.data.shop) || {};
    const text = t('shareText', { shop: str(shop.name) });
    navigator.share({ title: str(shop.name), text: text, url: url }).catch(() => {});
  }

  // ---------- rendering ----------
  function copyButton(key, text, label, tid, primary) {
    const c = state.copied && state.copied.key === key ? state.copied : null;
    const visible = c ? (c.ok ? t('copied') : t('copyFailed')) : t('copy');
    return h('button', {
      type: 'button',
      class: primary ? 'lw-btn' : 'lw-btn lw-btn-sec',
      tid: tid,
      'data-k': tid,
      'aria-label': c ? visible : label,
      onclick: () => copy(text, key)
    }, [icon(c && c.ok ? 'check' : 'copy'), visible]);
  }

  function notice(scope) {
    const n = state.notice;
    if (!n || n.scope !== scope) return null;
    return h('p', {
      class: n.ok ? 'lw-note lw-note-ok' : 'lw-note',
      tid: scope === 'birthday' ? 'birthday-message' : scope === 'newsletter' ? 'newsletter-message' : 'redeem-error'
    }, [icon(n.ok ? 'check' : 'alert'), h('span', null, n.text)]);
  }

  function earnCard(program) {
    const ways = arr(program.ways_to_earn);
    if (!ways.length) return null;
    return card(t('earn'), 'trend', [
      program.points_label && !ways.some((w) => str(w.label) === str(program.points_label))
        ? h('p', { class: 'lw-lead' }, str(program.points_label)) : null,
      h('ul', { class: 'lw-list', tid: 'ways-to-earn' }, ways.map((w) => h('li', { tid: 'earn-' + str(w.key) }, [
        h('span', { class: 'lw-ico' }, icon(EARN_ICONS[w.key] || 'spark')),
        h('span', { class: 'lw-grow lw-name' }, str(w.label)),
        Number(w.points) > 0 ? h('span', { class: 'lw-pts lw-plus' }, '+' + num(Number(w.points)))
          : w.reward ? h('span', { class: 'lw-pts lw-plus' }, str(w.reward)) : null
      ])))
    ]);
  }

  function rewardsCard(rewards, member) {
    const spendable = member ? Number(member.spendable != null ? member.spendable : member.balance) || 0 : 0;
    const list = rewards.length ? h('ul', { class: 'lw-list' }, rewards.map((r) => {
      const cost = Number(r.points_cost) || 0;
      const affordable = r.affordable != null ? !!r.affordable : spendable >= cost;
      const meta = [pts(cost)];
      if (r.minimum_order && Number(r.minimum_order) > 0) meta.push(t('minOrder', { amount: money(r.minimum_order) }));
      const hintId = 'lw-hint-' + str(r.id).replace(/[^\w-]/g, '');
      let hint = null;
      let button = null;
      if (member) {
        if (!affordable) {
          hint = h('span', { class: 'lw-hint', id: hintId, tid: 'hint-' + r.id },
            cost > spendable ? t('missing', { pts: pts(cost - spendable) }) : t('unavailable'));
        }
        const busy = state.busy === r.id;
        button = h('button', {
          type: 'button',
          class: 'lw-btn',
          tid: 'redeem-' + r.id,
          'data-k': 'redeem-' + r.id,
          'aria-label': busy ? t('redeeming') : t('redeemFor', { name: str(r.name) }),
          'aria-describedby': hint ? hintId : null,
          'aria-busy': busy ? 'true' : null,
          // The busy button stays focusable (aria-disabled) so focus survives the re-render.
          'aria-disabled': busy ? 'true' : null,
          disabled: !affordable || (state.busy != null && !busy),
          onclick: () => redeem(r)
        }, busy ? t('redeeming') : t('redeem'));
      }
      return h('li', { class: 'lw-reward', tid: 'reward-' + r.id }, [
        h('span', { class: 'lw-ico' }, icon('gift')),
        h('span', { class: 'lw-grow' }, [
          h('span', { class: 'lw-name' }, str(r.name)),
          h('span', { class: 'lw-muted' }, meta.join(' · ')),
          hint
        ]),
        button,
        notice('reward-' + r.id)
      ]);
    })) : h('p', { class: 'lw-muted' }, t('noRewards'));
    return card(t('rewards'), 'gift', [list], { tid: 'rewards' });
  }

  // "My rewards": the shopper's own codes, the soonest to end first. A code the shop has not created yet comes
  // without one (status reserved/pending_push) and is shown as on its way, never as ready to use.
  function couponsCard(coupons) {
    if (!coupons.length) return null;
    return card(t('myRewards'), 'gift', h('ul', { class: 'lw-list', tid: 'coupons-list' }, coupons.map((c) => {
      const id = str(c.id).replace(/[^\w-]/g, '');
      const code = c.status === 'active' && c.code ? str(c.code) : '';
      const meta = [];
      if (c.value_label && str(c.value_label) !== str(c.label)) meta.push(str(c.value_label));
      if (c.minimum_order && Number(c.minimum_order) > 0) meta.push(t('minOrder', { amount: money(c.minimum_order) }));
      if (code && c.ends_at && date(c.ends_at)) meta.push(t('validUntil', { date: date(c.ends_at, false, true) }));
      return h('li', { class: 'lw-coupon', tid: 'coupon-' + id }, [
        h('span', { class: 'lw-ico' }, icon('gift')),
        h('span', { class: 'lw-grow' }, [
          h('span', { class: 'lw-name' }, str(c.label)),
          meta.length ? h('span', { class: 'lw-muted', tid: 'coupon-meta' }, meta.join(' · ')) : null,
          code ? null : h('span', { class: 'lw-hint', tid: 'coupon-pending' }, t('couponPending'))
        ]),
        code ? h('div', { class: 'lw-coupon-code' }, [
          h('code', { class: 'lw-code', tid: 'coupon-code' }, code),
          copyButton('coupon-' + id, code, t('copyCodeOf', { code: code }), 'copy-coupon-' + id, false)
        ]) : null
      ]);
    })), { tid: 'coupons' });
  }

  function tiersCard(program) {
    const tiers = arr(program.tiers);
    if (!tiers.length) return null;
    return card(t('tiers'), 'award', h('ul', { class: 'lw-list' }, tiers.map((tier) => h('li', { tid: 'tier-' + str(tier.key) }, [
      h('span', { class: 'lw-ico' }, icon('award')),
      h('span', { class: 'lw-grow' }, [
        h('span', { class: 'lw-name' }, str(tier.name)),
        Number(tier.threshold) > 0 ? h('span', { class: 'lw-muted' }, t('tierFrom', { amount: money(tier.threshold) })) : null
      ]),
      tier.multiplier && Number(tier.multiplier) !== 1
        ? h('span', { class: 'lw-pts' }, t('multiplier', { x: num(Number(tier.multiplier)) })) : null
    ]))));
  }

  function memberView(d) {
    const m = d.member;
    const program = d.program || {};
    const spendable = Number(m.spendable != null ? m.spendable : m.balance) || 0;
    const pending = Number(m.pending) || 0;
    const out = [];

    out.push(h('div', { class: 'lw-hero' }, [
      h('h3', null, m.first_name ? t('hello', { name: str(m.first_name) }) : t('helloAnon')),
      h('p', null, t('welcome'))
    ]));

    const chips = [];
    if (pending > 0) chips.push(h('span', { class: 'lw-chip', tid: 'pending' }, [icon('clock'), t('pending', { pts: pts(pending) })]));
    const pv = program.point_value;
    if (pv && Number(pv.points) > 0 && pv.amount != null) {
      chips.push(h('span', { class: 'lw-chip lw-chip-accent' }, t('worth', { pts: pts(pv.points), amount: money(pv.amount) })));
    }
    out.push(h('section', { class: 'lw-card', 'aria-label': t('balance') }, [
      h('span', { class: 'lw-kicker' }, t('balance')),
      h('p', { class: 'lw-balance' }, [h('strong', { tid: 'balance' }, num(spendable)), h('span', null, spendable === 1 ? t('pt') : t('pts'))]),
      chips.length ? h('div', { class: 'lw-chips' }, chips) : null
    ]));

    const r = state.redemption;
    if (r) {
      // The reward's name as the picture has it now (in the language chosen since), else as redeemed.
      const now = arr(d.rewards).filter((x) => x && r.reward && x.id === r.reward.id)[0];
      const rname = now && now.name ? str(now.name) : r.reward && r.reward.name ? str(r.reward.name) : '';
      out.push(h('section', { class: 'lw-card lw-code-card', tid: 'redemption', 'data-k': 'redemption', tabindex: '-1', 'aria-labelledby': 'lw-code-title' }, [
        h('h3', { id: 'lw-code-title' }, [icon('gift'), t('codeTitle')]),
        rname ? h('p', { class: 'lw-name' }, rname) : null,
        // A code the shop has not created yet (it was unreachable) is neither shown nor offered to copy: it
        // would be refused at checkout. It comes by email, and into "My rewards", once the shop has it.
        r.status && r.status !== 'active'
          ? h('p', { class: 'lw-hint', tid: 'code-pending' }, t('codePending'))
          : h('div', { class: 'lw-code-row' }, [
            h('code', { class: 'lw-code', tid: 'code' }, r.code),
            copyButton('code', r.code, t('copyCode'), 'copy-code', true)
          ]),
        r.status && r.status !== 'active' ? null
          : h('p', { class: 'lw-muted' }, [r.ends_at && date(r.ends_at) ? t('validUntil', { date: date(r.ends_at, false, true) }) + ' · ' : '', t('codeHint')])
      ]));
    }

    out.push(couponsCard(arr(d.coupons).filter((c) => c && typeof c === 'object')));

    const tier = d.tier;
    if (tier && tier.current) {
      const cur = tier.current;
      const kids = [h('div', { class: 'lw-tier-row' }, [
        h('span', { class: 'lw-badge', tid: 'tier-name' }, [icon('award'), str(cur.name)]),
        cur.multiplier && Number(cur.multiplier) !== 1
          ? h('span', { class: 'lw-muted' }, t('multiplier', { x: num(Number(cur.multiplier)) })) : null
      ])];
      if (tier.next) {
        let p = Number(tier.progress);
        p = isFinite(p) ? Math.max(0, Math.min(1, p)) : 0;
        const pct = Math.round(p * 100);
        const bar = h('span');
        bar.style.width = pct + '%';
        kids.push(h('div', {
          class: 'lw-bar', role: 'progressbar', tid: 'progress',
          'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct),
          'aria-valuetext': tier.label ? str(tier.label) : pct + '%',
          'aria-label': t('progressTo', { tier: str(tier.next.name) })
        }, bar));
      }
      kids.push(h('p', { class: 'lw-tier-label', tid: 'tier-label' }, tier.label ? str(tier.label) : (tier.next ? '' : t('tierMax'))));
      const perks = arr(cur.perks);
      if (perks.length) {
        kids.push(h('ul', { class: 'lw-perks' }, perks.map((perk) => h('li', null, [icon('check'), h('span', null, str(perk))]))));
      }
      out.push(card(t('tier'), 'award', kids, { tid: 'tier' }));
    }

    out.push(rewardsCard(arr(d.rewards), m));
    out.push(earnCard(program));

    const refUrl = safeUrl(m.referral_url);
    if (refUrl) {
      const bonus = earnPoints('referral');
      const coupon = bonus ? '' : str((earnWay('referral') || {}).reward || '');
      const lead = bonus ? t('referralBonus', { pts: pts(bonus) })
        : coupon ? t('referralCoupon', { reward: coupon }) : t('referralText');
      const friend = str(program.referral_friend_reward || '');
      out.push(card(t('referral'), 'users', [
        h('p', { class: 'lw-lead', tid: 'referral-lead' }, lead),
        friend ? h('p', { class: 'lw-lead', tid: 'referral-friend' }, t('referralFriend', { reward: friend })) : null,
        h('label', { class: 'lw-sr', for: 'lw-ref' }, t('referralLabel')),
        h('div', { class: 'lw-row lw-ref-row' }, [
          h('input', { class: 'lw-input', id: 'lw-ref', tid: 'referral-url', readonly: true, value: refUrl, onfocus: (e) => e.target.select() }),
          copyButton('ref', refUrl, t('copyLink'), 'copy-referral', false),
          typeof navigator.share === 'function'
            ? h('button', { type: 'button', class: 'lw-btn lw-btn-sec', tid: 'share-referral', 'data-k': 'share-referral', onclick: () => share(refUrl) }, [icon('share'), t('share')])
            : null
        ])
      ], { tid: 'referral' }));
    }

    if (!m.birthday) {
      const bonus = earnPoints('birthday');
      const max = new Date().toISOString().slice(0, 10);
      out.push(card(t('birthday'), 'gift', [
        h('p', { class: 'lw-lead' }, bonus ? t('birthdayBonus', { pts: pts(bonus) }) : t('birthdayText')),
        h('label', { class: 'lw-label', for: 'lw-bday' }, t('birthdayLabel')),
        h('div', { class: 'lw-row' }, [
          h('input', {
            class: 'lw-input', id: 'lw-bday', type: 'date', tid: 'birthday-input', 'data-k': 'birthday-input',
            min: '1900-01-01', max: max, value: state.birthdayValue, autocomplete: 'bday',
            oninput: (e) => { state.birthdayValue = e.target.value; },
            onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); if (!state.birthdayBusy) saveBirthday(); } }
          }),
          h('button', {
            type: 'button', class: 'lw-btn', tid: 'birthday-save', 'data-k': 'birthday-save',
            'aria-disabled': state.birthdayBusy ? 'true' : null,
            onclick: () => { if (!state.birthdayBusy) saveBirthday(); }
          }, state.birthdayBusy ? t('saving') : t('save'))
        ]),
        notice('birthday')
      ], { tid: 'birthday' }));
    } else if (state.notice && state.notice.scope === 'birthday') {
      out.push(notice('birthday'));
    }

    if (!m.newsletter && earnWay('newsletter')) {
      const bonus = earnPoints('newsletter');
      out.push(card(t('newsletter'), 'spark', [
        h('p', { class: 'lw-lead' }, bonus ? t('newsletterBonus', { pts: pts(bonus) }) : t('newsletterText')),
        h('button', {
          type: 'button', class: 'lw-btn', tid: 'newsletter-join', 'data-k': 'newsletter-join',
          'aria-disabled': state.newsletterBusy ? 'true' : null,
          onclick: () => { if (!state.newsletterBusy) subscribe(); }
        }, t('newsletterJoin')),
        notice('newsletter')
      ], { tid: 'newsletter' }));
    } else if (state.notice && state.notice.scope === 'newsletter') {
      out.push(notice('newsletter'));
    }

    const expiring = arr(d.expiring).filter((e) => e && Number(e.points) > 0);
    if (expiring.length) {
      out.push(card(t('expiring'), 'clock', h('ul', { class: 'lw-list' }, expiring.map((e) => h('li', { tid: 'expiring-item' }, [
        h('span', { class: 'lw-ico' }, icon('clock')),
        h('span', { class: 'lw-grow' }, t('expiresOn', { pts: pts(e.points), date: date(e.expires_at, true) }))
      ]))), { tid: 'expiring' }));
    }

    const history = arr(d.history).slice(0, 20);
    out.push(card(t('history'), 'list', history.length ? h('ol', { class: 'lw-list' }, history.map((e) => {
      const delta = Number(e.delta) || 0;
      const sign = delta > 0 ? '+' : delta < 0 ? '\u2212' : '';
      return h('li', { tid: 'history-item' }, [
        h('span', { class: 'lw-grow' }, [
          h('span', { class: 'lw-name' }, str(e.label)),
          h('time', { class: 'lw-muted', datetime: str(e.at) }, date(e.at))
        ]),
        h('span', { class: 'lw-pts ' + (delta < 0 ? 'lw-minus' : 'lw-plus') }, [
          sign + num(Math.abs(delta)),
          h('span', { class: 'lw-sr' }, ' ' + (Math.abs(delta) === 1 ? t('pt') : t('pts')))
        ])
      ]);
    })) : h('p', { class: 'lw-muted' }, t('historyEmpty')), { tid: 'history' }));

    return out;
  }

  function guestView(d) {
    const shop = d.shop || {};
    const program = d.program || {};
    const signup = safeUrl(program.signup_url);
    const login = safeUrl(program.login_url);
    return [
      h('div', { class: 'lw-hero' }, [
        h('h3', null, shop.name ? t('guestTitle', { shop: str(shop.name) }) : t('guestTitleAnon')),
        h('p', null, t('guestText'))
      ]),
      h('section', { class: 'lw-card', tid: 'guest-cta' }, [
        signup ? h('a', { class: 'lw-btn lw-btn-block', href: signup, tid: 'guest-signup', 'data-k': 'guest-signup' }, t('signup')) : null,
        login ? h('p', { class: 'lw-center lw-muted' }, [
          t('haveAccount') + ' ',
          h('a', { class: 'lw-link', href: login, tid: 'guest-login', 'data-k': 'guest-login' }, t('login'))
        ]) : null
      ]),
      earnCard(program),
      rewardsCard(arr(d.rewards), null),
      tiersCard(program)
    ];
  }

  function loadingView() {
    return [h('section', { class: 'lw-card', 'aria-busy': 'true' }, [
      h('span', { class: 'lw-sr' }, t('loading')),
      h('div', { class: 'lw-skel', style: 'width:40%' }),
      h('div', { class: 'lw-skel', style: 'width:70%;height:28px' }),
      h('div', { class: 'lw-skel', style: 'width:55%' })
    ])];
  }

  function errorView() {
    return h('section', { class: 'lw-card lw-error', tid: 'error' }, [
      h('p', { class: 'lw-note' }, [icon('alert'), h('span', null, state.error)]),
      h('button', { type: 'button', class: 'lw-btn', tid: 'retry', 'data-k': 'retry', onclick: () => refresh() }, t('retry'))
    ]);
  }

  function render() {
    if (!ui) return;
    const d = state.data;
    const loc = locale();
    const shop = (d && d.shop) || {};
    const member = d && d.member;

    ui.root.setAttribute('lang', loc);

    // Launcher
    ui.launcherLabel.textContent = t('launcher');
    ui.launcher.setAttribute('aria-expanded', state.open ? 'true' : 'false');
    if (member) {
      const spendable = Number(member.spendable != null ? member.spendable : member.balance) || 0;
      ui.launcherBalance.hidden = false;
      ui.launcherBalance.textContent = num(spendable);
      ui.launcherUnit.textContent = ' ' + (spendable === 1 ? t('pt') : t('pts'));
    } else {
      ui.launcherBalance.hidden = true;
      ui.launcherUnit.textContent = '';
    }

    // Header
    ui.shopName.textContent = str(shop.name);
    ui.title.textContent = t('title');
    ui.close.setAttribute('aria-label', t('close'));
    ui.close.setAttribute('title', t('close'));
    const other = loc === 'de' ? 'en' : 'de';
    ui.langToggle.setAttribute('lang', other);
    ui.langToggle.textContent = '';
    ui.langToggle.appendChild(h('span', { class: 'lw-sr' }, t('langSwitch') + ': '));
    ui.langToggle.appendChild(document.createTextNode(t('langCode')));
    ui.panel.hidden = !state.open;
    if (!state.open) return;

    // Body: re-render, keeping focus (by data-k) and scroll position.
    const active = shadow.activeElement;
    const focusKey = active && ui.body.contains(active) ? active.getAttribute('data-k') : null;
    const scroll = ui.body.scrollTop;
    const kids = [];
    if (state.error) kids.push(errorView());
    if (d) kids.push.apply(kids, member ? memberView(d) : guestView(d));
    else if (!state.error) kids.push.apply(kids, loadingView());
    ui.body.textContent = '';
    kids.forEach((k) => { if (k) ui.body.appendChild(k); });
    ui.body.setAttribute('aria-busy', state.loading ? 'true' : 'false');
    ui.body.scrollTop = scroll;
    if (focusKey) {
      const el = Array.prototype.slice.call(ui.body.querySelectorAll('[data-k]'))
        .filter((e) => e.getAttribute('data-k') === focusKey)[0];
      if (el && !el.disabled) el.focus();
      else if (active !== shadow.activeElement) ui.title.focus();
    }
  }

  // ---------- open / close ----------
  function open() {
    if (!ui) return;
    state.open = true;
    ui.panel.setAttribute('aria-modal', isSheet() ? 'true' : 'false');
    render();
    ui.title.focus();
    if (!state.loaded && !state.loading) refresh();
  }

  // On a phone the panel is a bottom sheet over the page and the launcher: a modal dialog, so Tab cycles
  // inside it instead of walking on into the page hidden behind.
  const SHEET = '(max-width: 479.98px)';
  function isSheet() {
    return !!(window.matchMedia && window.matchMedia(SHEET).matches);
  }

  function keepFocusInPanel(e) {
    const focusable = Array.prototype.filter.call(
      ui.panel.querySelectorAll('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])'),
      (el) => !el.disabled && el.getClientRects().length > 0);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const at = shadow.activeElement;
    if (e.shiftKey && (at === first || !ui.panel.contains(at))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (at === last || !ui.panel.contains(at))) {
      e.preventDefault();
      first.focus();
    }
  }

  function close(returnFocus) {
    if (!ui) return;
    const hadFocus = ui.panel.contains(shadow.activeElement);
    state.open = false;
    render();
    if (returnFocus || hadFocus) ui.launcher.focus();
  }

  function applyAccent() {
    if (attrAccent && window.CSS && CSS_supports(attrAccent)) host.style.setProperty('--loyalty-accent', attrAccent);
    // Pick black or white text for the best contrast on the accent colour.
    const probe = h('span', { style: 'color:var(--loyalty-accent,#4f46e5);display:none' });
    ui.root.appendChild(probe);
    const m = getComputedStyle(probe).color.match(/[\d.]+/g);
    probe.remove();
    if (!m || m.length < 3) return;
    const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    const L = 0.2126 * lin(+m[0]) + 0.7152 * lin(+m[1]) + 0.0722 * lin(+m[2]);
    const onWhite = 1.05 / (L + 0.05);
    const onBlack = (L + 0.05) / 0.05;
    host.style.setProperty('--loyalty-on-accent', onWhite >= onBlack ? '#fff' : '#111827');
  }

  function CSS_supports(color) {
    try { return window.CSS.supports('color', color); } catch (e) { return false; }
  }

  function mount() {
    if (mounted) return;
    mounted = true;
    host = document.createElement('loyalty-widget');
    host.id = 'loyalty-widget';
    shadow = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = CSS;
    shadow.appendChild(style);

    const launcherLabel = h('span');
    const launcherBalance = h('span', { class: 'lw-pill', tid: 'launcher-balance', hidden: true });
    const launcherUnit = h('span', { class: 'lw-sr' });
    const launcher = h('button', {
      type: 'button', class: 'lw-launcher', tid: 'launcher',
      'aria-expanded': 'false', 'aria-controls': 'lw-panel', 'aria-haspopup': 'dialog',
      onclick: () => (state.open ? close(true) : open())
    }, [icon('gift'), launcherLabel, launcherBalance, launcherUnit]);

    const shopName = h('span', { class: 'lw-shop' });
    const title = h('h2', { class: 'lw-title', id: 'lw-title', tabindex: '-1' });
    const langToggle = h('button', {
      type: 'button', class: 'lw-hbtn', tid: 'lang-toggle',
      onclick: () => { chooseLocale(locale() === 'de' ? 'en' : 'de'); state.notice = null; render(); refresh(); }
    });
    const closeBtn = h('button', { type: 'button', class: 'lw-hbtn', tid: 'close', onclick: () => close(true) }, icon('close'));
    const body = h('div', { class: 'lw-body' });
    const panel = h('div', {
      class: 'lw-panel', id: 'lw-panel', role: 'dialog', 'aria-modal': 'false',
      'aria-labelledby': 'lw-title', tid: 'panel', hidden: true
    }, [
      h('div', { class: 'lw-head' }, [h('div', { class: 'lw-head-text' }, [shopName, title]), langToggle, closeBtn]),
      body
    ]);
    const live = h('div', { class: 'lw-sr', 'aria-live': 'polite', role: 'status' });
    const root = h('div', { class: 'lw' + (attrPosition === 'left' ? ' lw-left' : '') }, [launcher, panel, live]);
    root.addEventListener('keydown', (e) => {
      if ((e.key === 'Escape' || e.key === 'Esc') && state.open) {
        e.stopPropagation();
        close(true);
      } else if (e.key === 'Tab' && state.open && isSheet()) {
        keepFocusInPanel(e);
      }
    });
    shadow.appendChild(root);
    ui = { root, launcher, launcherLabel, launcherBalance, launcherUnit, shopName, title, langToggle, close: closeBtn, body, panel, live };
    document.body.appendChild(host);
    applyAccent();

    // Theme links such as <a href="#loyalty"> or [data-loyalty-open] open the panel.
    document.addEventListener('click', (e) => {
      const el = e.target && e.target.closest ? e.target.closest('a[href="#loyalty"],[data-loyalty-open]') : null;
      if (el) {
        e.preventDefault();
        open();
      }
    });

    state.userLocale = state.userLocale || storedLocale();
    render();
    refresh();
    if (location.hash === '#loyalty') open();
  }

  window.LoyaltyWidget = {
    open: () => { mount(); open(); },
    close: () => close(false),
    refresh: () => { mount(); return refresh(); },
    setLocale: (l) => { chooseLocale(pickLocale(l)); render(); return refresh(); },
    get state() { return JSON.parse(JSON.stringify({ open: state.open, loading: state.loading, error: state.error, locale: locale(), data: state.data, redemption: state.redemption })); }
  };

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
