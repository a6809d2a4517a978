"""The analytics admin API: report, settings, segments, campaigns and CSV downloads, for the signed-in shop only."""

from __future__ import annotations

import pytest

from app.models import Member
from tests.support.admin import admin_headers, login_with_link
from tests.support.analytics_data import worked_example


def test_the_report_answers_with_figures_definitions_and_charts(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    response = client.get("/admin/api/analytics/report?from=2025-01-01&to=2025-12-31&lang=de",
                          headers=admin_headers(shopify_shop))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert body["figures"]["retention_rate"]["value"] == "50.00"
    assert body["figures"]["retention_rate"]["label"] == "Kundenbindungsrate"
    assert body["figures"]["ltv_cac"]["value"] is None  # no acquisition cost entered
    assert set(body["charts"]) == {"retention", "cohorts", "points", "liability"}


def test_a_bad_period_is_a_validation_error(client, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/api/analytics/report?from=gestern", headers=admin_headers(shopify_shop))
    assert response.status_code == 422
    assert "from" in response.get_json()["errors"]


def test_the_acquisition_cost_turns_on_ltv_cac(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    saved = client.put("/admin/api/analytics/settings", json={"acquisition_cost": "10.00"}, headers=headers)
    assert saved.status_code == 200
    assert saved.get_json()["acquisition_cost"] == "10.00"
    body = client.get("/admin/api/analytics/report?from=2025-01-01&to=2025-12-31", headers=headers).get_json()
    assert body["figures"]["ltv_cac"]["value"] == "26.00"
    refused = client.put("/admin/api/analytics/settings", json={"a_share": "0.90", "b_share": "0.85"},
                         headers=headers)
    assert refused.status_code == 422
    assert "b_share" in refused.get_json()["errors"]


def test_segments_give_counts_and_member_pages(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    overview = client.get("/admin/api/segments", headers=headers).get_json()
    assert [row["members"] for row in overview["abc"]] == [3, 1, 0]
    page = client.get("/admin/api/segments/members?kind=filter&min_orders=2&limit=1", headers=headers).get_json()
    assert page["count"] == 2
    assert len(page["members"]) == 1
    assert page["next_after_id"] is not None
    rest = client.get(f"/admin/api/segments/members?kind=filter&min_orders=2&after_id={page['next_after_id']}",
                      headers=headers).get_json()
    assert {m["email"] for m in page["members"] + rest["members"]} == {"alice@example.de", "carol@example.de"}
    bad = client.get("/admin/api/segments/members?kind=abc&value=Z", headers=headers)
    assert bad.status_code == 422


def test_a_campaign_is_previewed_created_and_followed(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    assert client.get("/admin/api/campaigns/preview?kind=abc&value=A", headers=headers).get_json() == {
        "count": 3, "members": 3, "consent_only": False}
    created = client.post("/admin/api/campaigns", headers=headers, json={
        "name": "Danke", "segment": {"kind": "abc", "value": "A"}, "action": "bonus", "params": {"points": 10}})
    assert created.status_code == 201, created.get_json()
    campaign = created.get_json()
    assert (campaign["status"], campaign["total"], campaign["started_by"]) == ("queued", 3, "shopify-user:42")
    from app.services.campaigns import run_campaigns

    run_campaigns(container.uow, container.clock.now())
    done = client.get(f"/admin/api/campaigns/{campaign['id']}", headers=headers).get_json()
    assert (done["status"], done["processed"], done["percent"]) == ("done", 3, 100)
    listed = client.get("/admin/api/campaigns", headers=headers).get_json()["campaigns"]
    assert [c["id"] for c in listed] == [campaign["id"]]


def test_invalid_campaign_parameters_are_field_errors(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/admin/api/campaigns", headers=admin_headers(shopify_shop), json={
        "segment": {"kind": "all"}, "action": "bonus", "params": {"points": -5}})
    assert response.status_code == 422
    assert "points" in response.get_json()["errors"]


@pytest.mark.parametrize(("params", "errors"), [
    ({"kind": "fixed_amount", "value": "NaN"}, {"value": ["an amount"]}),
    ({"kind": "fixed_amount", "value": "1e30"}, {"value": ["Must be less than or equal to 10000000."]}),
    ({"kind": "percentage", "value": 500}, {"value": ["A percentage is at most 100."]}),
    ({"kind": "fixed_amount", "value": "5", "minimum_order": "Infinity"},
     {"minimum_order": ["Must be between 0 and 10000000."]}),
], ids=["nan", "huge", "percentage", "infinite-minimum"])
def test_a_coupon_campaigns_amounts_beyond_what_a_coupon_holds_are_field_errors(  # type: ignore[no-untyped-def]
    client, shopify_shop, params, errors
) -> None:
    headers = admin_headers(shopify_shop)

    response = client.post("/admin/api/campaigns", headers=headers, json={
        "segment": {"kind": "all"}, "action": "coupon", "params": params})

    assert (response.status_code, response.get_json()["errors"]) == (422, errors)
    assert client.get("/admin/api/campaigns", headers=headers).get_json()["campaigns"] == []


def test_another_shops_campaign_answers_404(client, container, shopify_shop, woo_shop) -> None:  # type: ignore[no-untyped-def]
    created = client.post("/admin/api/campaigns", headers=admin_headers(shopify_shop), json={
        "segment": {"kind": "all"}, "action": "bonus", "params": {"points": 5}}).get_json()
    write = login_with_link(container_app(client), client, woo_shop)
    assert client.get(f"/admin/api/campaigns/{created['id']}").status_code == 404
    assert client.post(f"/admin/api/campaigns/{created['id']}/cancel", headers=write).status_code == 404


def container_app(client):  # type: ignore[no-untyped-def]
    return client.application


def test_csv_downloads(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    members = client.get("/admin/api/export/members.csv", headers=headers)
    assert members.status_code == 200
    assert members.mimetype == "text/csv"
    assert members.headers["Content-Disposition"] == 'attachment; filename="members.csv"'
    assert members.get_data(as_text=True).count("\n") == 5
    ledger = client.get("/admin/api/export/ledger.csv", headers=headers).get_data(as_text=True)
    assert ledger.splitlines()[0].startswith("\ufeffid,member_id,email")  # the BOM Excel needs for umlauts
    segment = client.get("/admin/api/export/segment.csv?kind=abc&value=B", headers=headers).get_data(as_text=True)
    assert "bob@example.de" in segment
    assert "alice@example.de" not in segment


def test_everything_needs_an_admin(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/admin/api/analytics/report", "/admin/api/segments", "/admin/api/campaigns",
                 "/admin/api/export/members.csv"):
        assert client.get(path).status_code == 401, path


def test_a_period_that_ends_before_it_starts_is_a_validation_error(client, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    backwards = client.get("/admin/api/analytics/report?from=2025-12-31&to=2025-01-01",
                           headers=admin_headers(shopify_shop))
    assert backwards.status_code == 422
    assert "from" in backwards.get_json()["errors"]
    far = client.get("/admin/api/analytics/report?from=0001-01-01&to=9999-12-31", headers=admin_headers(shopify_shop))
    assert far.status_code == 422


def test_a_campaign_start_refuses_the_segment_the_preview_refuses(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    headers = {**admin_headers(shopify_shop), "Accept-Language": "de"}
    preview = client.get("/admin/api/campaigns/preview?kind=filter&min_orders=-1", headers=headers)
    start = client.post("/admin/api/campaigns", headers=headers, json={
        "segment": {"kind": "filter", "min_orders": -1}, "action": "bonus", "params": {"points": 5}})
    assert (preview.status_code, start.status_code) == (422, 422)
    assert start.get_json()["errors"] == {"segment": preview.get_json()["errors"]}
    assert client.get("/admin/api/campaigns", headers=headers).get_json()["campaigns"] == []


def test_a_coupon_campaigns_value_and_its_segments_value_are_told_apart(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    response = client.post("/admin/api/campaigns", headers=admin_headers(shopify_shop), json={
        "segment": {"kind": "abc", "value": "Z"}, "action": "coupon",
        "params": {"kind": "fixed_amount", "value": "10", "validity_days": 30}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"segment": {"value": ["one of A, B, C"]}}


def test_a_queued_campaign_is_cancelled_and_a_finished_one_answers_409(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    from app.services.campaigns import run_campaigns

    worked_example(container, shopify_shop)
    headers = admin_headers(shopify_shop)
    body = {"segment": {"kind": "all"}, "action": "bonus", "params": {"points": 5}}
    queued = client.post("/admin/api/campaigns", headers=headers, json=body).get_json()
    cancelled = client.post(f"/admin/api/campaigns/{queued['id']}/cancel", headers=headers)
    finished = client.post("/admin/api/campaigns", headers=headers, json=body).get_json()
    run_campaigns(container.uow, container.clock.now())
    too_late = client.post(f"/admin/api/campaigns/{finished['id']}/cancel", headers=headers)
    twice = client.post(f"/admin/api/campaigns/{queued['id']}/cancel", headers=headers)
    assert (cancelled.status_code, cancelled.get_json()["status"]) == (200, "cancelled")
    assert (too_late.status_code, too_late.get_json()["reason"]) == (409, "campaign_finished")
    assert twice.status_code == 409
    assert client.get(f"/admin/api/campaigns/{queued['id']}", headers=headers).get_json()["processed"] == 0


def test_a_message_campaigns_preview_counts_only_members_with_consent(  # type: ignore[no-untyped-def]
    client, container, shopify_shop
) -> None:
    ids = worked_example(container, shopify_shop)
    with container.uow() as uow:
        uow.session.get(Member, ids["dave"]).accepts_marketing = False
        uow.commit()
    headers = admin_headers(shopify_shop)
    url = "/admin/api/campaigns/preview?kind=abc&value=A&action="

    message = client.get(url + "message", headers=headers).get_json()
    coupon = client.get(url + "coupon", headers=headers).get_json()
    unknown = client.get(url + "party", headers=headers)

    assert message == {"count": 2, "members": 3, "consent_only": True}
    assert coupon == {"count": 3, "members": 3, "consent_only": False}
    assert (unknown.status_code, list(unknown.get_json()["errors"])) == (422, ["action"])
