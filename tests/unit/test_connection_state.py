"""The connection check's rules: backoff, giving up, a new spell per install, secrets scrubbed from errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain import connection as rules
from app.domain.connection import VERIFIED

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_retries_back_off_from_five_minutes_to_six_hours() -> None:
    state, delays = VERIFIED, []
    for hour in range(10):
        state = rules.failed_attempt(state, "store_unreachable", "HTTP 503", NOW + timedelta(hours=hour))
        assert state.next_attempt_at is not None
        delays.append(state.next_attempt_at - (NOW + timedelta(hours=hour)))

    assert [d.total_seconds() / 60 for d in delays[:7]] == [5, 10, 20, 40, 80, 160, 320]
    assert delays[7:] == [timedelta(hours=6)] * 3
    assert state.since == NOW
    assert state.attempts == 10


def test_the_worker_gives_up_three_days_after_the_first_failure() -> None:
    first = rules.failed_attempt(VERIFIED, "store_unreachable", "HTTP 503", NOW)
    almost = rules.failed_attempt(first, "store_unreachable", "HTTP 503", NOW + timedelta(days=3, seconds=-1))
    over = rules.failed_attempt(almost, "keys_refused", "HTTP 401", NOW + timedelta(days=3))

    assert (first.gave_up, almost.gave_up, over.gave_up) == (False, False, True)
    assert almost.is_due(NOW + timedelta(days=4))
    assert not over.is_due(NOW + timedelta(days=30))
    assert (over.verified, over.reason) == (False, "keys_refused")


def test_a_new_install_starts_a_new_spell() -> None:
    old = rules.failed_attempt(VERIFIED, "store_unreachable", "HTTP 503", NOW)
    again = rules.failed_attempt(old, "store_unreachable", "HTTP 503", NOW + timedelta(days=5), fresh=True)

    assert (again.since, again.attempts, again.gave_up) == (NOW + timedelta(days=5), 1, False)


def test_a_successful_sync_makes_the_next_try_due_at_once() -> None:
    failed = rules.failed_attempt(VERIFIED, "store_unreachable", "HTTP 503", NOW)

    reachable = rules.store_reachable(failed, NOW + timedelta(minutes=1))

    assert not failed.is_due(NOW + timedelta(minutes=1))
    assert reachable.is_due(NOW + timedelta(minutes=1))
    assert rules.store_reachable(VERIFIED, NOW) is VERIFIED


def test_secrets_key_like_tokens_and_credential_parameters_are_scrubbed() -> None:
    text = ("GET /wp-json/wc/v3/webhooks?oauth_consumer_key=ck_0123abc&oauth_signature=zz%3D: HTTP 401: "
            "key cs_9f8e7d6c invalid for secret s3cr3t-value, consumer_secret=plain&x=1")

    cleaned = rules.scrubbed(text, ["s3cr3t-value", None, "inv"])

    for secret in ("ck_0123abc", "zz%3D", "cs_9f8e7d6c", "s3cr3t-value", "plain"):
        assert secret not in cleaned
    assert "HTTP 401" in cleaned
    assert "invalid" in cleaned  # "inv" is too short to be anyone's secret: ordinary words stay


def test_the_state_survives_its_json_form() -> None:
    state = rules.failed_attempt(VERIFIED, "keys_refused", "HTTP 401", NOW)

    assert rules.from_json(rules.to_json(state)) == state
    assert rules.from_json(None) == VERIFIED
    assert rules.from_json({}) == VERIFIED


def test_a_store_that_sent_an_http_status_answered_and_one_not_reached_did_not() -> None:
    answered = rules.failed_attempt(rules.VERIFIED, "store_unreachable", "GET /webhooks: HTTP 503", NOW)
    unreached = rules.failed_attempt(rules.VERIFIED, "store_unreachable", "GET /webhooks: connection failed", NOW)
    timed_out = rules.failed_attempt(rules.VERIFIED, "store_unreachable", "GET /webhooks: timed out", NOW)

    assert rules.store_answered(answered)
    assert not rules.store_answered(unreached)
    assert not rules.store_answered(timed_out)
