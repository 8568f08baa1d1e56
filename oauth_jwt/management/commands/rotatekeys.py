from django.core.management.base import BaseCommand, CommandError

from oauth_jwt import keys
from oauth_jwt.conf import ALGORITHMS


class Command(BaseCommand):
    help = (
        "Make a new key the signing key. Previous keys stay published until every token "
        "they signed has expired, so tokens issued before the rotation keep validating."
    )

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=ALGORITHMS, help="Defaults to OAUTH_JWT['SIGNING_ALGORITHM'].")

    def handle(self, *args, algorithm=None, **options):
        try:
            key = keys.rotate(algorithm)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"New signing key {key.kid} ({key.algorithm})."))
