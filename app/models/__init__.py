"""SQLAlchemy tables, one module per area; importing this package registers them all on Base.metadata."""

from app.models.admin import AdminLoginNonce, AuditLog
from app.models.inbox import WebhookDelivery
from app.models.ledger import LedgerEntry, PointLot
from app.models.member import Member
from app.models.order import Order, OrderRefund
from app.models.shop import ProgramSettings, Shop

__all__ = [
    "AdminLoginNonce",
    "AuditLog",
    "LedgerEntry",
    "Member",
    "Order",
    "OrderRefund",
    "PointLot",
    "ProgramSettings",
    "Shop",
    "WebhookDelivery",
]
