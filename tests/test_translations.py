"""The pages in the person's language (issue 16): the shipped catalogues, and which
language a page speaks (``ui_locales``, then ``Accept-Language``, then
``LANGUAGE_CODE``). Over HTTP with Django's test client; the browser walks through
each language in tests/browser/test_languages.py."""

from __future__ import annotations

import array
import gettext
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oauth_jwt.server import locales
from oauth_jwt.server.forms import MAX_AGE
from tests.conftest import REPO, authorize_query

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
LANGUAGES = ["de", "es", "fr", "ja", "pt_BR"]
CATALOGUES = [REPO / "oauth_jwt" / "locale", REPO / "locale"]
# What people see: the pages (not the admin's templates) and the messages the views
# behind them produce. Every string from these must be translated.
PAGE_SOURCES = re.compile(
    r"^(templates/oauth_jwt/|oauth_jwt/base\.html|server/(forms|device_forms|provider_settings)\.py|server/views/)"
)
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext's msgfmt (bin/ensure-system-packages)")


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file written with ``--no-wrap`` (bin/translations)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fields = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in lines if line.startswith("msg")}
        if "msgid" not in fields:
            continue
        entries.append(
            {
                "msgid": fields["msgid"][1:-1],
                "msgctxt": fields.get("msgctxt", '""')[1:-1],
                "msgstr": fields.get("msgstr", fields.get("msgstr[0]", '""'))[1:-1],
                "fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines),
                "sources": " ".join(line[3:] for line in lines if line.startswith("#: ")).split(),
            }
        )
    return entries


def catalogue(path: Path) -> dict:
    with path.open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU gettext catalogue (the format msgfmt writes), without needing msgfmt."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(messages)
    ids = strs = b""
    table = []
    for key in keys:
        k, v = key.encode(), messages[key].encode()
        table.append((len(ids), len(k), len(strs), len(v)))
        ids, strs = ids + k + b"\0", strs + v + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    offsets = [n for o1, l1, _, _ in table for n in (l1, o1 + key_start)]
    offsets += [n for _, _, o2, l2 in table for n in (l2, o2 + key_start + len(ids))]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    path.parent.mkdir(parents=True)
    path.write_bytes(header + array.array("i", offsets).tobytes() + ids + strs)


