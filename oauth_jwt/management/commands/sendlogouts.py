"""Send the back-channel logout tokens that are due: the ones a background thread could
not deliver at once (the client was down or slow, the worker was recycled), and, with
``BACKCHANNEL_LOGOUT_IN_BACKGROUND`` off, all of them.

Run it from cron (e.g. every minute); several may run at once (each claims a row
before sending it).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from oauth_jwt.server import logout_delivery


class Command(BaseCommand):
    help = "Send the back-channel logout tokens that are due, and retry failed ones."

    def handle(self, *args, **options):
        summary = logout_delivery.send(logout_delivery.due())
        style = self.style.SUCCESS if summary.failed == 0 else self.style.WARNING
        self.stdout.write(style(f"Logout tokens: {summary.delivered} delivered, {summary.failed} failed."))
