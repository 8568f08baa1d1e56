"""Security tests: tests marked ``postgres`` need real row locks and concurrent
connections; on another database they are deselected (reported as such), and CI runs
the suite a second time on PostgreSQL, where they run."""

from __future__ import annotations

from django.conf import settings


def pytest_collection_modifyitems(config, items):
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
