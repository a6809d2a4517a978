"""The SMTP backend's shortcuts give byte for byte what smtplib's sendmail would send (dot-stuffing, addresses)."""

from __future__ import annotations

import smtplib
import string

from hypothesis import given
from hypothesis import strategies as st

from app.mail.smtp import DOT_ATOM, _bracketed, dot_stuffed

ATEXT = string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-"
DOT_ATOMS = st.lists(st.text(alphabet=ATEXT, min_size=1, max_size=6), min_size=1, max_size=3).map(".".join)
LABELS = st.lists(
    st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=1, max_size=6), min_size=1, max_size=3
).map(".".join)


def _smtplib_payload(data: bytes) -> bytes:
    # What smtplib.SMTP.data puts on the wire for these bytes.
    quoted = smtplib._quote_periods(data)  # type: ignore[attr-defined]
    if quoted[-2:] != b"\r\n":
        quoted += b"\r\n"
    return quoted + b".\r\n"


@given(st.lists(st.sampled_from([b".", b"..", b"\r\n", b"\n", b"\r", b"a", b"\r\n.\r\n"])).map(b"".join))
def test_dot_stuffing_is_the_bytes_smtplib_sends(data):
    assert dot_stuffed(data) == _smtplib_payload(data)


@given(DOT_ATOMS, LABELS)
def test_a_dot_atom_address_is_bracketed_as_quoteaddr_brackets_it(local, domain):
    address = f"{local}@{domain}"

    assert DOT_ATOM.fullmatch(address)
    assert _bracketed(address) == smtplib.quoteaddr(address)


def test_other_addresses_still_go_through_quoteaddr():
    for address in ('"two words"@example.de', "Shop <loyalty@shop.example>", "kunde@bücher.example", "a@b@c"):
        assert _bracketed(address) == smtplib.quoteaddr(address)
