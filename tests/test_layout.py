"""The house rules: the resource half imports neither DOT nor the hub half, works in a
project without DOT, and the paths users already have in their settings still work."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import pytest
from django.utils.module_loading import import_string

REPO = Path(__file__).resolve().parent.parent
RESOURCE = REPO / "oauth_jwt" / "resource"
FORBIDDEN = ("oauth2_provider", "oauth_jwt.server")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, at the top or inside a function, relative
    imports resolved against the file's own package."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts)
    package = package.rsplit(".", 1)[0] if path.name != "__init__.py" else package.removesuffix(".__init__")
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def test_the_resource_half_imports_neither_dot_nor_the_hub():
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted(RESOURCE.rglob("*.py"))
        for line, module in _imported_modules(path)
        if _forbidden(module)
    ]
    assert not offenders, offenders


def test_only_the_drf_adapter_imports_drf():
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted(RESOURCE.rglob("*.py"))
        if path.name != "rest_framework.py"
        and any(module.split(".")[0] == "rest_framework" for _, module in _imported_modules(path))
    ]
    assert not offenders, offenders


# Old paths (settings strings and documented imports) -> where the object lives now.
OLD_PATHS = {
    "oauth_jwt.contrib.rest_framework.JWTAuthentication": "oauth_jwt.resource.rest_framework.JWTAuthentication",
    "oauth_jwt.contrib.rest_framework.HasScope": "oauth_jwt.resource.rest_framework.HasScope",
    "oauth_jwt.contrib.rest_framework.TokenHasScope": "oauth_jwt.resource.rest_framework.TokenHasScope",
    "oauth_jwt.contrib.rest_framework.InsufficientScope": "oauth_jwt.resource.rest_framework.InsufficientScope",
    "oauth_jwt.middleware.BearerTokenMiddleware": "oauth_jwt.resource.middleware.BearerTokenMiddleware",
    "oauth_jwt.middleware.accepts_token": "oauth_jwt.resource.middleware.accepts_token",
    "oauth_jwt.decorators.require_token": "oauth_jwt.resource.decorators.require_token",
    "oauth_jwt.decorators.accept_token": "oauth_jwt.resource.decorators.accept_token",
    "oauth_jwt.decorators.AcceptTokenMixin": "oauth_jwt.resource.decorators.AcceptTokenMixin",
    "oauth_jwt.validators.JWTOAuth2Validator": "oauth_jwt.server.validator.JWTOAuth2Validator",
    "oauth_jwt.tokens.generate_access_token": "oauth_jwt.server.tokens.generate_access_token",
    "oauth_jwt.hashers.ClientSecretHasher": "oauth_jwt.server.hashers.ClientSecretHasher",
    "oauth_jwt.urls.urlpatterns": "oauth_jwt.server.urls.urlpatterns",
    "oauth_jwt.views.errors.csrf_failure": "oauth_jwt.server.views.errors.csrf_failure",
    "oauth_jwt.views.accounts.lockout": "oauth_jwt.server.views.accounts.lockout",
    "oauth_jwt.admin.clients.ApplicationAdmin": "oauth_jwt.server.admin.clients.ApplicationAdmin",
    "oauth_jwt.admin.dot.AccessTokenAdmin": "oauth_jwt.server.admin.dot.AccessTokenAdmin",
    "oauth_jwt.admin.dot.RefreshTokenAdmin": "oauth_jwt.server.admin.dot.RefreshTokenAdmin",
    "oauth_jwt.admin.dot.GrantAdmin": "oauth_jwt.server.admin.dot.GrantAdmin",
    "oauth_jwt.admin.dot.IDTokenAdmin": "oauth_jwt.server.admin.dot.IDTokenAdmin",
    "oauth_jwt.records.of": "oauth_jwt.server.token_records.of",
    "oauth_jwt.records.TokenRecord": "oauth_jwt.server.token_records.TokenRecord",
    "oauth_jwt.conf.provider_settings": "oauth_jwt.server.provider_settings.provider_settings",
}


@pytest.mark.parametrize("old", OLD_PATHS)
def test_an_old_path_names_the_same_object(old):
    assert import_string(old) is import_string(OLD_PATHS[old])


def test_the_old_settings_strings_pass_the_checks(settings):
    from oauth_jwt.checks import host, server

    dot = {**settings.OAUTH2_PROVIDER}
    dot["ACCESS_TOKEN_GENERATOR"] = "oauth_jwt.tokens.generate_access_token"
    dot["OAUTH2_VALIDATOR_CLASS"] = "oauth_jwt.validators.JWTOAuth2Validator"
    settings.OAUTH2_PROVIDER = dot
    settings.CSRF_FAILURE_VIEW = "oauth_jwt.views.errors.csrf_failure"
    settings.AXES_LOCKOUT_CALLABLE = "oauth_jwt.views.accounts.lockout"
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS[:-1], "oauth_jwt.hashers.ClientSecretHasher"]
    assert server.check_server() == []
    assert host.check_hub_project() == []


# A resource-only project: DOT (and oauth_jwt.server) unimportable, the hub's JWK set
# served over HTTP by a stub, a plain Django view and a DRF view behind oauth_jwt.
RS_SETTINGS = """
SECRET_KEY = "resource-server-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "oauth_jwt"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oauth_jwt.resource.middleware.BearerTokenMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
ROOT_URLCONF = "rs_urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["oauth_jwt.resource.rest_framework.JWTAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
OAUTH_JWT = {
    "ISSUER": "https://hub.example.test",
    "AUDIENCE": ["https://api.example.test/"],
    "JWKS_URL": __import__("os").environ["RS_JWKS_URL"],
    "REVOCATION_CHECK": "none",
}
"""

RS_URLS = """
from django.http import JsonResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth_jwt.resource.decorators import require_token
from oauth_jwt.resource.rest_framework import HasScope