class TestCatalogues:
    @pytest.mark.parametrize(
        ("root", "at_least"), [(CATALOGUES[0], 90), (CATALOGUES[1], 1)], ids=["oauth_jwt", "authhub"]
    )
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_page_string_is_translated_and_nothing_is_fuzzy(self, root, at_least, language):
        entries = po_entries(root / language / "LC_MESSAGES" / "django.po")
        pages = [e for e in entries if e["msgid"] and any(PAGE_SOURCES.match(s) for s in e["sources"])]
        assert len(pages) >= at_least
        assert [e["msgid"] for e in pages if not e["msgstr"]] == []
        assert [e["msgid"] for e in entries if e["fuzzy"]] == []

    @pytest.mark.parametrize("root", CATALOGUES, ids=["oauth_jwt", "authhub"])
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_placeholders_and_markup_survive(self, root, language):
        for entry in po_entries(root / language / "LC_MESSAGES" / "django.po"):
            if entry["msgstr"]:
                kept = re.findall(r"%\(\w+\)s|<[^>]+>", entry["msgid"])
                assert sorted(kept) == sorted(re.findall(r"%\(\w+\)s|<[^>]+>", entry["msgstr"])), entry["msgid"]

    @needs_msgfmt
    @pytest.mark.parametrize("root", CATALOGUES, ids=["oauth_jwt", "authhub"])
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_committed_mo_file_is_the_po_file_compiled(self, root, language, tmp_path):
        """The wheel ships the committed .mo files: they must say what the .po says
        (msgfmt --check also refuses a translation whose placeholders differ)."""
        po = root / language / "LC_MESSAGES" / "django.po"
        compiled = tmp_path / "django.mo"
        subprocess.run([MSGFMT, "--check", "-o", str(compiled), str(po)], check=True, capture_output=True)
        assert catalogue(po.with_suffix(".mo")) == catalogue(compiled)

    @needs_msgfmt
    def test_the_catalogues_hold_every_string_of_the_code(self, tmp_path):
        """bin/translations was run after the last change to a translatable string."""
        app = tmp_path / "oauth_jwt"
        shutil.copytree(REPO / "oauth_jwt", app, ignore=shutil.ignore_patterns("__pycache__", "locale"))
        (app / "locale").mkdir()
        makemessages = [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-wrap", "-v0"]
        environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        subprocess.run(makemessages, cwd=app, check=True, capture_output=True, env=environment)
        fresh = {(e["msgctxt"], e["msgid"]) for e in po_entries(app / "locale" / "de" / "LC_MESSAGES" / "django.po")}
        shipped = {(e["msgctxt"], e["msgid"]) for e in po_entries(CATALOGUES[0] / "de" / "LC_MESSAGES" / "django.po")}
        assert fresh == shipped, "run bin/translations and translate what is new"

    def test_the_languages_are_the_ones_authhub_lists(self, settings):
        shipped = sorted(p.name for p in CATALOGUES[0].iterdir() if (p / "LC_MESSAGES" / "django.mo").is_file())
        assert shipped == LANGUAGES
        assert locales.supported() == ["en", "de", "es", "fr", "ja", "pt-br"]


class TestDiscovery:
    @pytest.mark.parametrize("document", ["openid-configuration", "oauth-authorization-server"])
    def test_lists_exactly_the_languages_the_pages_speak(self, client, document):
        data = client.get(f"/.well-known/{document}").json()
        assert data["ui_locales_supported"] == ["en", "de", "es", "fr", "ja", "pt-BR"]

    def test_a_projects_own_catalogue_adds_its_language(self, client, settings, tmp_path):
        write_mo(tmp_path / "it" / "LC_MESSAGES" / "django.mo", {"Sign in": "Accedi"})
        settings.LOCALE_PATHS = [str(tmp_path)]
        settings.LANGUAGES = [*settings.LANGUAGES, ("it", "Italiano")]
        assert "it" in client.get("/.well-known/openid-configuration").json()["ui_locales_supported"]

    def test_a_language_the_project_does_not_list_is_not_offered(self, client, settings):
        settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
        assert client.get("/.well-known/openid-configuration").json()["ui_locales_supported"] == ["en", "fr"]


def heading(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


class TestChoice:
    @pytest.mark.parametrize(
        ("accept", "words", "lang"),
        [
            ("de-DE,de;q=0.9,en;q=0.5", "Anmelden", "de"),
            ("es-MX,es;q=0.8", "Iniciar sesión", "es"),
            ("fr-CA", "Se connecter", "fr"),
            ("ja", "ログイン", "ja"),
            ("pt-BR,pt;q=0.9", "Entrar", "pt-br"),
            ("pt-PT", "Entrar", "pt-br"),
            ("it-IT,it;q=0.9", "Sign in", "en"),
            ("", "Sign in", "en"),
        ],
    )
    def test_accept_language_without_ui_locales(self, client, accept, words, lang):
        page = client.get(LOGIN, headers={"Accept-Language": accept} if accept else {})
        assert heading(page) == words
        assert f'<html lang="{lang}">' in page.content.decode() and page["Content-Language"] == lang
        assert "Accept-Language" in page["Vary"]

    def test_authhubs_own_strings_come_from_its_locale_paths(self, client, settings):
        assert Path(settings.LOCALE_PATHS[0]) == CATALOGUES[1]
        page = client.get(LOGIN, headers={"Accept-Language": "de"})
        assert "AuthHub meldet Sie bei den Apps an, die Sie verwenden." in page.content.decode()

    def test_ui_locales_wins_over_accept_language(self, client, web_client):
        to_sign_in = client.get(
            "/o/authorize/", authorize_query(web_client, ui_locales="ja de"), headers={"Accept-Language": "fr"}
        )
        page = client.get(to_sign_in["Location"], headers={"Accept-Language": "fr"})
        assert heading(page) == "ログイン" and '<html lang="ja">' in page.content.decode()
        assert page["Content-Language"] == "ja"

    def test_tags_without_a_translation_are_passed_over(self, client, web_client):
        to_sign_in = client.get("/o/authorize/", authorize_query(web_client, ui_locales="tlh it fr-CA de-CH"))
        assert heading(client.get(to_sign_in["Location"], headers={"Accept-Language": "de"})) == "Se connecter"

    def test_english_asked_for_is_english(self, client, web_client):
        to_sign_in = client.get("/o/authorize/", authorize_query(web_client, ui_locales="en-GB de"))
        page = client.get(to_sign_in["Location"], headers={"Accept-Language": "de"})
        assert heading(page) == "Sign in" and '<html lang="en">' in page.content.decode()

    def test_none_translated_falls_back_to_accept_language(self, client, web_client):
        to_sign_in = client.get("/o/authorize/", authorize_query(web_client, ui_locales="tlh it"))
        assert heading(client.get(to_sign_in["Location"], headers={"Accept-Language": "es"})) == "Iniciar sesión"

    def test_the_flow_keeps_its_language_from_sign_in_to_consent(self, client, user, web_client):
        """The failed sign-in, the sign-in and the consent page all speak ``ui_locales``,
        whatever the browser says."""
        to_sign_in = client.get("/o/authorize/", authorize_query(web_client, scope="openid email", ui_locales="pt-BR"))
        french = {"Accept-Language": "fr"}
        page = client.get(to_sign_in["Location"], headers=french)
        nxt = page.context["next"]
        wrong = client.post(LOGIN, {"username": "alice", "password": "nope", "next": nxt}, headers=french)
        assert "O nome de usuário e a senha não correspondem." in wrong.content.decode()
        signed_in = client.post(LOGIN, {"username": "alice", "password": "correct horse battery staple", "next": nxt})
        consent = client.get(signed_in["Location"], headers=french)
        html = consent.content.decode()
        assert heading(consent) == "Web app quer usar a sua conta" and '<html lang="pt-br">' in html
        assert "Ver seu endereço de e-mail e se ele foi verificado" in html
        assert ">Permitir</button>" in html and ">Negar</button>" in html

    def test_the_lockout_page_speaks_the_flows_language(self, client, user, web_client):
        to_sign_in = client.get("/o/authorize/", authorize_query(web_client, ui_locales="ja"))
        nxt = client.get(to_sign_in["Location"]).context["next"]
        for _ in range(5):
            page = client.post(LOGIN, {"username": "alice", "password": "nope", "next": nxt})
        assert page.status_code == 429 and heading(page) == "ログインの試行回数が多すぎます"
        assert page["Content-Language"] == "ja"

    def shown_consent(self, client, user, web_client) -> dict:
        client.force_login(user)
        page = client.get("/o/authorize/", authorize_query(web_client, ui_locales="de"), headers=self.french)
        assert heading(page) == "Web app möchte Ihr Konto verwenden"
        return {k: v for k, v in page.context["form"].initial.items() if v is not None}

    french = {"Accept-Language": "fr"}

    def test_an_altered_consent_form_is_refused_in_the_flows_language(self, client, user, web_client):
        data = {**self.shown_consent(client, user, web_client), "scope": "read write", "allow": "true"}
        page = client.post("/o/authorize/", data, headers=self.french)
        assert page.status_code == 400 and heading(page) == "Diese Anmeldeanfrage kann nicht fortgesetzt werden"

    def test_an_expired_consent_form_comes_back_in_the_flows_language(self, client, user, web_client, monkeypatch):
        data = {**self.shown_consent(client, user, web_client), "allow": "true"}
        later = time.time() + MAX_AGE + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        again = client.post("/o/authorize/", data, headers=self.french)
        assert again.status_code == 303 and "ui_locales=de" in again["Location"]
        page = client.get(again["Location"], headers=self.french)
        assert "Die Seite war zu lange geöffnet." in page.content.decode()
        assert heading(page) == "Web app möchte Ihr Konto verwenden"

    def test_pages_outside_a_flow_follow_the_browser(self, client, user):
        client.force_login(user)
        apps = client.get("/accounts/apps/", headers={"Accept-Language": "ja"})
        assert heading(apps) == "連携しているアプリ" and "ログアウト" in apps.content.decode()
        device = client.get("/o/device/", headers={"Accept-Language": "de"})
        assert heading(device) == "Gerät verbinden"
        wrong = client.post("/o/device/", {"user_code": "??"}, headers={"Accept-Language": "fr"})
        assert "Un code ne contient que des lettres et des chiffres." in wrong.content.decode()

    def test_error_pages(self, client, web_client):
        refused = client.get(
            "/o/authorize/", authorize_query(web_client, redirect_uri="https://evil.example/cb", ui_locales="es")
        )
        assert refused.status_code == 400
        assert heading(refused) == "Esta solicitud de inicio de sesión no puede continuar"
        unknown = client.get("/o/logout/", {"client_id": "nobody", "ui_locales": "de"})
        assert heading(unknown) == "Diese Abmeldeanfrage kann nicht fortgesetzt werden"

    def test_rp_initiated_logout_speaks_its_ui_locales(self, client, user):
        client.force_login(user)
        page = client.get("/o/logout/", {"ui_locales": "fr"}, headers={"Accept-Language": "de"})
        html = page.content.decode()
        assert heading(page) == "Se déconnecter ?" and ">Oui, me déconnecter</button>" in html
        assert 'name="ui_locales" value="fr"' in html
        done = client.post("/o/logout/", {"ui_locales": "fr", "allow": "true"}, headers={"Accept-Language": "de"})
        assert heading(done) == "Vous êtes déconnecté"
