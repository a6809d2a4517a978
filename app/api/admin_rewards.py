"""Admin API of the rewards area: tier programme with preview, rewards catalogue, settings, member coupons."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import container
from app.api.admin_auth import admin_locale, require_admin
from app.api.admin_rewards_schemas import (
    CouponSchema,
    MemberRedeemArgs,
    MemberRedemptionSchema,
    MemberTierSchema,
    RewardSchema,
    RewardSettingsSchema,
    TierPreviewSchema,
    TierProgramSchema,
)
from app.domain.tiers import TierProgram
from app.models import Reward
from app.services import redemptions, rewards, tiers
from app.services.rewards import RewardFields

blp = Blueprint("admin_rewards", __name__, description="Admin: tiers, rewards, coupons (session token or login link).")


@blp.route("/admin/api/tiers")
class TiersView(MethodView):
    """The shop's VIP tier programme."""

    @blp.response(200, TierProgramSchema)
    @require_admin
    def get(self) -> dict[str, Any]:
        """Read the tier programme."""
        return tiers.tier_program(container().uow(), g.shop.id)

    @require_admin
    @blp.arguments(TierProgramSchema)
    @blp.response(200, TierProgramSchema)
    def put(self, program: TierProgram) -> dict[str, Any]:
        """Replace the tier programme (balances are never touched; members are re-evaluated by the worker)."""
        c = container()
        return tiers.save_tier_program(c.uow(), g.shop.id, program, c.clock.now())


@blp.route("/admin/api/tiers/preview", methods=["POST"])
@require_admin
@blp.arguments(TierProgramSchema)
@blp.response(200, TierPreviewSchema)
def preview_tiers(program: TierProgram) -> dict[str, Any]:
    """How many members would land in each tier under the proposed programme (nothing is saved)."""
    c = container()
    return tiers.preview_tier_program(c.uow(), g.shop.id, program, c.clock.now())


@blp.route("/admin/api/rewards")
class RewardsView(MethodView):
    """The rewards catalogue."""

    @blp.response(200, RewardSchema(many=True))
    @require_admin
    def get(self) -> list[dict[str, Any]]:
        """List every reward, active first."""
        return [_reward(r) for r in rewards.list_rewards(container().uow(), g.shop.id)]

    @require_admin
    @blp.arguments(RewardSchema)
    @blp.response(201, RewardSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a reward."""
        c = container()
        return _reward(rewards.create_reward(c.uow(), g.shop.id, RewardFields(**data), c.clock.now()))


@blp.route("/admin/api/rewards/<int(max=2147483647):reward_id>")
class RewardView(MethodView):
    """One reward."""

    @require_admin
    @blp.arguments(RewardSchema)
    @blp.response(200, RewardSchema)
    def put(self, data: dict[str, Any], reward_id: int) -> dict[str, Any]:
        """Change a reward (issued coupons keep their terms)."""
        c = container()
        return _reward(rewards.update_reward(c.uow(), g.shop.id, reward_id, RewardFields(**data), c.clock.now()))

    @blp.response(200, RewardSchema)
    @require_admin
    def delete(self, reward_id: int) -> dict[str, Any]:
        """Deactivate a reward (it stays for the coupons issued from it)."""
        c = container()
        return _reward(rewards.deactivate_reward(c.uow(), g.shop.id, reward_id, c.clock.now()))


@blp.route("/admin/api/rewards/settings")
class RewardSettingsView(MethodView):
    """Next-purchase coupon and expired-coupon refunds."""

    @blp.response(200, RewardSettingsSchema)
    @require_admin
    def get(self) -> dict[str, Any]:
        """Read the reward settings."""
        return rewards.read_reward_settings(container().uow(), g.shop.id)

    @require_admin
    @blp.arguments(RewardSettingsSchema)
    @blp.response(200, RewardSettingsSchema)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Change the reward settings."""
        c = container()
        return rewards.save_reward_settings(c.uow(), g.shop.id, data, c.clock.now())


@blp.route("/admin/api/members/<int(max=2147483647):member_id>/coupons")
@blp.response(200, CouponSchema(many=True))
@require_admin
def member_coupons(member_id: int) -> list[Any]:
    """A member's coupons, newest first."""
    return redemptions.member_coupons(container().uow(), g.shop.id, member_id)


@blp.route("/admin/api/members/<int(max=2147483647):member_id>/tier")
@blp.response(200, MemberTierSchema)
@require_admin
def member_tier(member_id: int) -> dict[str, Any]:
    """A member's tier, progress and tier history, in the admin page's language (its Accept-Language)."""
    c = container()
    return tiers.member_tier(c.uow(), g.shop.id, member_id, c.clock.now(), admin_locale())


@blp.route("/admin/api/members/<int(max=2147483647):member_id>/redeem", methods=["POST"])
@require_admin
@blp.arguments(MemberRedeemArgs)
@blp.response(201, MemberRedemptionSchema)
def redeem(args: dict[str, Any], member_id: int) -> Any:
    """Redeem a reward for the member (points spent, code pushed to the shop)."""
    c = container()
    return redemptions.redeem_reward(
        c.uow, c.platform_client(g.shop.platform), c.box, shop_id=g.shop.id, member_id=member_id,
        reward_id=args["reward_id"], now=c.clock.now(), actor=g.actor,
    )


def _reward(reward: Reward) -> dict[str, Any]:
    locale = admin_locale()
    fields = {name: getattr(reward, name) for name in RewardSchema().fields if name != "label"}
    return {**fields, "label": rewards.reward_name(reward, locale, g.shop.currency)}
