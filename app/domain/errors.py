"""Domain errors: small exceptions named after the condition, each with a stable `reason`."""

from __future__ import annotations

from typing import Any, ClassVar


class LoyaltyError(Exception):
    """Base of every error the product raises on purpose."""

    reason: ClassVar[str] = "loyalty_error"
    message: ClassVar[str] = "The request could not be completed."

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(message or self.message)
        self.details = details


class NotFound(LoyaltyError):
    reason = "not_found"
    message = "Not found."


class ShopNotFound(NotFound):
    reason = "shop_not_found"
    message = "Unknown shop."


class MemberNotFound(NotFound):
    reason = "member_not_found"
    message = "Unknown member."


class OrderNotFound(NotFound):
    reason = "order_not_found"
    message = "Unknown order."


class RewardNotFound(NotFound):
    reason = "reward_not_found"
    message = "Unknown reward."


class Conflict(LoyaltyError):
    reason = "conflict"
    message = "Conflicts with the current state."


class ShopAlreadyExists(Conflict):
    reason = "shop_exists"
    message = "This shop is already registered."


class InsufficientPoints(Conflict):
    reason = "insufficient_points"
    message = "Not enough points."


class AlreadyRedeemed(Conflict):
    reason = "already_redeemed"
    message = "Already redeemed."


class RewardUnavailable(LoyaltyError):
    reason = "reward_unavailable"
    message = "This reward is not available."


class InvalidInput(LoyaltyError):
    reason = "invalid_input"
    message = "The input is not valid."

    def __init__(self, message: str | None = None, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class MalformedPayload(InvalidInput):
    reason = "malformed_payload"
    message = "The payload is malformed."


class PayloadTooLarge(LoyaltyError):
    reason = "payload_too_large"
    message = "The payload is too large."


class Unauthorized(LoyaltyError):
    reason = "unauthorized"
    message = "Authentication failed."


class InvalidSignature(Unauthorized):
    reason = "invalid_signature"
    message = "The signature is missing or does not match."


class KeysRefused(Unauthorized):
    """A WooCommerce connection's keys that the store's REST API did not accept: nothing is stored."""

    reason = "keys_refused"
    message = "The store did not accept these API keys."


class Forbidden(LoyaltyError):
    reason = "forbidden"
    message = "Not allowed."


class RateLimited(LoyaltyError):
    reason = "rate_limited"
    message = "Too many requests."

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformError(LoyaltyError):
    reason = "platform_error"
    message = "The shop platform failed."


class PlatformUnavailable(PlatformError):
    """Retryable: timeouts, 5xx, 429."""

    reason = "platform_unavailable"
    message = "The shop platform is not reachable right now."

    def __init__(self, message: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformRejected(PlatformError):
    """Not retryable: the platform refused the request (validation, permissions)."""

    reason = "platform_rejected"
    message = "The shop platform refused the request."


class PlatformNotConnected(PlatformRejected):
    """The shop has no access token (Shopify) or API keys (WooCommerce) yet: nothing can be pushed to it."""

    reason = "platform_not_connected"
    message = "This shop is not connected to its platform yet."


class MissingScope(PlatformRejected):
    """The shop has not granted the app an access scope the call needs (Shopify ACCESS_DENIED)."""

    reason = "missing_scope"
    message = "The shop has not granted the app the access this needs."


class InvalidLink(NotFound):
    """A signed link (review page, unsubscribe) that is forged, malformed or expired."""

    reason = "invalid_link"
    message = "This link has expired or is not valid."
