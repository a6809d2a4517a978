"""VIP tiers: immediate upgrades, multipliers kept with the order, grace and one-step downgrades, preview."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain.tiers import TierProgram
from app.models import MemberTier, OutboxMessage, TierHistory
from app.services.tier_changes import evaluate_tiers
from app.services.tiers import preview_tier_program, tier_program, tier_status
from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.rewards import (
    add_reward,
    bronze_silber_gold,
    buyer,
    coupons,
    entries,
    member,
    member_with_points,
    save_program,
    tier,
)
from tests.support.snapshots import customer, order, refund

JUERGEN = buyer(1)


def tier_key(container, shop, member_id):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        state = uow.session.get(MemberTier, member_id)
        return state.tier_key if state else None


def history(container, shop, member_id):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        rows = uow.session.scalars(select(TierHistory).where(TierHistory.shop_id == shop.id,
                                                             TierHistory.member_id == member_id)
                                   .order_by(TierHistory.id))
        return [(h.from_key, h.to_key, h.reason) for h in rows]


def status(container, shop, member_id, locale="de"):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        found = member(container, shop, member_id)
        return tier_status(uow.session, shop, found, container.clock.now(), locale)


def evaluate(container, clock, **advance):  # type: ignore[no-untyped-def]
    clock.advance(**advance)
    return evaluate_tiers(container.uow, clock.now())


def test_an_order_that_reaches_a_threshold_upgrades_at_once_with_history(container, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())

    juergen = member_with_points(container, shopify_shop, 150)

    assert tier_key(container, shopify_shop, juergen.id) == "silber"
    assert history(container, shopify_shop, juergen.id) == [(None, "silber", "order")]


def test_only_a_tier_reached_by_spending_or_giving_something_is_congratulated_by_email(container, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())

    first = member_with_points(container, shopify_shop, 40)  # Bronze from 0: every member's tier from the start
    climber = member_with_points(container, shopify_shop, 150, n=2)  # Silber from 100

    with container.uow() as uow:
        congratulated = uow.session.execute(
            select(OutboxMessage.member_id, OutboxMessage.context).where(OutboxMessage.kind == "tier_upgrade")
        ).all()
    assert tier_key(container, shopify_shop, first.id) == "bronze"
    assert [(member_id, ctx["tier_key"]) for member_id, ctx in congratulated] == [(climber.id, "silber")]


def test_entering_a_tier_credits_its_bonus_once_and_issues_its_coupon(container, clock, shopify_shop):
    reward = add_reward(container, shopify_shop, points_cost=1000, value="10.00")
    save_program(container, shopify_shop, bronze_silber_gold(entry_bonus_points=250,
                                                               entry_coupon_reward_id=reward.id))

    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN,
                                           version=timedelta(minutes=5)))

    juergen = member_by_email(container, shopify_shop, JUERGEN.email)
    assert [e.delta for e in entries(container, shopify_shop, "bonus")] == [250]
    assert juergen.balance == 600 + 250
    [coupon] = coupons(container, shopify_shop)
    assert (coupon.source, coupon.status, coupon.points_spent) == ("tier_entry", "pending_push", 0)
    ledger_ok(container)


def test_a_tier_entry_coupon_is_titled_in_the_shoppers_language(container, shopify_shop):
    reward = add_reward(container, shopify_shop, points_cost=1000, value="10.00")
    save_program(container, shopify_shop, bronze_silber_gold(entry_coupon_reward_id=reward.id))
    alex = customer("7009", "alex@example.com", first_name="Alex", locale="en")

    deliver(container, shopify_shop, order("5009", at=START, merchandise="600.00", buyer=alex))

    [coupon] = coupons(container, shopify_shop)
    assert coupon.title.endswith("€10.00 off")  # the German shop's English shopper reads English


def test_the_tier_multiplier_applies_to_later_orders_and_their_refunds_match(container, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())
    juergen = member_with_points(container, shopify_shop, 150, ref="5001")

    deliver(container, shopify_shop, order("5002", at=START, merchandise="100.00", buyer=JUERGEN))
    assert member(container, shopify_shop, juergen.id).balance == 150 + 150
    deliver(container, shopify_shop, refund("5002", lines="100.00"))

    assert member(container, shopify_shop, juergen.id).balance == 150
    ledger_ok(container)


def test_a_refund_below_the_threshold_downgrades_only_after_the_grace_period(container, clock, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold(grace_days=30))
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    juergen = member_by_email(container, shopify_shop, JUERGEN.email)
    deliver(container, shopify_shop, refund("5001", lines="550.00"))
    assert tier_key(container, shopify_shop, juergen.id) == "gold"

    evaluate(container, clock, days=1)
    evaluate(container, clock, days=20)
    assert tier_key(container, shopify_shop, juergen.id) == "gold"
    evaluate(container, clock, days=11)

    assert tier_key(container, shopify_shop, juergen.id) == "silber"
    assert history(container, shopify_shop, juergen.id)[-1] == ("gold", "silber", "grace_expired")


def test_a_downgrade_drops_at_most_one_tier_per_evaluation(container, clock, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold(grace_days=0))
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    juergen = member_by_email(container, shopify_shop, JUERGEN.email)
    deliver(container, shopify_shop, refund("5001", lines="600.00"))

    evaluate(container, clock, days=1)
    assert tier_key(container, shopify_shop, juergen.id) == "silber"
    evaluate(container, clock, hours=1)  # evaluated already today: nothing happens
    assert tier_key(container, shopify_shop, juergen.id) == "silber"
    evaluate(container, clock, days=1)

    assert tier_key(container, shopify_shop, juergen.id) == "bronze"
    assert history(container, shopify_shop, juergen.id)[1:] == [("gold", "silber", "grace_expired"),
                                                              ("silber", "bronze", "grace_expired")]
    assert member(container, shopify_shop, juergen.id).balance == 0
    ledger_ok(container)


def test_qualifying_again_during_the_grace_period_stops_the_clock(container, clock, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold(grace_days=10))
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    juergen = member_by_email(container, shopify_shop, JUERGEN.email)
    deliver(container, shopify_shop, refund("5001", lines="200.00"))
    evaluate(container, clock, days=1)

    deliver(container, shopify_shop, order("5002", at=clock.now(), merchandise="150.00", buyer=JUERGEN))
    evaluate(container, clock, days=1)
    evaluate(container, clock, days=20)

    assert tier_key(container, shopify_shop, juergen.id) == "gold"
    with container.uow() as uow:
        assert uow.session.get(MemberTier, juergen.id).below_since is None


def test_the_calendar_year_ending_starts_the_grace_period(container, clock, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold(period="calendar_year", grace_days=14))
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    juergen = member_by_email(container, shopify_shop, JUERGEN.email)

    clock.set(datetime(2027, 1, 2, 3, 0, tzinfo=UTC))
    evaluate(container, clock)
    assert tier_key(container, shopify_shop, juergen.id) == "gold"
    evaluate(container, clock, days=14)

    assert tier_key(container, shopify_shop, juergen.id) == "silber"
    assert member(container, shopify_shop, juergen.id).balance == 600


def test_points_basis_counts_points_earned_not_bonuses(container, shopify_shop):
    program = TierProgram("points", "rolling_12m", 0, (tier("silber", "Silber", "100", entry_bonus_points=1000),
                                                       tier("gold", "Gold", "500")))
    save_program(container, shopify_shop, program)

    juergen = member_with_points(container, shopify_shop, 120)

    assert tier_key(container, shopify_shop, juergen.id) == "silber"
    assert member(container, shopify_shop, juergen.id).balance == 1120


def test_status_shows_the_way_to_the_next_tier_in_german_and_english(container, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())
    juergen = member_with_points(container, shopify_shop, 462)

    german, english = status(container, shopify_shop, juergen.id), status(container, shopify_shop, juergen.id, "en")

    assert german["current"] == {"key": "silber", "name": "Silber", "multiplier": "1.50", "perks": []}
    assert german["next"] == {"key": "gold", "name": "Gold", "threshold": "500.00"}
    assert (german["remaining"], german["label"]) == ("38.00", "noch 38,00\u00a0€ bis Gold")
    assert english["label"] == "€38.00 to go to Gold"
    assert german["progress"] == float((Decimal("462") - 100) / 400)


def test_status_at_the_top_tier_says_so(container, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())
    juergen = member_with_points(container, shopify_shop, 700)

    top = status(container, shopify_shop, juergen.id)

    assert (top["next"], top["progress"], top["label"]) == (None, 1.0, "Höchste Stufe erreicht")


def test_preview_counts_members_per_tier_under_proposed_thresholds_without_saving(container, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())
    for n, points in enumerate((50, 150, 300, 700), start=1):
        member_with_points(container, shopify_shop, points, n=n)
    proposed = TierProgram("spend", "lifetime", 0, (tier("silber", "Silber", "200"), tier("gold", "Gold", "250")))

    preview = preview_tier_program(container.uow(), shopify_shop.id, proposed, container.clock.now())

    assert preview["members"] == 4
    assert [(t["key"], t["count"], t["current"]) for t in preview["tiers"]] == [("silber", 0, 2), ("gold", 2, 1)]
    assert preview["no_tier"] == 2
    assert [t["key"] for t in tier_program(container.uow(), shopify_shop.id)["tiers"]] == ["bronze", "silber", "gold"]


def test_the_saved_programme_previews_todays_counts_while_a_member_is_in_the_grace_period(
    container, clock, shopify_shop
):  # type: ignore[no-untyped-def]
    program = bronze_silber_gold(grace_days=30)
    save_program(container, shopify_shop, program)
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    member_with_points(container, shopify_shop, 150, n=2)
    deliver(container, shopify_shop, refund("5001", lines="550.00"))  # 50 left: below Gold, in grace
    evaluate(container, clock, days=1)

    preview = preview_tier_program(container.uow(), shopify_shop.id, program, clock.now())

    assert [(t["key"], t["count"], t["current"]) for t in preview["tiers"]] == [
        ("bronze", 0, 0), ("silber", 1, 1), ("gold", 1, 1)]
    assert (preview["members"], preview["no_tier"]) == (2, 0)


def test_the_preview_drops_a_member_one_tier_once_the_proposed_grace_period_is_over(
    container, clock, shopify_shop
):  # type: ignore[no-untyped-def]
    save_program(container, shopify_shop, bronze_silber_gold(grace_days=30))
    deliver(container, shopify_shop, order("5001", at=START, merchandise="600.00", buyer=JUERGEN))
    deliver(container, shopify_shop, refund("5001", lines="550.00"))
    evaluate(container, clock, days=1)
    clock.advance(days=10)

    preview = preview_tier_program(container.uow(), shopify_shop.id, bronze_silber_gold(grace_days=5), clock.now())

    assert [(t["key"], t["count"]) for t in preview["tiers"]] == [("bronze", 0), ("silber", 1), ("gold", 0)]


def test_changing_the_programme_keeps_every_balance_and_re_evaluates_members(container, clock, shopify_shop):
    save_program(container, shopify_shop, bronze_silber_gold())
    juergen = member_with_points(container, shopify_shop, 300)
    before = member(container, shopify_shop, juergen.id).balance

    save_program(container, shopify_shop, TierProgram("spend", "lifetime", 0, (tier("vip", "VIP", "250"),)))
    evaluate(container, clock, minutes=1)

    assert member(container, shopify_shop, juergen.id).balance == before
    assert tier_key(container, shopify_shop, juergen.id) == "vip"
    assert history(container, shopify_shop, juergen.id)[-1] == ("silber", "vip", "program_change")
    ledger_ok(container)
