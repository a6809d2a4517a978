"""A seeded, realistic history of a German coffee shop: shoppers, orders, refunds and cancellations."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

FIRST_NAMES = [
    "Jürgen",
    "Zoë",
    "Björn",
    "Käthe",
    "Sören",
    "Jörg",
    "Günther",
    "Lena",
    "Müge",
    "Anna",
    "Lukas",
    "Änne",
    "Özlem",
    "Matthias",
    "Sophie",
    "Jonas",
    "Hannah",
    "Felix",
    "Marie",
    "Jürgen-Ötzi",
]
LAST_NAMES = [
    "Weiß",
    "Müller",
    "Schröder",
    "Bäcker",
    "Köhler",
    "Groß",
    "Krüger",
    "Öztürk",
    "Hoffmann",
    "Schäfer",
    "Fuchs",
    "Jäger",
    "Lehmann",
    "Böhm",
    "Wagner",
    "Günther",
    "Schmitz",
    "Vogt",
    "Wöhler",
    "Dürr",
]
CITIES = [
    ("Köln", "50667"),
    ("München", "80331"),
    ("Düsseldorf", "40213"),
    ("Nürnberg", "90402"),
    ("Lübeck", "23552"),
    ("Würzburg", "97070"),
    ("Berlin", "10115"),
    ("Hamburg", "20095"),
]
PRODUCTS = [  # (product id, title, gross price, VAT rate)
    (9001, "Espresso »Morgenrot« 1 kg", Decimal("24.90"), Decimal("0.07")),
    (9002, "Filterkaffee Hochland 500 g", Decimal("12.50"), Decimal("0.07")),
    (9003, "Entkoffeiniert Süße Mandel 250 g", Decimal("8.90"), Decimal("0.07")),
    (9004, "Handmühle Edelstahl", Decimal("49.00"), Decimal("0.19")),
    (9005, "Tasse »Guten Morgen« Steingut", Decimal("14.90"), Decimal("0.19")),
    (9006, "Milchaufschäumer", Decimal("29.90"), Decimal("0.19")),
]


ONE_TIME_BUYERS = 0.65  # share of shoppers who order once


@dataclass(frozen=True)
class Shopper:
    customer_id: int | None  # None: a guest
    first_name: str
    last_name: str
    email: str
    city: str
    postcode: str
    street: str
    accepts_marketing: bool


@dataclass
class DemoOrder:
    order_id: int
    number: int
    shopper: Shopper
    placed_at: datetime
    lines: list[tuple[int, str, Decimal, Decimal, int]]  # product id, title, gross unit price, VAT rate, quantity
    shipping: Decimal
    fate: str  # kept | cancelled | partial_refund | full_refund | shipping_refund
    refund_at: datetime | None = None
    refunds: list[dict[str, object]] = field(default_factory=list)
    discount: tuple[str, str, Decimal] | None = None  # the code redeemed for it: (code, reward kind, value)

    @property
    def gross(self) -> Decimal:
        """What its goods cost, tax included, before any discount."""
        return sum((price * quantity for _, _, price, _, quantity in self.lines), Decimal("0"))


@dataclass(frozen=True)
class DemoEvent:
    at: datetime
    topic: str
    subject: object  # a Shopper (customers/create) or a DemoOrder


def _ascii(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ë": "e"})
    return name.translate(table).lower().replace(" ", "-")


def make_shoppers(rng: random.Random, count: int) -> list[Shopper]:
    """`count` shoppers with German names; about one in ten never creates an account."""
    shoppers = []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, postcode = rng.choice(CITIES)
        email = f"{_ascii(first)}.{_ascii(last)}{index}@example.de"
        customer_id = None if rng.random() < 0.1 else 7_700_000_000_000 + index
        street = f"{rng.choice(['Hauptstraße', 'Königsallee', 'Mühlenweg', 'Gartenstraße'])} {rng.randint(1, 120)}"
        shoppers.append(Shopper(customer_id, first, last, email, city, postcode, street, rng.random() < 0.6))
    return shoppers


def make_orders(rng: random.Random, shoppers: list[Shopper], start: datetime, end: datetime) -> list[DemoOrder]:
    """Orders over the period: most shoppers buy once, a loyal few buy often (as real shops see: about two in
    three customers never come back); new customers arrive all through the period, up to its last days."""
    orders: list[DemoOrder] = []
    span = (end - start).total_seconds()
    for shopper in shoppers:
        first = start + timedelta(seconds=rng.random() * span)
        count = 1 if rng.random() < ONE_TIME_BUYERS else min(2 + int(rng.expovariate(0.3)), 40)
        at = first
        for _ in range(count):
            if at > end:
                break
            orders.append(_order(rng, shopper, at, len(orders)))
            at += timedelta(days=rng.expovariate(1 / 45) + 1, hours=rng.randint(0, 23))
    orders.sort(key=lambda o: o.placed_at)
    for number, order in enumerate(orders, start=1001):
        order.number = number
    return orders


def _order(rng: random.Random, shopper: Shopper, at: datetime, index: int) -> DemoOrder:
    picks = rng.sample(PRODUCTS, k=rng.choice([1, 1, 2, 2, 3]))
    lines = [(pid, title, price, rate, rng.choice([1, 1, 1, 2, 3])) for pid, title, price, rate in picks]
    roll = rng.random()
    fate = (
        "cancelled"
        if roll < 0.04
        else "full_refund"
        if roll < 0.06
        else "partial_refund"
        if roll < 0.13
        else "shipping_refund"
        if roll < 0.15
        else "kept"
    )
    refund_at = at + timedelta(days=rng.randint(2, 20)) if fate != "kept" else None
    shipping = Decimal("0.00") if sum(p * q for _, _, p, _, q in lines) >= 50 else Decimal("4.90")
    return DemoOrder(5_800_000_000_000 + index, 0, shopper, at, lines, shipping, fate, refund_at)


def make_events(orders: list[DemoOrder], end: datetime) -> list[DemoEvent]:
    """The webhooks Shopify would have sent, in time order (only those that happened before `end`)."""
    events: list[DemoEvent] = []
    seen: set[str] = set()
    for order in orders:
        shopper = order.shopper
        if shopper.customer_id is not None and shopper.email not in seen:
            seen.add(shopper.email)
            events.append(DemoEvent(order.placed_at - timedelta(minutes=3), "customers/create", shopper))
        events.append(DemoEvent(order.placed_at, "orders/create", order))
        events.append(DemoEvent(order.placed_at + timedelta(minutes=2), "orders/paid", order))
        if order.refund_at is not None and order.refund_at <= end:
            topic = "orders/cancelled" if order.fate == "cancelled" else "refunds/create"
            events.append(DemoEvent(order.refund_at, topic, order))
    events.sort(key=lambda e: e.at)
    return events
