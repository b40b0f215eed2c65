"""Bulk writes: the one place for raw multi-row SQL (docs/adr/0003-posting-hot-path.md).

Month-end runs, bulk postings and imports write thousands of rows in one transaction. Django's
`bulk_create` spends most of such a run building model instances and compiling SQL value by
value, so these paths use `insert` instead: one `executemany` on SQLite (in-process, no round
trips), multi-row statements of 1,000 rows on PostgreSQL. Everything else, every single-row
write included, goes through the ORM.

Column lists come from the models: `columns(model)` is the model's concrete columns (without
the auto primary key), in field order. A caller that writes fewer columns names them, and
`insert` checks once per list that each is a column of the model and that every column left out
may be left out (nullable, or a database default): a model that gains a NOT NULL column breaks
the bulk writer at once, in the tests, rather than in production.

Values must be database-ready: `db_uuid`, `db_date`, `db_datetime` (or `adapters()` in a tight
loop) make them so with the connection's own adapters, as the ORM would.
"""

import functools
import operator
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db import connection, connections, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

POSTGRES_BATCH = 1000  # rows per multi-row INSERT on PostgreSQL
UPDATE_BATCH = (
    400  # rows per UPDATE ... FROM (VALUES ...): 800 parameters, under SQLite's old limit
)


@functools.cache
def columns(model: type[models.Model]) -> tuple[str, ...]:
    """The model's concrete columns in field order, without the auto primary key."""
    return tuple(
        field.column
        for field in model._meta.concrete_fields
        if not isinstance(field, models.AutoField)
    )


@functools.cache
def check_columns(
    model: type[models.Model], names: tuple[str, ...], *, insert: bool = True
) -> None:
    """ValueError unless `names` are columns of `model` and, for an insert, every column left
    out is nullable or has a database default (or is the auto primary key)."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise ValueError(f"{model._meta.label} has no column {', '.join(unknown)}")
    if not insert:
        return
    required = [
        column
        for column, field in fields.items()
        if column not in names
        and not isinstance(field, models.AutoField)
        and not field.null
        and field.db_default is NOT_PROVIDED
    ]
    if required:
        raise ValueError(
            f"a bulk insert into {model._meta.label} leaves out NOT NULL {', '.join(required)}"
        )


def insert(
    model: type[models.Model],
    rows: list[tuple],
    *,
    names: Sequence[str] | None = None,
    on_conflict: str = "",
) -> None:
    """INSERT `rows` (database-ready tuples in the order of `names`, by default `columns(model)`)
    into `model`'s table. `on_conflict` is appended to each statement (e.g. "ON CONFLICT DO
    NOTHING", or an upsert's "ON CONFLICT (...) DO UPDATE SET ..."; the rows of one call must
    then have distinct keys)."""
    if not rows:
        return
    names = tuple(names) if names is not None else columns(model)
    db = connection  # the proxy resolves the thread's connection on each attribute access
    head, one, tail, sqlite = _insert_sql(model, names, on_conflict, db.alias)
    with db.cursor() as cursor:
        if sqlite:
            cursor.executemany(f"{head}{one}{tail}", rows)
            return
        for start in range(0, len(rows), POSTGRES_BATCH):
            batch = rows[start : start + POSTGRES_BATCH]
            cursor.execute(
                f"{head}{', '.join([one] * len(batch))}{tail}",
                [value for row in batch for value in row],
            )


@functools.cache
def _insert_sql(
    model: type[models.Model], names: tuple[str, ...], on_conflict: str, alias: str
) -> tuple[str, str, str, bool]:
    """The statement's parts, built (and the columns checked) once per model, list and database:
    the per-entry posting path calls `insert` three times per entry."""
    check_columns(model, names)
    db = connections[alias]
    quote = db.ops.quote_name
    listed = ", ".join(quote(c) for c in names)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({listed}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    return head, one, f" {on_conflict}" if on_conflict else "", db.vendor == "sqlite"


def update_column(model: type[models.Model], column: str, pairs: Sequence[tuple[int, int]]) -> None:
    """Set the BIGINT `column` of many rows, (primary key, value) pairs: one UPDATE per few
    hundred rows joined to a VALUES list (SQLite and PostgreSQL both take it). Django's
    bulk_update builds a CASE per row, and executemany runs one statement per row; both are
    several times slower over thousands of rows."""
    check_columns(model, (column,), insert=False)
    quote = connection.ops.quote_name
    table, name = quote(model._meta.db_table), quote(column)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), UPDATE_BATCH):
            batch = pairs[start : start + UPDATE_BATCH]
            values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * len(batch))
            cursor.execute(
                f"WITH v(id, value) AS (VALUES {values}) "  # noqa: S608 - our table and column
                f"UPDATE {table} SET {name} = v.value FROM v WHERE {table}.id = v.id",
                [x for pk, value in batch for x in (pk, value)],
            )


def update_columns(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[tuple[int, ...]],
    *,
    add: Sequence[str] = (),
) -> None:
    """`update_column` for several BIGINT (or integer) columns: each row is (primary key,
    *values in the order of `names`). A column named in `add` is increased by its value instead
    of set (`col = col + value`), so a concurrent writer's change to it is never lost. One
    UPDATE ... FROM (VALUES ...) per batch of rows (at most UPDATE_BATCH * 2 parameters)."""
    if not rows:
        return
    check_columns(model, tuple(names), insert=False)
    unknown = set(add) - set(names)
    if unknown:
        raise ValueError(f"add names columns not updated: {', '.join(sorted(unknown))}")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    aliases = [f"c{i}" for i in range(len(names))]
    assignments = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + v.{alias}"
        if name in add
        else f"{quote(name)} = v.{alias}"
        for name, alias in zip(names, aliases, strict=True)
    )
    one = "(" + ", ".join(["CAST(%s AS BIGINT)"] * (len(names) + 1)) + ")"
    per_batch = max(1, (UPDATE_BATCH * 2) // (len(names) + 1))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            cursor.execute(
                f"WITH v(id, {', '.join(aliases)}) AS (VALUES {', '.join([one] * len(batch))}) "  # noqa: S608 - our table and columns
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.id = v.id",
                [value for row in batch for value in row],
            )


def update_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple]) -> None:
    """Set `names` of many rows: each row is (*values in the order of `names`, primary key)."""
    if not rows:
        return
    check_columns(model, tuple(names), insert=False)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(name)} = %s" for name in names)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608


# -- database-ready values -------------------------------------------------------------------


class Adapters(NamedTuple):
    """The connection's value adapters, looked up once for a tight loop."""

    uuid: Callable[[], Any]  # a new random UUID as the database stores it
    date: Callable[[date], Any]
    datetime: Callable[[datetime], Any]


