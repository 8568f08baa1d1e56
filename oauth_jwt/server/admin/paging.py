"""Changelists over tables of millions of rows (issue 19): no page counts a whole table,
and no filter lists a whole table in the sidebar.

Django's admin counts twice per page: the filtered rows (for the paginator) and the
whole table (``show_full_result_count``). On PostgreSQL a ``COUNT(*)`` reads every row,
so at a million tokens the count, not the page, was the time. Here the whole table is
never counted, and the paginator asks PostgreSQL's planner first (``pg_class.reltuples``
for an unfiltered list, the plan's row estimate for a filtered one): above ``counting.COUNT_CAP``
rows the list shows that estimate, below it the rows are counted, by a count that stops
at ``counting.COUNT_CAP`` + 1. Other databases count exactly, as Django does.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from ..counting import estimated_count

# From this row on, a page's keys are found first and its rows then (a deep OFFSET
# walks only the primary-key index, not every joined row before the page).
KEYS_FIRST_FROM = 1_000


class EstimatedCountPaginator(Paginator):
    """Django's paginator with ``estimated_count``: page links past the last row (when
    the estimate is high) show an empty page, and none is ever a 500. A deep page
    (page 5,000 of a million tokens) reads the keys of its rows first."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return estimated_count(self.object_list)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not isinstance(self.object_list, QuerySet) or bottom < KEYS_FIRST_FROM:
            return super().page(number)
        keys = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(list(self.object_list.filter(pk__in=keys)), number, self)


class LargeTableMixin:
    """For a changelist whose table grows with the install: estimated counts and no
    count of the whole table."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    class Media:
        # Without the full count the search bar links "Show all": underlined (axe: link-in-text-block).
        css = {"all": ("oauth_jwt/admin.css",)}


class ChosenOnlyRelatedFilter(admin.RelatedFieldListFilter):
    """A foreign-key filter that lists only the object chosen (by a link such as a
    client's token count, or the URL): Django's lists every client or person in the
    sidebar, a hundred thousand links on every page."""

    def field_choices(self, field, request, model_admin):
        value = self.lookup_val  # a list since Django 5.0, a string before
        chosen = [v for v in (value if isinstance(value, list) else [value]) if v]
        if not chosen:
            return []
        model = field.remote_field.model
        try:
            return [(obj.pk, str(obj)) for obj in model._default_manager.filter(pk__in=chosen)]
        except (ValueError, ValidationError):  # the changelist itself answers "?e=1"
            return []


class ChosenOnlyValueFilter(admin.AllValuesFieldListFilter):
    """``ChosenOnlyRelatedFilter`` for a plain column (a client id): Django's reads the
    column's every distinct value, a scan of the table, for the sidebar."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        value = self.lookup_val  # a list since Django 5.0, a string before
        self.lookup_choices = [v for v in (value if isinstance(value, list) else [value]) if v]
