"""The admin pages' refusals speak the page's language: an admin signed in to the Italian console who
adds an entity that exists, types an origin with a path or an expiry that is no duration is told so
in Italian (the field named by its label and code); the same page opened with ``?lang=en`` says the
registry's English. Real requests through the console (sessions, CSRF, the SQLite registry)."""
from __future__ import annotations

import html
import re

import pytest

from registry import InvalidValue, RegistryError, checks, connect, session_scope
from registry.demo import seed
from registry.tokens import create_token
from settings import Settings
from warehouse.console import create_app
from warehouse.console.i18n_registry import problem_it


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    """A signed-in admin's client of a console over the demo registry (no responses needed)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("admin-refusals"), console_secure_cookie=False)
    factory = connect(settings.database_url)
    seed(factory, ["https://www.comune.roma.it"])
    with session_scope(factory) as s:
        secret = create_token(s, role="admin", label="test admin", actor="test")[1]
    c = create_app(settings).test_client()
    r = c.post("/login", data={"token": secret, "csrf_token": _csrf(c.get("/login").get_data(as_text=True))})
    assert r.status_code == 303
    return c


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _alerts(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="alert alert-error" role="alert">(.*?)</div>', page, re.S)]


def _refused(c, path: str, form: dict, lang: str) -> str:
    """POST ``form`` to ``path`` as the page at ``?lang=`` does (its address keeps the language), follow
    the redirect, and return the one error flashed."""
    query = "?lang=en" if lang == "en" else ""
    form = {**form, "csrf_token": _csrf(c.get(f"/admin/entities{query}").get_data(as_text=True))}
    r = c.post(path + query, data=form, follow_redirects=True)
    assert r.status_code == 200, r.data[:300]
    alerts = _alerts(r.get_data(as_text=True))
    assert len(alerts) == 1, alerts
    return alerts[0]


CASES = [  # (path, form, the Italian page says, the English page says)
    ("/admin/entities", {"ipa_code": "c_h501", "name": "Roma", "category": "L6", "comune_istat": "058091"},
     "Codice IPA (ipa_code): l'ente «c_h501» esiste già.", "ipa_code: entity 'c_h501' already exists"),
    ("/admin/entities", {"ipa_code": "c_zz01", "name": "Comune X", "category": "L6", "comune_istat": "12"},
     "Codice Istat del comune (comune_istat): «12» non è un codice Istat di comune (6 cifre).",
     "comune_istat: '12' is not a 6-digit Istat comune code"),
    ("/admin/entities", {"ipa_code": "c_zz02", "name": "Comune Y", "category": "ZZ9", "comune_istat": "058091"},
     "Categoria IPA (category): «ZZ9» non è un tipo di PA dello standard dei questionari (validi: L6, L5, L4, L7, L8, "
     "L33, C16).", "category: 'ZZ9' is not a PA type of the questionnaire standard (valid: L6, L5, L4, L7, L8, L33, C16)"),
    ("/admin/services/demo-roma-anagrafe/origins", {"allowed_origins": "https://www.comune.roma.it/servizi"},
     "Origini ammesse (allowed_origins): «https://www.comune.roma.it/servizi»: solo l'origine",
     "allowed_origins: 'https://www.comune.roma.it/servizi' is an origin only"),
    ("/admin/services/demo-roma-anagrafe/questionnaire", {"questionnaire_id": "cx-core", "version": "uno"},
     "Versione (version): «uno» non è un numero di versione.", "version: 'uno' is not a version number"),
    ("/admin/tokens", {"role": "monitoring", "label": "ufficio", "expires": "presto"},
     "Scadenza (expires): «presto» non è una durata", "expires: 'presto' is not a duration"),
    ("/admin/tokens/asc0000000/revoke", {}, "Token (token): nessun token «asc0000000».", "token: no token 'asc0000000'"),
]


@pytest.mark.parametrize("path, form, italian, english", CASES, ids=[f"{c[0]}:{i}" for i, c in enumerate(CASES)])
def test_an_admin_refusal_is_said_in_the_page_language(admin, path, form, italian, english):
    it = _refused(admin, path, form, "it")
    assert it.startswith(italian), it
    en = _refused(admin, path, form, "en")
    assert en.startswith(english), en


def test_the_success_flash_follows_the_language_too(admin):
    csrf = _csrf(admin.get("/admin/services?lang=en").get_data(as_text=True))
    r = admin.post("/admin/services/demo-roma-anagrafe/origins?lang=en", follow_redirects=True,
                   data={"allowed_origins": "https://www.comune.roma.it", "csrf_token": csrf})
    assert "Change recorded." in r.get_data(as_text=True)


def test_the_onboarding_queue_refuses_in_italian(admin):
    csrf = _csrf(admin.get("/admin/onboarding").get_data(as_text=True))
    r = admin.post("/admin/onboarding/9999/approve", data={"csrf_token": csrf})
    assert r.status_code == 404 and "nessuna richiesta di adesione 9999." in html.unescape(r.get_data(as_text=True))
    r = admin.post("/admin/onboarding/9999/approve?lang=en", data={"csrf_token": csrf})
    assert r.status_code == 404 and "no onboarding request 9999" in r.get_data(as_text=True)


def _problem(fn, *args) -> str:
    with pytest.raises(RegistryError) as info:
        fn(*args)
    return info.value.problem


@pytest.mark.parametrize("fn, args", [
    (checks.check_ipa_code, ("not a code!",)), (checks.check_name, ("x" * 400,)), (checks.check_category, ("9z",)), (checks.check_standard_category, ("ZZ9",)),
    (checks.place, ("999999",)), (checks.place, (None, "99")), (checks.place, ("058091", "01")),
    (checks.place, (None, None)), (checks.check_service_key, ("k",)), (checks.check_channel, ("fax",)),
    (checks.normalize_origin, ("ftp://x",)), (checks.check_origins, ("https://a",)),
    (checks.check_sampling_rate, ("2",)), (checks.check_service_type, ("no.such",)),
])
def test_every_check_of_an_admin_form_has_its_italian(fn, args):
    """Each value check behind the entity and service forms is translated (none falls back to English)."""
    assert problem_it(_problem(fn, *args)) is not None


def test_an_untranslated_problem_is_still_framed_in_italian(admin):
    from warehouse.console.i18n_registry import registry_refusal

    with admin.application.test_request_context("/admin/entities"):
        assert registry_refusal(InvalidValue("name", "a new problem")) == \
            "Nome (name): valore non accettato (a new problem)."