def adapters(db: Any = None) -> Adapters:
    return _adapters((db if db is not None else connection).alias)


@functools.cache
def _adapters(alias: str) -> Adapters:
    db = connections[alias]
    ops = db.ops
    if db.vendor == "sqlite":  # Django stores UUIDs as 32 hex characters there

        def new_uuid() -> Any:
            return uuid.uuid4().hex
    else:
        new_uuid = uuid.uuid4
    return Adapters(new_uuid, ops.adapt_datefield_value, ops.adapt_datetimefield_value)


def row_maker(model: type[models.Model]) -> Callable[[models.Model], tuple]:
    """A function turning an instance of `model` into the database-ready tuple of its
    `columns(model)`: attributes read in one C call, UUIDs, dates and datetimes adapted, JSON
    and file fields prepared by the field. Nothing else is computed: `auto_now` fields must be
    set by the caller (the ORM's `pre_save` does not run)."""
    return _row_maker(model, connection.alias)


@functools.cache
def _row_maker(model: type[models.Model], alias: str) -> Callable[[models.Model], tuple]:
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    read = operator.attrgetter(*(f.attname for f in fields))
    db = connections[alias]
    adapt = _adapters(alias)
    sqlite = db.vendor == "sqlite"
    conversions: list[tuple[int, Callable[[Any], Any]]] = []
    for index, field in enumerate(fields):
        if isinstance(field, models.UUIDField) and sqlite:
            conversions.append((index, _hex))
        elif isinstance(field, models.DateTimeField):
            conversions.append((index, adapt.datetime))
        elif isinstance(field, models.DateField):
            conversions.append((index, adapt.date))
        elif isinstance(field, (models.JSONField, models.FileField)):
            # JSON as the backend stores it (text on SQLite, jsonb on PostgreSQL); a file as
            # its name. The field's own preparation, as the ORM's save would do it.
            conversions.append((index, functools.partial(_prepared, field, db)))

    def make(obj: models.Model) -> tuple:
        values = list(read(obj))
        for index, convert in conversions:
            if values[index] is not None:
                values[index] = convert(values[index])
        return tuple(values)

    return make


def _prepared(field: models.Field, db: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, db)


def _hex(value: uuid.UUID) -> str:
    return value.hex


def db_uuid(value: uuid.UUID | None = None) -> Any:
    """`value` (a new random UUID by default) as the database stores it."""
    value = value or uuid.uuid4()
    return value.hex if connection.vendor == "sqlite" else value


def db_date(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def db_datetime(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def db_now() -> Any:
    return db_datetime(timezone.now())
