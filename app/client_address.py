"""Whose request it is, for rate limits: the X-Forwarded-For chain read from our end, as far as it is trusted.

The chain is X-Forwarded-For's entries followed by the peer's own address (`REMOTE_ADDR`). Every proxy appends
the address it received the request from (nginx's `$proxy_add_x_forwarded_for`), so the entries on the right were
written by proxies closer to us, and everything left of the first proxy we trust is whatever the client sent.
Reading from the right, past the proxies we trust, gives an address nobody further out could choose:

- `proxy_hops` of them are our own reverse proxies (`LOYALTY_PROXY_HOPS`: 0 when the app faces clients itself, as
  `loyalty run` does; 1 behind the deployment guide's nginx). The entry just left of them is the client as our
  edge saw it (for 0: the peer). Requests are counted by this address before their signature is checked.
- A request that carries a valid platform signature came through the platform's storefront proxy, which forwards
  the shopper's address: Shopify's App Proxy sends the client's IP in X-Forwarded-For (PLATFORMS §2.5; the
  "Client IP" of shopify.dev's authenticate-app-proxies example), the WooCommerce plugin sets it to the shopper's
  `REMOTE_ADDR` (docs/woocommerce-storefront.md). So one more hop is trusted: the platform's egress address is the
  edge's client, and the shopper is the entry its proxy added, just left of it. Whatever a shopper sent in their
  own X-Forwarded-For stays further left and is never read.

A chain shorter than the trusted hops ends at its leftmost entry: every entry of such a chain was written by a
trusted party (or it is the peer). An entry that is no IP address (junk, "unknown", empty) counts as absent and
the answer is the nearest valid entry to its right: closer to us, never one further left that a client wrote.
IPv6 clients are counted by their /64, the network one subscriber (a phone, a household) is given, as an IPv4
client by their address; else a single client would hold 2^64 buckets.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

UNKNOWN = "unknown"  # no valid address anywhere in the trusted part of the chain (e.g. a unix socket peer)


def client_address(forwarded_for: str, remote_addr: str | None, *, proxy_hops: int, signed: bool) -> str:
    """The client of a request as rate limits count it: an IPv4 address or an IPv6 /64.

    `forwarded_for` is the X-Forwarded-For header (several headers joined by commas), `remote_addr` the peer's
    address; `proxy_hops` our own reverse proxies; `signed` whether the request carries a valid platform signature,
    which trusts the platform's proxy as one hop more."""
    trusted = proxy_hops + (1 if signed else 0)
    # Only the rightmost `trusted` entries are read; the rest of a long (or hostile) header is left unsplit.
    entries = forwarded_for.rsplit(",", trusted) if forwarded_for.strip() else []
    chain = [*entries, remote_addr or ""]
    # With more entries than trusted, entries[0] holds the untrusted rest of the header and is skipped here.
    for entry in chain[max(len(chain) - 1 - trusted, 0) :]:
        key = _counted_as(entry)
        if key is not None:
            return key
    return UNKNOWN


def _counted_as(entry: str) -> str | None:
    """The rate-limit identity of one chain entry, or None for junk."""
    address = _parse(entry.strip())
    if address is None:
        return None
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return f"{IPv6Address(int(address) >> 64 << 64)}/64"
    return str(address)


def _parse(entry: str) -> IPv4Address | IPv6Address | None:
    """An address, also with a port some proxies add ("192.0.2.1:443", "[2001:db8::1]:443")."""
    host, port = entry, ""
    if entry.startswith("["):
        host, closed, port = entry[1:].partition("]")
        if not closed or (port and not port.startswith(":")):
            return None
        port = port[1:]
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if not port:
            return None
    if port and not port.isdigit():
        return None
    try:
        return ip_address(host)
    except ValueError:
        return None
