"""Create the demo accounts and clients, printing their credentials.

Run again to reset them: passwords and the client secret are generated anew each time
(a client secret is stored hashed, so it can only be shown when it is made).
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model

from oauth_jwt.server import signing_keys

DEMO_REDIRECT_URI = "http://127.0.0.1:8765/callback"


class Command(BaseCommand):
    help = "Create or reset authhub's demo accounts and clients and print their credentials."

    def handle(self, *args, **options):
        User = get_user_model()
        Application = get_application_model()
        lines = []
        for username, staff in (("admin", True), ("alice", False)):
            password = secrets.token_urlsafe(12)
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
            user.is_staff = user.is_superuser = staff
            user.set_password(password)
            user.save()
            lines.append(f"{'staff' if staff else 'user':>6}  username={username}  password={password}")

        clients = [
            ("demo-web", "Demo web app", Application.CLIENT_CONFIDENTIAL, Application.GRANT_AUTHORIZATION_CODE),
            ("demo-service", "Demo service", Application.CLIENT_CONFIDENTIAL, Application.GRANT_CLIENT_CREDENTIALS),
            ("demo-native", "Demo native app", Application.CLIENT_PUBLIC, Application.GRANT_AUTHORIZATION_CODE),
        ]
        for client_id, name, client_type, grant in clients:
            secret = secrets.token_urlsafe(32) if client_type == Application.CLIENT_CONFIDENTIAL else ""
            app = Application.objects.filter(client_id=client_id).first() or Application(client_id=client_id)
            app.name = name
            app.client_type = client_type
            app.authorization_grant_type = grant
            app.redirect_uris = DEMO_REDIRECT_URI if grant == Application.GRANT_AUTHORIZATION_CODE else ""
            app.client_secret = secret
            app.hash_client_secret = True
            app.save()
            kind = "confidential" if secret else "public"
            credential = f"  client_secret={secret}" if secret else ""
            lines.append(f"client  client_id={client_id} ({kind}, {grant}){credential}")

        key = signing_keys.ensure_active_key()
        self.stdout.write("authhub demo credentials (reset on every run):")
        for line in lines:
            self.stdout.write("  " + line)
        self.stdout.write(f"  redirect URI of the code-flow clients: {DEMO_REDIRECT_URI}")
        self.stdout.write(f"  signing key: {key.kid} ({key.algorithm})")
