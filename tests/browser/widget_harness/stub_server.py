"""Stub storefront + fake App Proxy for developing and checking the loyalty widget.

Run:  python tests/browser/widget_harness/stub_server.py [--port 8765]
Open: http://127.0.0.1:8765/?mode=member&locale=de

Only the Python standard library is used. The page is tests/browser/widget_harness/
index.html with the real <script src="/widget.js" data-proxy="/apps/loyalty" ...> tag;
/widget.js is read fresh from app/static/widget/widget.js on every request.

Query parameters of the page (remembered in cookies so the widget's fetches,
which carry no query string, see them):

  mode      member (default) | guest | error (GET /customer -> 500 always)
            | flaky (first two GET /customer -> 500, then OK: the widget loads
              on page load and again when opened after a failure, so the
              panel shows the error + retry button, and retry succeeds)
            | locked (member without birthday, POST /birthday -> 409 birthday_locked)
            | stale  (member whose reward list claims every reward is affordable,
              so redeeming id 4 shows the insufficient_points message)
  shop      de (default) | en      language/currency of the *server* data
  locale    value of data-locale on the script tag (omitted when not given)
  accent    value of data-accent   (omitted when not given)
  position  value of data-position (omitted when not given)
  delay     milliseconds to wait before every /apps/loyalty response

Every page load starts a fresh in-memory session (cookie `sid`). The API endpoints
also accept ?mode=...&shop=... directly, e.g. curl /apps/loyalty/customer?mode=guest.

Redeem outcomes by reward id (German and English data alike):
  1, 2  201 with a code (409 insufficient_points once the balance is too low)
  3     503 platform_unavailable
  4     not affordable: 409 insufficient_points
  5     409 reward_unavailable
  6     429 rate_limited with Retry-After: 30
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import secrets
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
WIDGET_JS = REPO / "app" / "static" / "widget" / "widget.js"
INDEX = HERE / "index.html"

PAGE_PARAMS = ("mode", "shop", "locale", "accent", "position", "delay")

DATA = {
    "de": {
        "shop": {"name": "Kaffeerösterei Müller", "currency": "EUR", "locale": "de"},
        "member": {
            "first_name": "Jürgen",
            "referral_code": "JUERGEN-4K7M",
            "referral_url": "https://shop.example/?ref=JUERGEN-4K7M",
            "birthday": None,
        },
        "tier": {
            "current": {
                "key": "silber",
                "name": "Silber",
                "multiplier": "1.25",
                "perks": ["Gratisversand ab 30 €", "Früher Zugang zu neuen Röstungen"],
            },
            "next": {"key": "gold", "name": "Gold", "threshold": "500.00"},
            "progress": 0.62,
            "remaining": "38.00",
            "label": "noch 38,00 € bis Gold",
        },
        "program": {
            "points_label": "1 Punkt pro 1 €",
            "point_value": {"points": 100, "amount": "1.00"},
            "ways_to_earn": [
                {"key": "order", "label": "1 Punkt pro 1 € Einkauf"},
                {"key": "signup", "label": "Konto erstellen", "points": 100},
                {"key": "birthday", "label": "Geburtstag", "points": 200},
                {"key": "review", "label": "Bewertung schreiben", "points": 50},
                {"key": "referral", "label": "Freunde werben", "points": 500},
            ],
            "tiers": [
                {"key": "bronze", "name": "Bronze", "threshold": "0.00", "multiplier": "1.00"},
                {"key": "silber", "name": "Silber", "threshold": "200.00", "multiplier": "1.25"},
                {"key": "gold", "name": "Gold", "threshold": "500.00", "multiplier": "1.50"},
            ],
            "signup_url": "/account/register",
            "login_url": "/account/login",
        },
        "rewards": [
            {
                "id": 1,
                "name": "5,00 € Rabatt",
                "kind": "fixed_amount",
                "points_cost": 500,
                "value": "5.00",
                "minimum_order": "20.00",
            },
            {
                "id": 2,
                "name": "10 % Rabatt",
                "kind": "percentage",
                "points_cost": 1000,
                "value": "10",
                "minimum_order": None,
            },
            {
                "id": 3,
                "name": "Gratisversand",
                "kind": "free_shipping",
                "points_cost": 300,
                "value": None,
                "minimum_order": None,
            },
            {
                "id": 4,
                "name": "Kaffeebecher gratis",
                "kind": "product",
                "points_cost": 1500,
                "value": None,
                "minimum_order": None,
            },
            {
                "id": 5,
                "name": "Probierset",
                "kind": "product",
                "points_cost": 800,
                "value": None,
                "minimum_order": None,
            },
            {
                "id": 6,
                "name": "11,00 € Rabatt",
                "kind": "fixed_amount",
                "points_cost": 1100,
                "value": "11.00",
                "minimum_order": "40.00",
            },
        ],
        "history_labels": [
            "Bestellung #1042",
            "Bewertung geschrieben",
            "Prämie eingelöst: 5,00 € Rabatt",
            "Bestellung #1017",
            "Konto erstellt",
        ],
        "redeemed": "Prämie eingelöst: {name}",
        "birthday_label": "Geburtstag",
    },
    "en": {
        "shop": {"name": "Miller Coffee Roasters", "currency": "GBP", "locale": "en"},
        "member": {
            "first_name": "Emma",
            "referral_code": "EMMA-7Q2X",
            "referral_url": "https://shop.example/?ref=EMMA-7Q2X",
            "birthday": None,
        },
        "tier": {
            "current": {
                "key": "silver",
                "name": "Silver",
                "multiplier": "1.25",
                "perks": ["Free shipping over £30", "Early access to new roasts"],
            },
            "next": {"key": "gold", "name": "Gold", "threshold": "500.00"},
            "progress": 0.62,
            "remaining": "38.00",
            "label": "£38.00 to Gold",
        },
        "program": {
            "points_label": "1 point per £1",
            "point_value": {"points": 100, "amount": "1.00"},
            "ways_to_earn": [
                {"key": "order", "label": "1 point per £1 spent"},
                {"key": "signup", "label": "Create an account", "points": 100},
                {"key": "birthday", "label": "Birthday", "points": 200},
                {"key": "review", "label": "Write a review", "points": 50},
                {"key": "referral", "label": "Refer a friend", "points": 500},
            ],
            "tiers": [
                {"key": "bronze", "name": "Bronze", "threshold": "0.00", "multiplier": "1.00"},
                {"key": "silver", "name": "Silver", "threshold": "200.00", "multiplier": "1.25"},
                {"key": "gold", "name": "Gold", "threshold": "500.00", "multiplier": "1.50"},
            ],
            "signup_url": "/account/register",
            "login_url": "/account/login",
        },
        "rewards": [
            {
                "id": 1,
                "name": "£5 off",
                "kind": "fixed_amount",
                "points_cost": 500,
                "value": "5.00",
                "minimum_order": "20.00",
            },
            {
                "id": 2,
                "name": "10% off",
                "kind": "percentage",
                "points_cost": 1000,
                "value": "10",
                "minimum_order": None,
            },
            {
                "id": 3,
                "name": "Free shipping",
                "kind": "free_shipping",
                "points_cost": 300,
                "value": None,
                "minimum_order": None,
            },
            {
                "id": 4,
                "name": "Free coffee mug",
                "kind": "product",
                "points_cost": 1500,
                "value": None,
                "minimum_order": None,
            },
            {
                "id": 5,
                "name": "Tasting set",
                "kind": "product",
                "points_cost": 800,
                "value": None,
                "minimum_order": None,
            },
            {
                "id": 6,
                "name": "£11 off",
                "kind": "fixed_amount",
                "points_cost": 1100,
                "value": "11.00",
                "minimum_order": "40.00",
            },
        ],
        "history_labels": [
            "Order #1042",
            "Review written",
            "Reward redeemed: £5 off",
            "Order #1017",
            "Account created",
        ],
        "redeemed": "Reward redeemed: {name}",
        "birthday_label": "Birthday",
    },
}


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Session:
    """Mutable member state of one page load."""

    def __init__(self) -> None:
        now = datetime.now(UTC)
        self.balance = 1240
        self.pending = 120
        self.birthday: str | None = None
        self.customer_calls = 0
        self.history = [
            {"at": _iso(now - timedelta(days=2)), "delta": 120, "i": 0},
            {"at": _iso(now - timedelta(days=9)), "delta": 50, "i": 1},
            {"at": _iso(now - timedelta(days=30)), "delta": -500, "i": 2},
            {"at": _iso(now - timedelta(days=41)), "delta": 870, "i": 3},
            {"at": _iso(now - timedelta(days=60)), "delta": 100, "i": 4},
        ]
        self.lock = threading.Lock()

    @property
    def spendable(self) -> int:
        return self.balance - self.pending


SESSIONS: dict[str, Session] = {}
SESSIONS_LOCK = threading.Lock()


def customer_payload(sess: Session, mode: str, shop: str) -> dict:
    src = DATA[shop]
    out = {"shop": copy.deepcopy(src["shop"]), "program": copy.deepcopy(src["program"])}
    rewards = copy.deepcopy(src["rewards"])
    if mode == "guest":
        for r in rewards:
            r["affordable"] = False
        out.update(member=None, tier=None, rewards=rewards, expiring=[], history=[])
        return out
    member = copy.deepcopy(src["member"])
    member.update(balance=sess.balance, pending=sess.pending, spendable=sess.spendable, birthday=sess.birthday)
    for r in rewards:
        r["affordable"] = mode == "stale" or r["points_cost"] <= sess.spendable
    history = []
    for h in sess.history[:20]:
        label = h.get("label") or src["history_labels"][h["i"]]
        history.append({"at": h["at"], "delta": h["delta"], "label": label})
    out.update(
        member=member,
        tier=copy.deepcopy(src["tier"]),
        rewards=rewards,
        expiring=[{"points": 50, "expires_at": f"{datetime.now(UTC).date().year}-12-31T00:00:00Z"}],
        history=history,
    )
    return out


def new_code() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
    return "TREUE-" + "-".join(groups)


class Handler(BaseHTTPRequestHandler):
    server_version = "WidgetStub/1.0"

    def log_message(self, fmt, *args):  # keep test output quiet
        if getattr(self.server, "verbose", False):
            super().log_message(fmt, *args)

    # ---------- helpers ----------
    def _params(self) -> tuple[dict, dict]:
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        jar = cookies.SimpleCookie(self.headers.get("Cookie", ""))
        cook = {k: unquote(m.value) for k, m in jar.items()}
        return query, cook

    def _setting(self, name: str, default: str = "") -> str:
        query, cook = self._params()
        return query.get(name) or cook.get("w_" + name) or default

    def _session(self) -> Session:
        _, cook = self._params()
        sid = cook.get("sid") or "default"
        with SESSIONS_LOCK:
            return SESSIONS.setdefault(sid, Session())

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload, headers: dict | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, status: int, phrase: str, message: str, reason: str, headers: dict | None = None) -> None:
        self._json(status, {"code": status, "status": phrase, "message": message, "reason": reason}, headers)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}

    def _delay(self) -> None:
        try:
            ms = int(self._setting("delay", "0"))
        except ValueError:
            ms = 0
        if ms > 0:
            time.sleep(min(ms, 10_000) / 1000)

    # ---------- routes ----------
    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urlparse(self.path).path
        if path in ("/", "/index.html"):
            return self._index()
        if path == "/widget.js":
            return self._send(200, WIDGET_JS.read_bytes(), "application/javascript; charset=utf-8")
        if path == "/apps/loyalty/customer":
            return self._customer()
        if path in ("/account/register", "/account/login"):
            return self._send(200, f"<h1>{path}</h1>".encode(), "text/html; charset=utf-8")
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        return self._error(404, "Not Found", "no such page", "not_found")

    def do_POST(self):
        path = urlparse(self.path).path
        if path == "/apps/loyalty/redeem":
            return self._redeem()
        if path == "/apps/loyalty/birthday":
            return self._birthday()
        return self._error(404, "Not Found", "no such endpoint", "not_found")

    def _index(self):
        query, _ = self._params()
        attrs = ['src="/widget.js"', 'data-proxy="/apps/loyalty"']
        for name in ("locale", "accent", "position"):
            if query.get(name):
                attrs.append(f'data-{name}="{html.escape(query[name], quote=True)}"')
        tag = f"<script {' '.join(attrs)} async></script>"
        page = INDEX.read_text(encoding="utf-8").replace("<!--WIDGET_SCRIPT-->", tag)
        sid = secrets.token_hex(8)
        with SESSIONS_LOCK:
            SESSIONS[sid] = Session()
        self.send_response(200)
        body = page.encode()
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Set-Cookie", f"sid={sid}; Path=/; SameSite=Lax")
        for name in PAGE_PARAMS:
            value = query.get(name, "")
            self.send_header("Set-Cookie", f"w_{name}={quote(value, safe='')}; Path=/; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)

    def _customer(self):
        self._delay()
        mode = self._setting("mode", "member")
        shop = "en" if self._setting("shop") == "en" else "de"
        sess = self._session()
        with sess.lock:
            sess.customer_calls += 1
            calls = sess.customer_calls
        if mode == "error" or (mode == "flaky" and calls <= 2):
            return self._error(500, "Internal Server Error", "boom", "internal_error")
        return self._json(200, customer_payload(sess, mode, shop))

    def _redeem(self):
        self._delay()
        mode = self._setting("mode", "member")
        shop = "en" if self._setting("shop") == "en" else "de"
        if mode == "guest":
            return self._error(401, "Unauthorized", "Please log in.", "not_logged_in")
        body = self._body()
        rid = body.get("reward_id")
        reward = next((r for r in DATA[shop]["rewards"] if r["id"] == rid), None)
        if reward is None:
            return self._error(404, "Not Found", "Unknown reward.", "reward_not_found")
        if rid == 3:
            return self._error(503, "Service Unavailable", "Shopify is not reachable.", "platform_unavailable")
        if rid == 5:
            return self._error(409, "Conflict", "Reward is inactive.", "reward_unavailable")
        if rid == 6:
            return self._error(429, "Too Many Requests", "Slow down.", "rate_limited", {"Retry-After": "30"})
        sess = self._session()
        with sess.lock:
            if reward["points_cost"] > sess.spendable:
                return self._error(409, "Conflict", "Not enough points.", "insufficient_points")
            sess.balance -= reward["points_cost"]
            now = datetime.now(UTC)
            sess.history.insert(
                0,
                {
                    "at": _iso(now),
                    "delta": -reward["points_cost"],
                    "label": DATA[shop]["redeemed"].format(name=reward["name"]),
                },
            )
            balance = sess.balance
        payload = {
            "code": new_code(),
            "ends_at": _iso(datetime.now(UTC) + timedelta(days=30)),
            "balance": balance,
            "reward": {k: reward[k] for k in ("id", "name", "kind", "points_cost", "value", "minimum_order")},
        }
        return self._json(201, payload)

    def _birthday(self):
        self._delay()
        mode = self._setting("mode", "member")
        if mode == "guest":
            return self._error(401, "Unauthorized", "Please log in.", "not_logged_in")
        value = str(self._body().get("birthday") or "")
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return self._error(422, "Unprocessable Entity", "Invalid date.", "invalid_birthday")
        if parsed > datetime.now(UTC).date():
            return self._error(422, "Unprocessable Entity", "Birthday is in the future.", "invalid_birthday")
        sess = self._session()
        with sess.lock:
            if mode == "locked" or sess.birthday is not None:
                return self._error(409, "Conflict", "Birthday already set.", "birthday_locked")
            sess.birthday = value
        return self._json(200, {"birthday": value})


def make_server(host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> ThreadingHTTPServer:
    """Create (not start) the stub server; port 0 picks a free port (see server.server_port)."""
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.verbose = verbose
    return server


def serve_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start the stub in a daemon thread; returns (server, base_url). Call server.shutdown() to stop."""
    server = make_server(host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.verbose)
    sys.stdout.write(f"widget harness on http://{args.host}:{server.server_port}/?mode=member&locale=de\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
