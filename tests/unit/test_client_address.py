"""Which address a storefront request is counted by: X-Forwarded-For read from our end, as far as it is trusted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli.server import proxy_hops_hint
from app.client_address import UNKNOWN, client_address
from app.config import ConfigError, Settings

SHOPPER = "203.0.113.7"  # the client, as the platform's proxy (or our edge) saw it
EGRESS = "34.120.1.2"  # the platform proxy's own address
NGINX = "127.0.0.1"  # our reverse proxy, the peer of a request behind it
MADE_UP = "10.66.6.6"  # what a client wrote into its own X-Forwarded-For


def counted(forwarded_for: str, remote_addr: str | None, hops: int, signed: bool) -> str:
    return client_address(forwarded_for, remote_addr, proxy_hops=hops, signed=signed)


def test_without_a_proxy_an_unsigned_request_is_counted_by_its_peer_whatever_it_claims() -> None:
    assert counted(f"{MADE_UP}, {SHOPPER}", EGRESS, hops=0, signed=False) == EGRESS


def test_without_a_proxy_a_signed_request_is_counted_by_the_entry_the_platform_added() -> None:
    assert counted(f"{MADE_UP}, {SHOPPER}", EGRESS, hops=0, signed=True) == SHOPPER


def test_behind_nginx_an_unsigned_request_is_counted_by_the_address_nginx_saw() -> None:
    assert counted(f"{MADE_UP}, {SHOPPER}, {EGRESS}", NGINX, hops=1, signed=False) == EGRESS


def test_behind_nginx_a_signed_request_is_counted_by_the_entry_the_platform_added() -> None:
    assert counted(f"{MADE_UP}, {SHOPPER}, {EGRESS}", NGINX, hops=1, signed=True) == SHOPPER


def test_a_client_that_reaches_the_app_directly_is_its_own_peer_even_when_signed() -> None:
    assert counted("", SHOPPER, hops=0, signed=True) == SHOPPER


def test_a_chain_shorter_than_the_trusted_hops_ends_at_its_leftmost_entry() -> None:
    assert counted("", NGINX, hops=1, signed=True) == NGINX
    assert counted(EGRESS, NGINX, hops=1, signed=True) == EGRESS
    assert counted(SHOPPER, NGINX, hops=3, signed=False) == SHOPPER


JUNK = ["unknown", "", "   ", "_hidden", "999.1.1.1", "<script>", "1.2.3.4.5", "[::1", "[::1]x", "192.0.2.1:https"]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_where_the_address_should_be_counts_the_nearest_valid_entry_to_its_right(junk: str) -> None:
    assert counted(f"{SHOPPER}, {junk}", EGRESS, hops=0, signed=True) == EGRESS
    assert counted(f"{SHOPPER}, {junk}, {EGRESS}", NGINX, hops=1, signed=True) == EGRESS


def test_a_chain_of_nothing_but_junk_is_unknown() -> None:
    assert counted("nonsense, unknown", None, hops=1, signed=True) == UNKNOWN
    assert counted("", "", hops=0, signed=False) == UNKNOWN


def test_a_peer_without_an_address_behind_nginx_still_counts_the_entry_nginx_added() -> None:
    assert counted(f"{MADE_UP}, {SHOPPER}", None, hops=1, signed=False) == SHOPPER  # gunicorn on a unix socket


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (" 203.0.113.7 ", SHOPPER),
        ("203.0.113.7:51234", SHOPPER),
        ("[2001:db8:1:2::7]:443", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", SHOPPER),
    ],
)
def test_an_entry_is_read_without_spaces_or_port_in_its_canonical_form(entry: str, expected: str) -> None:
    assert counted(entry, EGRESS, hops=0, signed=True) == expected


def test_ipv6_clients_are_counted_by_their_64_network() -> None:
    one = counted("2001:db8:aa:bb::1", EGRESS, hops=0, signed=True)
    same_network = counted("2001:db8:aa:bb:ffff:ffff:ffff:fffe", EGRESS, hops=0, signed=True)
    next_network = counted("2001:db8:aa:bc::1", EGRESS, hops=0, signed=True)

    assert one == same_network == "2001:db8:aa:bb::/64"
    assert next_network != one


trusted_addresses = st.lists(st.ip_addresses().map(str), min_size=1, max_size=4)


@given(client_wrote=st.text(max_size=200), written_by_trusted=trusted_addresses, signed=st.booleans())
def test_nothing_a_client_puts_in_front_of_the_trusted_entries_changes_the_answer(
    client_wrote: str, written_by_trusted: list[str], signed: bool
) -> None:
    hops = len(written_by_trusted) - (1 if signed else 0)
    if hops < 0:
        return
    trusted_part = ", ".join(written_by_trusted)

    answer = counted(f"{client_wrote}, {trusted_part}", NGINX, hops=hops, signed=signed)

    assert answer == counted(trusted_part, NGINX, hops=hops, signed=signed)
    assert answer == counted(written_by_trusted[0], NGINX, hops=0, signed=True)


@pytest.mark.parametrize(("raw", "hops"), [("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_proxy_hops_are_read_from_the_environment(raw: str, hops: int) -> None:
    assert Settings.from_env(environ={"LOYALTY_PROXY_HOPS": raw}).proxy_hops == hops


@pytest.mark.parametrize("raw", ["one", "-1", "6", "1.5"])
def test_a_proxy_hop_count_that_is_no_small_whole_number_stops_the_process_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="LOYALTY_PROXY_HOPS"):
        Settings.from_env(environ={"LOYALTY_PROXY_HOPS": raw})


@pytest.mark.parametrize("bind", ["127.0.0.1:8000", "[::1]:8000", "localhost:8000", "unix:/run/loyalty.sock"])
def test_serving_behind_a_proxy_with_no_proxy_hops_is_warned_about(bind: str) -> None:
    assert "LOYALTY_PROXY_HOPS=1" in (proxy_hops_hint(bind, 0) or "")
    assert proxy_hops_hint(bind, 1) is None


def test_serving_on_a_public_address_without_proxy_hops_is_not_warned_about() -> None:
    assert proxy_hops_hint("0.0.0.0:8000", 0) is None
