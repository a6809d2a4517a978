"""Secrets at rest (Fernet, key derived from LOYALTY_SECRET_KEY) and constant-time HMAC helpers."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SecretBox:
    """Encrypts credentials before they reach the database; `None` passes through."""

    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"loyalty-credentials", info=b"fernet").derive(
            secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plaintext: str | None) -> str | None:
        if plaintext is None:
            return None
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("credential cannot be decrypted with this LOYALTY_SECRET_KEY") from exc


def hmac_sha256_base64(key: str, body: bytes) -> str:
    """base64(HMAC-SHA256(key, body)), the webhook signature both platforms use."""
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def hmac_sha256_hex(key: str, message: str) -> str:
    """hex(HMAC-SHA256(key, message)), used for query-string and app-proxy signatures."""
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signatures_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison that tolerates a missing value."""
    if not given:
        return False
    return hmac.compare_digest(expected.encode(), given.strip().encode())
