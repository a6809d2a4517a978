"""SQLAlchemy tables, one module per area; importing this package registers them all on Base.metadata."""

from app.models.admin import AdminLoginNonce, AdminSession, AuditLog
from app.models.analytics import Campaign, CampaignRecipient
from app.models.earning import BirthdayRecord, EarningSettings
from app.models.inbox import WebhookDelivery
from app.models.install import InstallState, PrivacyExport
from app.models.ledger import LedgerEntry, PointLot
from app.models.member import ConsentPush, Member
from app.models.messaging import EmailSettings, EmailUnsubscribe, OutboxMessage, Review, ReviewSubmission
from app.models.order import Order, OrderRefund
from app.models.referrals import Referral, ReferralCode, ReferralSettings
from app.models.rewards import (
    Coupon,
    MemberTier,
    Reward,
    RewardSettings,
    Tier,
    TierHistory,
    TierProgramRow,
)
from app.models.shop import ProgramSettings, Shop
from app.models.sync import SyncRepair, SyncRun

__all__ = [
    "AdminLoginNonce",
    "AdminSession",
    "AuditLog",
    "BirthdayRecord",
    "Campaign",
    "CampaignRecipient",
    "ConsentPush",
    "Coupon",
    "EarningSettings",
    "EmailSettings",
    "EmailUnsubscribe",
    "InstallState",
    "LedgerEntry",
    "Member",
    "MemberTier",
    "Order",
    "OrderRefund",
    "OutboxMessage",
    "PointLot",
    "PrivacyExport",
    "ProgramSettings",
    "Referral",
    "ReferralCode",
    "ReferralSettings",
    "Review",
    "ReviewSubmission",
    "Reward",
    "RewardSettings",
    "Shop",
    "SyncRepair",
    "SyncRun",
    "Tier",
    "TierHistory",
    "TierProgramRow",
    "WebhookDelivery",
]
