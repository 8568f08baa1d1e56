"""Seed the revocation denylist from the database, once or every N seconds.

The hub seeds the denylist on its own token checks when it finds it unseeded, but an
idle hub checks nothing, and resource servers answer 503 while the denylist does not
know. Run ``seeddenylist --every 5`` beside the hub (a systemd unit, a sidecar
container) so that a flushed or restarted denylist cache is seeded again within that
many seconds with no request at all; it also seeds it when it starts.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from oauth_jwt.server import denylist_writer


class Command(BaseCommand):
    help = (
        "Seed the revocation denylist cache from the database (RevokedToken rows). With --every N, "
        "keep running and seed it again within N seconds whenever it was flushed, evicted or restarted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, metavar="SECONDS", help="Keep running; check the denylist every SECONDS."
        )

    def handle(self, *args, every=None, **options):
        if every is None:
            if not denylist_writer.seed():
                raise CommandError("The denylist cache is unreachable (see the log).")
            self.stdout.write(self.style.SUCCESS("Denylist seeded."))
            return
        if every <= 0:
            raise CommandError("--every needs a positive number of seconds.")
        self.stdout.write(f"Checking the denylist every {every:g} s.")
        while True:
            close_old_connections()
            if not self._seeded() and denylist_writer.seed():
                self.stdout.write("Denylist seeded.")
            self.stdout.flush()
            time.sleep(every)

    def _seeded(self) -> bool:
        try:
            return denylist_writer.is_seeded()
        except Exception:  # each cache backend raises its own connection errors; seed() logs it
            return False
