"""Campaigns reach each member of their segment once, in batches with visible progress, and respect consent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.errors import InvalidInput
from app.models import Campaign, Coupon, EmailUnsubscribe, LedgerEntry, Member, OutboxMessage
from app.services.campaigns import create_campaign, get_campaign, preview_segment, run_campaigns
from app.services.coupons import retry_coupon_pushes
from tests.support.analytics_data import at, worked_example
from tests.support.rewards import RecordingPlatform

NOW = at("2026-01-10")
SEGMENT_A = {"kind": "abc", "value": "A"}  # alice, carol, dave in the worked example


@pytest.fixture
def ids(container, shopify_shop):  # type: ignore[no-untyped-def]
    return worked_example(container, shopify_shop)


def start(container, shop, action: str, params: dict, segment: dict = SEGMENT_A) -> int:  # type: ignore[no-untyped-def,type-arg]
    created = create_campaign(container.uow(), shop.id, name="Winter", segment=segment, action=action,
                              params=params, actor="shopify-user:42", now=NOW)
    return int(created["id"])


def bonus_entries(container, shop) -> dict[int, int]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        rows = uow.session.execute(
            select(LedgerEntry.member_id, func.sum(LedgerEntry.delta), func.count())
            .where(LedgerEntry.shop_id == shop.id, LedgerEntry.source_type == "campaign")
            .group_by(LedgerEntry.member_id)).all()
    return {member: (total, count) for member, total, count in rows}  # type: ignore[misc]


def test_preview_counts_the_segment(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    assert preview_segment(container.uow(), shopify_shop.id, SEGMENT_A)["count"] == 3
    assert preview_segment(container.uow(), shopify_shop.id, {"kind": "filter", "min_orders": 2})["count"] == 2


def without_consent(container, shop, ids) -> None:  # type: ignore[no-untyped-def]
    """Dave declines marketing, Carol unsubscribed (her address typed in capitals): only Alice of A consents."""
    with container.uow() as uow:
        uow.session.get(Member, ids["dave"]).accepts_marketing = False
        uow.session.get(Member, ids["carol"]).email = " Carol@Example.de"
        uow.session.add(EmailUnsubscribe(shop_id=shop.id, member_id=ids["carol"], email="carol@example.de",
                                         source="link", created_at=NOW))
        uow.commit()


@pytest.mark.parametrize(("action", "reached"), [("bonus", 3), ("coupon", 3), ("message", 1)])
def test_the_preview_of_a_message_counts_only_members_with_consent(  # type: ignore[no-untyped-def]
    container, shopify_shop, ids, action: str, reached: int
) -> None:
    without_consent(container, shopify_shop, ids)

    preview = preview_segment(container.uow(), shopify_shop.id, SEGMENT_A, action)

    assert preview == {"count": reached, "members": 3, "consent_only": action == "message"}


def test_the_message_preview_counts_as_many_members_as_the_run_sends_to(  # type: ignore[no-untyped-def]
    container, shopify_shop, ids
) -> None:
    without_consent(container, shopify_shop, ids)
    everyone = {"kind": "all"}

    preview = preview_segment(container.uow(), shopify_shop.id, everyone, "message")
    campaign_id = start(container, shopify_shop, "message", {"subject": "Winter", "body": "Neu!"}, segment=everyone)
    run_campaigns(container.uow, NOW)

    progress = get_campaign(container.uow(), shopify_shop.id, campaign_id)
    assert (preview["members"], preview["count"]) == (progress["total"], progress["succeeded"])
    assert preview["count"] < preview["members"]


def test_a_bonus_campaign_credits_every_member_once_even_when_run_again(  # type: ignore[no-untyped-def]
    container, shopify_shop, ids
) -> None:
    campaign_id = start(container, shopify_shop, "bonus", {"points": 25})
    run_campaigns(container.uow, NOW)
    with container.uow() as uow:  # a crash or a second run puts it back in the queue
        uow.session.get(Campaign, campaign_id).status = "queued"
        uow.commit()
    run_campaigns(container.uow, NOW)
    expected = {ids["alice"]: (25, 1), ids["carol"]: (25, 1), ids["dave"]: (25, 1)}
    assert bonus_entries(container, shopify_shop) == expected
    with container.uow() as uow:
        keys = set(uow.session.scalars(select(LedgerEntry.idempotency_key).where(
            LedgerEntry.source_type == "campaign")))
        alice = uow.session.get(Member, ids["alice"])
    assert keys == {f"campaign:{campaign_id}:{ids[n]}" for n in ("alice", "carol", "dave")}
    assert alice.balance == 85  # 60 before + 25
    progress = get_campaign(container.uow(), shopify_shop.id, campaign_id)
    assert (progress["status"], progress["processed"], progress["succeeded"]) == ("done", 3, 3)
    assert progress["percent"] == 100
    assert progress["started_by"] == "shopify-user:42"


def test_batches_report_progress_as_they_go(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    campaign_id = start(container, shopify_shop, "bonus", {"points": 5}, {"kind": "all"})
    seen: list[tuple[str, int]] = []
    batches = run_campaigns(container.uow, NOW, batch_size=1, on_progress=lambda p: seen.append(
        (p["status"], p["processed"])))
    # The first batch takes the segment's snapshot; then one member each; then the empty batch that ends it.
    assert batches == len(seen) == 6
    assert seen[:5] == [("running", 0), ("running", 1), ("running", 2), ("running", 3), ("running", 4)]
    assert seen[-1] == ("done", 4)
    assert get_campaign(container.uow(), shopify_shop.id, campaign_id)["total"] == 4


def test_a_message_campaign_respects_marketing_consent(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        uow.session.get(Member, ids["dave"]).accepts_marketing = False
        uow.session.add(EmailUnsubscribe(shop_id=shopify_shop.id, member_id=ids["carol"], email="carol@example.de",
                                         source="link", created_at=NOW))
        uow.commit()
    campaign_id = start(container, shopify_shop, "message", {"subject": "Winter", "body": "Neue Sorten!"})
    run_campaigns(container.uow, NOW)
    with container.uow() as uow:
        messages = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "campaign")).all()
    assert [m.member_id for m in messages] == [ids["alice"]]
    assert messages[0].context["body"] == "Neue Sorten!"
    progress = get_campaign(container.uow(), shopify_shop.id, campaign_id)
    assert (progress["succeeded"], progress["skipped"]) == (1, 2)


def test_a_coupon_campaign_issues_one_coupon_per_member(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    campaign_id = start(container, shopify_shop, "coupon", {"kind": "percentage", "value": "10", "validity_days": 30})
    run_campaigns(container.uow, NOW)
    with container.uow() as uow:
        uow.session.get(Campaign, campaign_id).status = "queued"
        uow.commit()
    run_campaigns(container.uow, NOW)
    with container.uow() as uow:
        coupons = uow.session.scalars(select(Coupon).where(Coupon.source == "campaign")).all()
    assert sorted(c.member_id for c in coupons) == sorted(ids[n] for n in ("alice", "carol", "dave"))
    assert {c.status for c in coupons} == {"pending_push"}  # the coupon worker pushes them to the shop


def test_a_campaign_coupon_is_emailed_once_the_shop_has_it_to_members_who_accept_marketing(  # type: ignore[no-untyped-def]
    container, shopify_shop, ids
) -> None:
    with container.uow() as uow:
        uow.session.get(Member, ids["dave"]).accepts_marketing = False  # a promotion: not to him
        uow.commit()
    start(container, shopify_shop, "coupon", {"kind": "percentage", "value": "10", "validity_days": 30})
    run_campaigns(container.uow, NOW)

    retry_coupon_pushes(container.uow, lambda _platform: RecordingPlatform(), container.box, NOW)

    with container.uow() as uow:
        sent = uow.session.execute(
            select(OutboxMessage.member_id, OutboxMessage.context).where(OutboxMessage.kind == "reward_issued")
        ).all()
        active = {c.member_id: c.code for c in uow.session.scalars(select(Coupon).where(Coupon.source == "campaign"))
                  if c.status == "active"}
    assert sorted(member for member, _ in sent) == sorted((ids["alice"], ids["carol"]))
    assert all(context["code"] == active[member] for member, context in sent)
    assert ids["dave"] in active  # his code works all the same: the widget lists it


def test_another_shops_campaign_is_not_found(container, shopify_shop, woo_shop, ids) -> None:  # type: ignore[no-untyped-def]
    from app.domain.errors import NotFound

    campaign_id = start(container, shopify_shop, "bonus", {"points": 5})
    with pytest.raises(NotFound):
        get_campaign(container.uow(), woo_shop.id, campaign_id)


@pytest.mark.parametrize(("action", "params"), [
    ("bonus", {"points": 0}), ("bonus", {"points": "10"}), ("coupon", {"kind": "gift", "value": "5"}),
    ("message", {"subject": "", "body": "x"}), ("sms", {}),
])
def test_invalid_campaigns_are_refused(container, shopify_shop, ids, action: str, params: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    with pytest.raises(InvalidInput):
        start(container, shopify_shop, action, params)


def test_the_worker_job_runs_queued_campaigns(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    from app.jobs.registry import job_specs

    campaign_id = start(container, shopify_shop, "bonus", {"points": 7})
    job = next(spec for spec in job_specs() if spec.id == "run_campaigns")
    job.run(container)
    assert get_campaign(container.uow(), shopify_shop.id, campaign_id)["status"] == "done"
    assert len(bonus_entries(container, shopify_shop)) == 3


def test_the_cli_runs_a_campaign_with_a_progress_bar(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    from tests.support.cli import run_cli

    created = run_cli(container, "campaigns", "create", shopify_shop.domain, "--segment", "A", "--bonus", "15")
    assert "queued for 3 members" in created.output
    campaign_id = created.output.split()[1]  # "campaign 12 queued for 3 members"
    ran = run_cli(container, "campaigns", "run", "--id", campaign_id, "--batch-size", "2")
    assert ran.exit_code == 0, ran.output
    assert "3/3" in ran.output  # tqdm's bar
    assert "status: done" in ran.output
    listed = run_cli(container, "campaigns", "list", shopify_shop.domain)
    assert "done" in listed.output
    assert "by cli" in listed.output


def test_a_cancelled_campaign_reaches_nobody_and_cannot_be_cancelled_again(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    from app.domain.errors import Conflict
    from app.services.campaigns import cancel_campaign

    campaign_id = start(container, shopify_shop, "bonus", {"points": 5})
    cancel_campaign(container.uow(), shopify_shop.id, campaign_id, NOW)
    run_campaigns(container.uow, NOW)
    assert bonus_entries(container, shopify_shop) == {}
    with pytest.raises(Conflict):
        cancel_campaign(container.uow(), shopify_shop.id, campaign_id, NOW)


def test_a_segment_error_of_a_campaign_is_kept_apart_from_its_action_errors(container, shopify_shop, ids) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        start(container, shopify_shop, "coupon", {"kind": "fixed_amount", "value": "5"}, segment={"kind": "tier"})
    assert refused.value.errors == {"segment": {"value": ["a tier key"]}}
