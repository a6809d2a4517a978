"""Referral program: codes and links, recording friends, the order hook, fraud checks, settlement, decisions."""

from app.services.referrals.codes import code_for_member, ensure_code, record_click, record_referral
from app.services.referrals.decisions import approve_referral, reject_referral
from app.services.referrals.flow import on_order, settle_referrals
from app.services.referrals.settings import ReferralConfig, referral_config, save_settings

__all__ = [
    "ReferralConfig",
    "approve_referral",
    "code_for_member",
    "ensure_code",
    "on_order",
    "record_click",
    "record_referral",
    "referral_config",
    "reject_referral",
    "save_settings",
    "settle_referrals",
]
