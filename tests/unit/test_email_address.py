"""Which typed addresses a message can reach: one mailbox at an internet domain, umlauts allowed."""

from __future__ import annotations

import pytest

from app.domain.email_address import is_shopper_address


@pytest.mark.parametrize("text", ["anna@example.de", "Anna.Maria+treue@kaffee-mueller.example.de",
                                  "jürgen@example.de", "service@kaffee-müller.de", "o'brien@example.ie"])
def test_an_address_people_type_is_taken(text):
    assert is_shopper_address(text)


@pytest.mark.parametrize("text", ["a@b", "anna@example", "anna@@example.de", "anna @example.de", "anna@example..de",
                                  "anna@-example.de", ".anna@example.de", "anna@example.de, bob@example.de",
                                  "anna@example.de\r\nBcc: x@example.de", "", "@example.de", "anna@",
                                  "a" * 250 + "@example.de", "anna\u00a0@example.de", "<anna@example.de>"])
def test_what_no_message_could_reach_is_refused(text):
    assert not is_shopper_address(text)
