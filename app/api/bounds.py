"""Integer inputs bounded to what the database holds: a number beyond a column's range is a field error (422),
never the driver's overflow (a 500 on SQLite, a DataError on PostgreSQL).

Every integer a schema reads has bounds: the domain's own where it has them (`validate.Range(min=1, max=365)`
for days), else these fields'. tests/api/test_integer_bounds.py finds any integer input without both bounds in
/openapi.json. Path ids need nothing: `<int:...>` stops at the INTEGER range (app.DatabaseIdConverter), so an
id beyond it is not found.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow.validate import Range

from app.repositories.base import MAX_BIG_ID, MAX_ID


class BoundedInt(fields.Integer):
    """marshmallow's Integer within [minimum, maximum], documented as the OpenAPI bounds."""

    def __init__(self, minimum: int, maximum: int, **kwargs: Any) -> None:
        # Two ranges, so each side is refused in its own words: "Muss mindestens 0 sein." for a negative count,
        # not "zwischen 0 und 2.147.483.647", a bound no merchant thinks of.
        super().__init__(validate=[Range(min=minimum), Range(max=maximum)], **kwargs)


class RowId(BoundedInt):
    """A row's id: 1 up to the largest INTEGER key, or BIGINT key with `big=True`."""

    def __init__(self, *, big: bool = False, **kwargs: Any) -> None:
        super().__init__(1, MAX_BIG_ID if big else MAX_ID, **kwargs)


class Count(BoundedInt):
    """A count, an offset, or the id a page starts after (0: the first page): 0 up to the largest INTEGER."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(0, MAX_ID, **kwargs)


BIG_ID = f"int(max={MAX_BIG_ID})"  # a BIGINT key in a route, `<{BIG_ID}:name>`: `<int:...>` stops at INTEGER's
