"""Plain INSERTs for the demo's volumes (about 120,000 bills and 200,000 savings transactions).

Django's bulk_create spends most of such a run building model instances and compiling SQL value
by value; the demo writes its member and savings rows through `insert` instead: one
`executemany` on SQLite (in-process, no round trips), multi-row statements of 1,000 rows on
PostgreSQL, with values made database-ready by the connection's own adapters (`Adapt`), so the
rows are what the ORM would have written. Journal rows are never written here: the books go
through `kopdes.ledger.services`.
"""

import os
import uuid
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone


def insert(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT `rows` (database-ready tuples in the order of `columns`) into `model`'s table."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {one}", rows)  # noqa: S608
            return
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))}",  # noqa: S608
                [value for row in batch for value in row],
            )


class Adapt:
    """Value adapters for the connection in use, looked up once (the `connection` proxy costs a
    thread-local lookup per access, which shows at a few hundred thousand values)."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.date = connection.ops.adapt_datefield_value
        self._datetime = connection.ops.adapt_datetimefield_value

    def uuids(self, count: int) -> list:
        """`count` random (version 4) UUIDs from one read of the system's random source:
        `uuid.uuid4()` reads it once per UUID, ten times slower."""
        raw = bytearray(os.urandom(16 * count))
        raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
        raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
        hexes = raw.hex()
        out = [hexes[i : i + 32] for i in range(0, 32 * count, 32)]
        return out if self.sqlite else [uuid.UUID(h) for h in out]

    def uuid(self, value: uuid.UUID):
        return value.hex if self.sqlite else value

    def now(self):
        return self._datetime(timezone.now())
