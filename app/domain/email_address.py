"""What passes for an email address a message can reach: one mailbox at an internet domain, as people type it."""

from __future__ import annotations

import re

ADDRESS_MAX = 254  # RFC 5321's limit for a forward path, less its angle brackets
# A dot-atom local part (no quoted strings, comments or spaces) at a domain of labels of letters, digits and
# hyphens, in any script (`app.mail.mime` writes such a domain as IDNA), with one dot at least (no "localhost",
# no [IP] literal, no "a@b").
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[^\W_](([^\W_]|-){0,61}[^\W_])?"
_DOMAIN = rf"{_LABEL}(\.{_LABEL})+"
ADDRESS = re.compile(rf"{_ATOM}(\.{_ATOM})*@{_DOMAIN}")
# A shopper's own address may have letters beyond ASCII before the @ too ("jürgen@…", RFC 6531: sent with SMTPUTF8).
_UNICODE_ATOM = r"([^\W_]|[!#$%&'*+/=?^_`{|}~-])+"
SHOPPER_ADDRESS = re.compile(rf"{_UNICODE_ATOM}(\.{_UNICODE_ATOM})*@{_DOMAIN}")


def is_shopper_address(text: str) -> bool:
    """`text` (stripped) is one address a shopper can be written to: "anna@example.de", "jürgen@müller.de";
    not "a@b", "anna@example", "anna @example.de" or two addresses."""
    return len(text) <= ADDRESS_MAX and SHOPPER_ADDRESS.fullmatch(text) is not None
