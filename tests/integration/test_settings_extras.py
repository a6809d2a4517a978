"""The programme's extras hold several areas' settings: concurrent writers of different keys lose none."""

from __future__ import annotations

import threading
import time

import pytest

from app.analytics.settings import update_analytics_settings
from app.domain import connection as rules
from app.models import ProgramSettings
from app.repositories import ShopRepository
from app.services.connection import state_of
from tests.conftest import START

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("row locks are PostgreSQL's")


def test_an_analytics_save_waiting_on_a_connection_check_keeps_the_connection_state(container, shopify_shop):
    checker = container.uow()
    with checker:  # a connection check holds the settings row, its state written but not yet committed
        program = ShopRepository(checker.session).settings_for_update(shopify_shop.id)
        assert program is not None
        failed = rules.failed_attempt(state_of(program), "store_unreachable", "down", START)
        program.extra = {**(program.extra or {}), "connection": rules.to_json(failed)}
        checker.session.flush()
        saver = threading.Thread(target=update_analytics_settings, args=(container.uow(), shopify_shop.id,
                                 {"churn_window_days": 120}), kwargs={"actor": "admin", "now": START})
        saver.start()
        time.sleep(0.5)  # the save has read the row (were it unlocked) or waits for it
        checker.commit()
    saver.join(10)

    with container.uow() as uow:
        program = uow.session.get(ProgramSettings, shopify_shop.id)
        assert program is not None
        assert program.extra["analytics"]["churn_window_days"] == 120
        assert state_of(program).reason == "store_unreachable"
