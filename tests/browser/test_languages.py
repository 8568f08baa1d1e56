"""The pages in each shipped language, in real headless Chromium (issue 16).

An authorization request's ``ui_locales`` carries its language from the sign-in page to
the consent page and on to the client, whatever language the browser itself asks for;
without one, the browser's language (``Accept-Language``) is spoken; a client's
RP-initiated logout speaks its own ``ui_locales``. axe-core checks each translated page
(``<html lang>`` included)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import authorize_url
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Words:
    lang: str  # <html lang>
    sign_in: str
    username: str
    password: str
    consent: str  # the consent page's heading for "Photo Printer"
    scope: str  # the words for the email scope
    allow: str
    apps: str  # "Connected apps"


WORDS = {
    "de": Words(
        "de",
        "Anmelden",
        "Benutzername",
        "Passwort",
        "Photo Printer möchte Ihr Konto verwenden",
        "Ihre E-Mail-Adresse sehen und ob sie bestätigt ist",
        "Erlauben",
        "Verbundene Apps",
    ),
    "es": Words(
        "es",
        "Iniciar sesión",
        "Nombre de usuario",
        "Contraseña",
        "Photo Printer quiere usar tu cuenta",
        "Ver tu dirección de correo electrónico y si está verificada",
        "Permitir",
        "Aplicaciones conectadas",
    ),
    "fr": Words(
        "fr",
        "Se connecter",
        "Nom d’utilisateur",
        "Mot de passe",
        "Photo Printer souhaite utiliser votre compte",
        "Voir votre adresse e-mail et si elle est vérifiée",
        "Autoriser",
        "Applications connectées",
    ),
    "ja": Words(
        "ja",
        "ログイン",
        "ユーザー名",
        "パスワード",
        "Photo Printer があなたのアカウントの使用を求めています",
        "あなたのメールアドレスと、それが確認済みかどうかを見る",
        "許可する",
        "連携しているアプリ",
    ),
    "pt-BR": Words(
        "pt-br",
        "Entrar",
        "Nome de usuário",
        "Senha",
        "Photo Printer quer usar a sua conta",
        "Ver seu endereço de e-mail e se ele foi verificado",
        "Permitir",
        "Apps conectados",
    ),
}


@pytest.fixture
def browser_in(new_context, live_server):
    """``browser_in("fr-FR")``: a page in a browser whose language is that."""
    contexts = []

    def make(locale: str):
        context = new_context(base_url=live_server.url, locale=locale, viewport={"width": 1000, "height": 760})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, words: Words) -> None:
    page.get_by_label(words.username).fill("alice")
    page.get_by_label(words.password).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=words.sign_in).click()


@pytest.mark.parametrize("tag", list(WORDS))
def test_ui_locales_from_sign_in_to_consent_to_the_client(browser_in, axe, shoot, user, spa_client, callback, tag):
    words = WORDS[tag]
    # The browser asks for another language: the request's ui_locales wins.
    page = browser_in("en-US" if tag == "fr" else "fr-FR")
    url, _ = authorize_url(spa_client, callback.redirect_uri, scope="read email", ui_locales=f"tlh {tag}")
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", words.lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.sign_in)
    expect(page).to_have_title(f"{words.sign_in} · AuthHub")
    axe(page)

    sign_in(page, words)
    expect(page.locator("html")).to_have_attribute("lang", words.lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.consent)
    expect(page.get_by_text(words.scope)).to_be_visible()
    axe(page)
    shoot(page, f"consent-{tag}")

    page.get_by_role("button", name=words.allow, exact=True).click()
    assert "code" in callback.wait(page)


@pytest.mark.parametrize(("locale", "tag"), [("ja-JP", "ja"), ("pt-BR", "pt-BR"), ("de-AT", "de")])
def test_without_ui_locales_the_browsers_language(browser_in, axe, user, locale, tag):
    words = WORDS[tag]
    page = browser_in(locale)
    page.goto("/accounts/apps/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words.sign_in)
    sign_in(page, words)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.apps)
    expect(page.locator("html")).to_have_attribute("lang", words.lang)
    axe(page)


def test_an_rp_initiated_logout_speaks_its_ui_locales(browser_in, axe, user):
    page = browser_in("de-DE")
    page.goto("/accounts/login/")
    sign_in(page, WORDS["de"])
    page.goto("/o/logout/?" + urlencode({"ui_locales": "es"}))
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Cerrar sesión?")
    axe(page)
    page.get_by_role("button", name="Sí, cerrar sesión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Has cerrado la sesión")
    expect(page.locator("html")).to_have_attribute("lang", "es")
