"""authhub's production settings, as configured by the environment, plus one bare view.

Only the URLconf differs (``bench.urls`` adds ``/bench/bare``, the ceiling). During the
one-off schema step ``bench/run.py`` sets ``BENCH_SYNCDB=1`` so that tables come straight
from the models even while migrations are being regenerated; the server never sees it.
"""

import os

from authhub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
if os.environ.get("BENCH_SYNCDB") == "1":
    MIGRATION_MODULES = {"oauth_jwt": None, "authhub": None}