@require_token(scopes=["read"])
def plain(request):
    return JsonResponse({"client_id": request.auth.client_id})


class Drf(APIView):
    permission_classes = [HasScope("read")]

    def get(self, request):
        return Response({"client_id": request.auth.client_id})


urlpatterns = [path("plain", plain), path("drf", Drf.as_view())]
"""

RS_DRIVER = """
import http.server, json, os, sys, threading, time

class Blocker:
    # DOT uninstalled, and the hub half out of reach: importing either fails.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "oauth2_provider" or name.startswith("oauth_jwt.server"):
            raise ModuleNotFoundError(f"blocked in this resource-only project: {name}")
        return None

sys.meta_path.insert(0, Blocker())

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256", "use": "sig"}

class JWKS(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"keys": [jwk]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

stub = http.server.HTTPServer(("127.0.0.1", 0), JWKS)
threading.Thread(target=stub.serve_forever, daemon=True).start()
os.environ["RS_JWKS_URL"] = f"http://127.0.0.1:{stub.server_port}/jwks.json"

import django
django.setup()
from django.test import Client

now = int(time.time())
claims = {
    "iss": "https://hub.example.test", "sub": "svc", "client_id": "svc", "aud": ["https://api.example.test/"],
    "iat": now, "exp": now + 300, "jti": "j1", "scope": "read",
}
token = jwt.encode(claims, key, algorithm="RS256", headers={"typ": "at+jwt", "kid": "k1"})
head, payload, signature = token.split(".")
tampered = ".".join([head, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature])

client = Client()
result = {}
for path in ("plain", "drf"):
    for name, value in (("valid", token), ("tampered", tampered), ("none", None)):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {value}"} if value else {}
        response = client.get(f"/{path}", **extra)
        result[f"{path} {name}"] = [response.status_code, response.json()]
hub = [m for m in sys.modules if m.split(".")[0] == "oauth2_provider" or m.startswith("oauth_jwt.server")]
result["modules"] = sorted(hub)
print(json.dumps(result))
"""


def test_the_resource_half_verifies_tokens_in_a_project_without_dot(tmp_path):
    (tmp_path / "rs_settings.py").write_text(RS_SETTINGS)
    (tmp_path / "rs_urls.py").write_text(textwrap.dedent(RS_URLS))
    (tmp_path / "driver.py").write_text(RS_DRIVER)
    env = {"DJANGO_SETTINGS_MODULE": "rs_settings", "PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, str(tmp_path / "driver.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for path in ("plain", "drf"):
        assert result[f"{path} valid"] == [200, {"client_id": "svc"}]
        status, body = result[f"{path} tampered"]
        assert status == 401, body
        assert result[f"{path} none"][0] == 401
    assert result["modules"] == []


def test_no_receiver_connects_at_import_time():
    """Receivers connect in ``AppConfig.ready()`` (``server.receivers``, ``resource.receivers``):
    a module-level ``signal.connect(...)`` depends on who imported the module, and when."""
    found = []
    for path in sorted((REPO / "oauth_jwt").rglob("*.py")):
        for node in ast.parse(path.read_text()).body:
            call = node.value if isinstance(node, ast.Expr) else None
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "connect":
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


def test_the_request_memo_and_the_resource_caches_are_connected_once_ready():
    from django.core.signals import request_finished, request_started
    from django.test.signals import setting_changed

    from oauth_jwt.resource import remote_keys, verified_cache
    from oauth_jwt.server import request_memo

    def receivers(signal):
        # Each entry is (lookup key, receiver, ...): a weak reference unless weak=False.
        refs = [entry[1] for entry in signal.receivers]
        return [ref() if isinstance(ref, weakref.ReferenceType) else ref for ref in refs]

    assert request_memo._start in receivers(request_started)
    assert request_memo._finish in receivers(request_finished)
    assert {remote_keys._on_setting_changed, verified_cache._on_setting_changed} <= set(receivers(setting_changed))
