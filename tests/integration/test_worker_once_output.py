"""`loyalty worker --once` says what each job did in a readable line, and that work remains when a job stopped at
its limit per run."""

from __future__ import annotations

from sqlalchemy import select

from app.jobs.registry import JobSpec
from app.jobs.scheduler import outcome_line
from app.models import Member
from app.services.dispatch import DispatchResult
from app.services.worklist import claim_next, for_each_claimed, noting_limits
from tests.conftest import START
from tests.support.rewards import member_with_points, set_program_settings

PYTHON_STRUCTURES = ("(", "{", "[", "=")


def test_every_job_says_what_it_did_in_words_not_python_structures(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("worker", "--once")

    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert lines["retry_inbox"] == "ok nothing due"
    assert lines["retry_coupon_pushes"] == "ok nothing due"
    assert lines["schedule_review_requests"] == "ok nothing due"
    assert lines["dispatch_outbox"] == "ok nothing due"
    assert lines["expire_points"] == "ok 0 members' points expired"
    assert not [text for text in lines.values() if any(mark in text for mark in PYTHON_STRUCTURES)]


def test_quiet_prints_nothing_when_every_job_went_well_so_cron_mails_nothing(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    member_with_points(container, shopify_shop, 30, at=START)

    result = run("worker", "--once", "--quiet")

    assert (result.exit_code, result.output) == (0, "")


def test_quiet_goes_only_with_once(run) -> None:  # type: ignore[no-untyped-def]
    result = run("worker", "--quiet")

    assert result.exit_code == 2
    assert "--job and --quiet only go with --once" in result.output


def test_a_count_of_one_is_said_in_the_singular(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=1)
    member_with_points(container, shopify_shop, 30, at=START)
    container.clock.advance(days=40)

    result = run("worker", "--once", "--job", "expire_points")

    assert result.stdout.strip() == "expire_points: ok 1 member's points expired"


def test_the_outbox_says_what_it_sent(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    member_with_points(container, shopify_shop, 30, at=START)  # a thank-you email is due a minute later
    container.clock.advance(minutes=5)

    result = run("worker", "--once", "--job", "dispatch_outbox")

    assert result.stdout.strip() == "dispatch_outbox: ok 1 sent"


def members_due(container, shop, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        member_with_points(container, shop, 10 + n, n=n + 1, at=START)


def run_with_limit(container, shop, limit: int) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    """A claiming job over the shop's members, stopping at `limit`; its count and whether it said more remain."""
    query = select(Member).where(Member.shop_id == shop.id, Member.balance > 0).order_by(Member.id)
    with noting_limits() as reached:
        done = for_each_claimed(container.uow, lambda s, skip: claim_next(s, query, Member.id, skip),
                                lambda _session, _member: True, key=lambda m: m.id, job="test", limit=limit)
    return done, bool(reached)


def test_a_job_that_stops_at_its_limit_with_rows_left_says_more_remain(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    members_due(container, shopify_shop, 3)

    assert run_with_limit(container, shopify_shop, 2) == (2, True)


def test_a_job_whose_limit_is_exactly_the_work_due_does_not_say_more_remain(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    members_due(container, shopify_shop, 3)

    assert run_with_limit(container, shopify_shop, 3) == (3, False)


def test_a_capped_job_line_says_the_next_run_continues() -> None:
    spec = JobSpec("expire_points", 3600, lambda _c: 500, ("member's points expired", "members' points expired"))

    line = outcome_line(spec, 500, more_left=True)

    assert line == ("ok 500 members' points expired; stopped at its limit per run, more remain: the next run "
                    "continues")


def test_results_of_every_shape_read_as_words() -> None:
    spec = JobSpec("x", 60, lambda _c: None)

    assert outcome_line(spec, {"processed": 3, "still failing": 1}) == "ok 3 processed, 1 still failing"
    assert outcome_line(spec, {"pushed": 0, "push_retried": 2}) == "ok 2 push retried"
    assert outcome_line(spec, DispatchResult(sent=4, retried=1)) == "ok 4 sent, 1 retried"
    assert outcome_line(spec, "2 shops checked") == "ok 2 shops checked"
    assert outcome_line(spec, None) == "ok"
