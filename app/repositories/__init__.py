"""Repositories: shop-scoped reads and writes on one session. They never commit."""

from app.repositories.base import insert_ignore
from app.repositories.ledger import LotRepository
from app.repositories.members import MemberRepository
from app.repositories.orders import OrderRepository
from app.repositories.shops import ShopRepository

__all__ = ["LotRepository", "MemberRepository", "OrderRepository", "ShopRepository", "insert_ignore"]
