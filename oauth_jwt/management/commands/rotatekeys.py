"""Rotate the hub's signing key.

By default the new key is *staged*: published in the JWK set at once, signing only
after ``signing_keys.activation_delay()``, so every resource server holds it before it meets a
token it signed (no refusals). ``--now`` and ``--emergency`` trade that away, and say
what they break.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oauth_jwt.conf import ALGORITHMS, jwt_settings
from oauth_jwt.models import SigningKey
from oauth_jwt.server import signing_keys
from oauth_jwt.server.admin.keys import LIVE_COUNT_CAP, live_count


class Command(BaseCommand):
    help = (
        "Stage a new signing key: published now, signing once every resource server can have fetched it "
        "(JWK set max-age + refresh interval). Previous keys stay published until their tokens have expired."
    )

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=ALGORITHMS, help="Defaults to OAUTH_JWT['SIGNING_ALGORITHM'].")
        urgency = parser.add_mutually_exclusive_group()
        urgency.add_argument(
            "--now",
            action="store_true",
            help="Sign with a new key at once: resource servers that fetched the JWK set recently refuse its "
            "tokens until they refetch.",
        )
        urgency.add_argument(
            "--emergency",
            action="store_true",
            help="The signing key is compromised: revoke it (every token it signed is refused at once) and sign "
            "with the staged key, or a new one.",
        )

    def handle(self, *args, algorithm=None, now=False, emergency=False, **options):
        try:
            if emergency:
                self._emergency(algorithm)
            elif now:
                key = signing_keys.rotate(algorithm)
                self.stdout.write(
                    self.style.WARNING(f"New signing key {key.kid} ({key.algorithm}) signs now. {self._gap()}")
                )
            else:
                self._stage(algorithm)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _stage(self, algorithm):
        existing = signing_keys.staged()
        key = signing_keys.stage(algorithm)
        verb = "is already staged" if existing else "is published"
        wait = max(0, round((key.activates_at - timezone.now()).total_seconds()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Next signing key {key.kid} ({key.algorithm}) {verb}; "
                f"it signs from {key.activates_at:%Y-%m-%d %H:%M:%S %Z} (in {wait} s), "
                "once every resource server can have fetched it. Stage: next."
            )
        )

    def _emergency(self, algorithm):
        current = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
        if current is None:
            raise CommandError("There is no signing key to revoke.")
        was_staged = signing_keys.staged()
        tokens = live_count(current)
        if tokens is not None and tokens > LIVE_COUNT_CAP:
            tokens = f"more than {LIVE_COUNT_CAP}"
        new = signing_keys.revoke(current)
        self.stdout.write(
            self.style.WARNING(
                f"Signing key {current.kid} revoked: the {tokens} live access token(s) it signed are refused now, "
                "everywhere the denylist or introspection is checked (resource servers with REVOCATION_CHECK = "
                "'none' accept them until their JWK set copy expires)."
            )
        )
        if was_staged is not None and new.pk == was_staged.pk:
            self.stdout.write(
                f"The staged key {new.kid} signs now: resource servers that fetched it already accept its tokens. "
                + self._gap()
            )
        else:
            self.stdout.write(f"New signing key {new.kid} signs now. {self._gap()}")

    @staticmethod
    def _gap() -> str:
        return (
            "A resource server that has not fetched this key refuses its tokens until it refetches the JWK set: "
            f"at most {jwt_settings.JWKS_REFRESH_INTERVAL_SECONDS:g} s after its last fetch "
            "(JWKS_REFRESH_INTERVAL_SECONDS)."
        )
