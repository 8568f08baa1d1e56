"""Counting rows of tables that grow with the install (issue 19) without reading
them: on PostgreSQL the planner's estimate above ``COUNT_CAP`` rows, below it a count
that stops at ``COUNT_CAP`` + 1. The admin's changelists (``admin.paging``) and its
dashboard count this way."""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

COUNT_CAP = 10_000


def _table_estimate(queryset: QuerySet) -> int | None:
    """``pg_class.reltuples`` of the queryset's table: what ANALYZE and autovacuum last
    saw; ``None`` before the table was ever analyzed."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


def _plan_estimate(queryset: QuerySet) -> int:
    """The rows PostgreSQL's planner expects the query to return (no row is read)."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # ``.none()``, or an ``__in`` of nothing
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class Estimated(int):
    """A count PostgreSQL's planner estimated (templates show it as "about")."""

    estimated = True


def estimated_count(queryset: QuerySet, cap: int | None = None) -> int:
    """How many rows ``queryset`` holds. On PostgreSQL the planner's estimate when it
    is above ``cap`` (``pg_class.reltuples`` for a whole table, the plan's row estimate
    for a filtered one: no row is read), else the rows counted up to ``cap`` + 1 (a
    count that stops); beyond ``cap`` on other databases, the exact count."""
    cap = COUNT_CAP if cap is None else cap
    on_postgresql = connections[queryset.db].vendor == "postgresql"
    estimate = None
    if on_postgresql:
        unfiltered = not queryset.query.where and not queryset.query.distinct
        estimate = _table_estimate(queryset) if unfiltered else _plan_estimate(queryset)
        if estimate is not None and estimate > cap:
            return Estimated(estimate)
    bounded = queryset.order_by()[: cap + 1].count()
    if bounded <= cap:
        return bounded
    if not on_postgresql:
        return queryset.count()
    return Estimated(max(bounded, estimate or 0))
