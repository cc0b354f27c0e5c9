"""Sign-in and security: Argon2, the lockout, the idle timeout, the deployment check, the CSP,
the second factor for managers and administrators, and single sign-on against a stub provider.

The test settings relax three things for everyone else's tests (a fast hasher, django-axes
off, no second factor demanded); each is turned back on here where it is the subject.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight import settings as production_settings
from oversight.accounts.second_factor import second_factor_required

from .personas import Cast, make_cast
from .test_static import csp_problems

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unguessable passphrase"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AXES_ON = override_settings(AXES_ENABLED=True)
SECOND_FACTOR_ON = override_settings(OVERSIGHT_REQUIRE_2FA=True)


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    User = get_user_model()
    for person in (cast.maria, cast.theo, cast.omar, cast.sally, cast.asha):
        person.user = User.objects.create_user(
            username=person.staff_id.lower(), password=PASSWORD, email=f"{person.staff_id.lower()}@council.example"
        )
        person.save()
    return cast


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password}, **extra)


def page_text(response: Any, *replace: str) -> str:
    """The body without what differs between any two responses (CSRF tokens) and with the
    given strings (the username typed) blanked out."""
    body = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", response.content.decode())
    for text in replace:
        body = body.replace(text, "USERNAME")
    return body


# --- 1. Argon2 ---------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2() -> None:
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        user = get_user_model().objects.create_user(username="alex", password=PASSWORD)
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, user.password)
        assert Client().post("/sign-in/", {"username": "alex", "password": PASSWORD}).status_code == 302


def test_an_older_hash_still_signs_in_and_is_upgraded_to_argon2() -> None:
    User = get_user_model()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        User.objects.create_user(username="olive", password=PASSWORD)
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        assert User.objects.get(username="olive").password.startswith("pbkdf2_sha256$")
        assert sign_in(Client(), "olive", PASSWORD).status_code == 302
        assert User.objects.get(username="olive").password.startswith("argon2$")


# --- 2. Lockout (django-axes) --------------------------------------------------------------


@AXES_ON
def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(cast: Cast) -> None:
    known = sign_in(Client(), "s1", "wrong")
    unknown = sign_in(Client(), "nobody-here", "wrong")
    assert known.status_code == unknown.status_code == 200
    assert "Enter a correct username and password" in known.content.decode()
    assert page_text(known, "s1") == page_text(unknown, "nobody-here")


@AXES_ON
def test_five_failures_lock_the_username_for_15_minutes_whoever_it_is(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        client = Client()
        responses = {}
        for username in ("s1", "nobody-here"):
            answers = [sign_in(client, username, "wrong") for _ in range(5)]
            assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
            # locked now: even the right password gets the lockout page, not a sign-in
            responses[username] = sign_in(client, username, PASSWORD)
        assert responses["s1"].status_code == responses["nobody-here"].status_code == 429
        body = responses["s1"].content.decode()
        assert "You cannot sign in at the moment" in body and "Wait 15 minutes" in body
        assert "s1" not in re.sub(r"<[^>]+>", "", body)  # names no username
        assert page_text(responses["s1"]) == page_text(responses["nobody-here"])
        assert csp_problems(body) == []

        traveller.shift(timedelta(minutes=14))
        assert sign_in(client, "s1", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=2))  # 16 minutes after the fifth failure
        response = sign_in(client, "s1", PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/"


@AXES_ON
def test_the_lock_is_on_the_username_from_that_address_only(cast: Cast) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        sign_in(attacker, "s1", "wrong")
    assert sign_in(attacker, "s1", PASSWORD).status_code == 429
    # Sally at her desk is not locked out by someone guessing elsewhere ...
    assert sign_in(Client(REMOTE_ADDR="10.1.2.3"), "s1", PASSWORD).status_code == 302
    # ... and the attacker cannot dodge the lock by claiming another address in a header.
    assert sign_in(attacker, "s1", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


@AXES_ON
def test_behind_a_trusted_proxy_the_address_it_saw_counts(cast: Cast) -> None:
    with override_settings(TRUSTED_PROXIES=1):
        proxy = Client(REMOTE_ADDR="10.0.0.1")
        for _ in range(5):
            sign_in(proxy, "s1", "wrong", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9")
        assert sign_in(proxy, "s1", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
        assert sign_in(proxy, "s1", PASSWORD, HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 302


@AXES_ON
def test_a_successful_sign_in_clears_the_count(cast: Cast) -> None:
    client = Client()
    for _ in range(4):
        sign_in(client, "s1", "wrong")
    assert sign_in(client, "s1", PASSWORD).status_code == 302
    client.post("/sign-out/")
    for _ in range(4):
        assert sign_in(client, "s1", "wrong").status_code == 200
    assert sign_in(client, "s1", PASSWORD).status_code == 302


def test_empty_fields_are_named_in_govuk_errors() -> None:
    body = sign_in(Client(), "", "").content.decode()
    assert "Error: Sign in" in body
    assert '<a href="#id_username">Enter your username</a>' in body
    assert '<a href="#id_password">Enter your password</a>' in body
    assert "govuk-input--error" in body


# --- 3. Idle timeout -----------------------------------------------------------------------


def test_signed_out_after_30_idle_minutes_but_not_while_active(cast: Cast) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel(NOW, tick=False) as traveller:
        client = Client()
        client.force_login(cast.sally.user)
        for _ in range(3):  # a request every 20 minutes keeps the session: an hour in all
            traveller.shift(timedelta(minutes=20))
            assert client.get("/home/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/home/")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_session_is_written_at_most_once_a_minute(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/home/").status_code == 200
        return sum(q["sql"].startswith('UPDATE "django_session"') for q in context.captured_queries)

    with time_machine.travel(NOW, tick=False) as traveller:
        client = Client()
        client.force_login(cast.sally.user)
        traveller.shift(timedelta(seconds=30))
        assert session_writes() == 0  # signed in 30 seconds ago: the expiry is fresh enough
        traveller.shift(timedelta(seconds=31))
        assert session_writes() == 1  # pushed 30 minutes on from now ...
        assert session_writes() == 0  # ... and not again straight away
        traveller.shift(timedelta(minutes=29, seconds=30))
        assert session_writes() == 1  # 29½ minutes later: still signed in, and pushed on again


# --- 4. Production settings ----------------------------------------------------------------


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="oversight.settings",
        OVERSIGHT_SECRET_KEY="k" + os.urandom(45).hex(),
        OVERSIGHT_ALLOWED_HOSTS="oversight.example.org",
    )
    env.update(extra)
    return env


def test_the_deployment_check_is_clean_under_production_settings(oversight_cmd: str, tmp_path: Any) -> None:
    result = subprocess.run(
        [oversight_cmd, "manage", "check", "--deploy"],
        env=production_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output and "security.W" not in output


def settings_in(env: dict[str, str], *names: str) -> tuple[int, str]:
    code = f"import oversight.settings as s; print(repr([getattr(s, n, None) for n in {list(names)!r}]))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_production_is_https_only_and_always_asks_for_the_second_factor() -> None:
    names = ("DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "OVERSIGHT_REQUIRE_2FA")
    assert settings_in(production_env(), *names) == (0, "[False, True, True, True, True]")
    assert settings_in(production_env(), "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER") == (0, "[31536000, None]")
    behind_proxy = production_env(OVERSIGHT_TRUSTED_PROXIES="1", OVERSIGHT_SSL_REDIRECT="0")
    assert settings_in(behind_proxy, "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER") == (
        0,
        "[False, ('HTTP_X_FORWARDED_PROTO', 'https')]",
    )


def test_production_refuses_the_demo_shortcuts() -> None:
    no_key = production_env(OVERSIGHT_SECRET_KEY="")
    code, message = settings_in(no_key, "DEBUG")
    assert code != 0 and "OVERSIGHT_SECRET_KEY is not set" in message
    code, message = settings_in(production_env(OVERSIGHT_DEMO_SKIP_2FA="1"), "DEBUG")
    assert code != 0 and "OVERSIGHT_DEMO_SKIP_2FA is for the local demo only" in message
    code, message = settings_in(production_env(OVERSIGHT_OIDC_CLIENT_ID="oversight"), "DEBUG")
    assert code != 0 and "OVERSIGHT_OIDC_CLIENT_SECRET is not set" in message


def test_the_local_demo_runs_on_plain_http_without_the_second_factor() -> None:
    env = production_env(OVERSIGHT_DEBUG="1", OVERSIGHT_SECRET_KEY="", OVERSIGHT_ALLOWED_HOSTS="")
    names = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "OVERSIGHT_REQUIRE_2FA")
    assert settings_in(env, *names) == (0, "[False, False, 0, False]")
    assert settings_in({**env, "OVERSIGHT_DEMO_SKIP_2FA": "0"}, "OVERSIGHT_REQUIRE_2FA") == (0, "[True]")


# --- 5. Content Security Policy ------------------------------------------------------------


def test_every_page_carries_a_strict_csp(cast: Cast) -> None:
    client = Client()
    pages = [client.get("/"), client.get("/sign-in/"), sign_in(client, "s1", "wrong")]
    client.force_login(cast.theo.user)
    pages += [client.get("/"), client.get("/home/"), client.get("/audit/my-file/")]
    for response in pages:
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives == {
            "default-src": "'self'",
            "script-src": "'self'",
            "style-src": "'self'",
            "img-src": "'self' data:",
            "font-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        }
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert csp_problems(response.content.decode()) == []
        assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"


def test_htmx_is_told_not_to_inject_its_inline_styles(client: Client) -> None:
    body = client.get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in body


# --- 6. The second factor ------------------------------------------------------------------


def test_who_needs_a_second_factor(cast: Cast) -> None:
    User = get_user_model()
    assert second_factor_required(cast.theo.user) and second_factor_required(cast.maria.user)
    assert not second_factor_required(cast.sally.user) and not second_factor_required(cast.asha.user)
    for role in ("head_of_service", "deputy_team_manager", "assistant_director", "registered_manager"):
        cast.asha.role = role
        cast.asha.save()
        assert second_factor_required(User.objects.get(pk=cast.asha.user.pk)), role
    assert second_factor_required(User.objects.create_user(username="admin", is_staff=True))
    assert second_factor_required(User.objects.create_superuser(username="root"))
    assert not second_factor_required(User.objects.create_user(username="no-person"))


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@SECOND_FACTOR_ON
def test_a_team_manager_sets_up_an_authenticator_app_then_reaches_my_supervision(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        client = Client()
        response = sign_in(client, "t1", PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/"
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == "/account/two-factor/setup/"
        assert client.get("/home/")["Location"] == "/account/two-factor/setup/?next=%2Fhome%2F"
        assert client.get(f"/people/{cast.sally.pk}/").status_code == 302  # every page, not just home

        page = client.get("/account/two-factor/setup/?next=/home/")
        body = page.content.decode()
        device = TOTPDevice.objects.get(user=cast.theo.user)
        assert not device.confirmed
        assert "<svg " in body and 'aria-label="QR code for your authenticator app"' in body
        assert "otpauth://" not in body  # the address is only in the picture
        secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', body)
        assert secret and len(secret.group(1).replace(" ", "")) == 32
        assert csp_problems(body) == [] and "no-store" in page["Cache-Control"]

        response = client.post("/account/two-factor/setup/", {"code": code_for(device), "next": "/home/"})
        assert response.status_code == 302 and response["Location"] == "/home/"
        device.refresh_from_db()
        assert device.confirmed
        home = client.get("/home/")
        assert home.status_code == 200 and "My supervision" in home.content.decode()

        # The next sign-in asks for a code from the app, and a right code lets him in.
        traveller.shift(timedelta(minutes=1))
        client.post("/sign-out/")
        sign_in(client, "t1", PASSWORD)
        assert client.get("/home/")["Location"] == "/account/two-factor/verify/?next=%2Fhome%2F"
        assert client.get("/account/two-factor/setup/")["Location"] == "/account/two-factor/verify/"
        response = client.post("/account/two-factor/verify/", {"code": code_for(device), "next": "/home/"})
        assert response.status_code == 302 and response["Location"] == "/home/"
        assert client.get("/home/").status_code == 200


@SECOND_FACTOR_ON
def test_a_social_worker_is_not_asked(cast: Cast) -> None:
    client = Client()
    sign_in(client, "s1", PASSWORD)
    response = client.get("/home/")
    assert response.status_code == 200 and "My supervision" in response.content.decode()
    assert client.get("/account/two-factor/setup/")["Location"] == "/"
    assert not TOTPDevice.objects.exists()


@SECOND_FACTOR_ON
def test_a_wrong_code_is_named_on_its_field(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        client = Client()
        client.force_login(cast.theo.user)
        client.get("/account/two-factor/setup/")
        device = TOTPDevice.objects.get(user=cast.theo.user)
        right = code_for(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for code, message in (
            ("", "Enter the security code from your authenticator app"),
            ("12ab", "Enter the security code as 6 numbers"),
            (wrong, "The security code is not right: enter the code your app shows now"),
        ):
            response = client.post("/account/two-factor/setup/", {"code": code})
            body = response.content.decode()
            assert response.status_code == 200
            assert "<title>Error: Set up your authenticator app" in body
            assert f'<a href="#id_code">{message}</a>' in body  # the error summary links to the field
            assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in body
            assert 'class="govuk-input govuk-input--error' in body
        # straight after a wrong code django-otp makes the next try wait
        response = client.post("/account/two-factor/setup/", {"code": right})
        assert "You have entered a wrong security code too many times" in response.content.decode()
        traveller.shift(timedelta(seconds=5))
        assert client.post("/account/two-factor/setup/", {"code": code_for(device)}).status_code == 302


@SECOND_FACTOR_ON
def test_administrators_are_asked_too_and_sign_out_stays_open(cast: Cast) -> None:
    admin = get_user_model().objects.create_superuser(username="root", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/setup/")
    assert client.get("/static/oversight/app.css").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@SECOND_FACTOR_ON
def test_htmx_requests_are_sent_to_the_second_factor_as_a_whole_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.theo.user)
    response = client.get("/home/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/account/two-factor/setup/?next=%2Fhome%2F"


def test_the_test_settings_leave_other_tests_signed_in_without_it(cast: Cast) -> None:
    assert settings.OVERSIGHT_REQUIRE_2FA is False
    client = Client()
    client.force_login(cast.theo.user)
    assert client.get("/home/").status_code == 200


# --- 7. Single sign-on (OpenID Connect) against a stub provider ----------------------------

CLIENT_ID = "oversight-test"
ISSUER = "https://login.example.test/tenant-1/v2.0"
OIDC_SETTINGS = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": "client-secret",
    "OIDC_OP_ISSUER": ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.test/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.test/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.test/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.test/keys",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email",
    "OIDC_USE_PKCE": True,
    "OIDC_CREATE_USER": False,
    "OIDC_SIGN_IN_LABEL": "Sign in with your council account",
    "LOGIN_REDIRECT_URL_FAILURE": "/sign-in/?single-sign-on=failed",
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "oversight.accounts.oidc.CouncilOIDCBackend",
    ],
}


class StubResponse:
    def __init__(self, url: str, data: dict[str, Any], status_code: int = 200) -> None:
        self.url, self._data, self.status_code = url, data, status_code
        self.headers = {"content-type": "application/json"}
        self.text = str(data)

    def json(self) -> dict[str, Any]:
        return self._data

    def raise_for_status(self) -> None:
        if self.status_code != 200:
            raise RuntimeError(f"{self.url}: {self.status_code}")


class StubProvider:
    """The council's provider: the token, userinfo and key endpoints mozilla-django-oidc calls."""

    def __init__(self, email: str, audience: str = CLIENT_ID) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.email, self.audience, self.nonce = email, audience, ""
        self.token_requests: list[dict[str, Any]] = []

    def post(self, url: str, data: dict[str, Any], **kwargs: Any) -> StubResponse:
        assert url == OIDC_SETTINGS["OIDC_OP_TOKEN_ENDPOINT"]
        self.token_requests.append(data)
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": self.audience, "sub": "abc", "nonce": self.nonce, "iat": now, "exp": now + 300}
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "key-1"})
        return StubResponse(url, {"id_token": id_token, "access_token": "access-1", "token_type": "Bearer"})

    def get(self, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> StubResponse:
        if url == OIDC_SETTINGS["OIDC_OP_JWKS_ENDPOINT"]:
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return StubResponse(url, {"keys": [{**jwk, "kid": "key-1", "alg": "RS256", "use": "sig"}]})
        assert url == OIDC_SETTINGS["OIDC_OP_USER_ENDPOINT"]
        assert headers == {"Authorization": "Bearer access-1"}
        return StubResponse(url, {"sub": "abc", "email": self.email})


def single_sign_on(monkeypatch: pytest.MonkeyPatch, provider: StubProvider) -> Client:
    """Start at Oversight's council button, 'sign in' at the provider, come back with a code."""
    import mozilla_django_oidc.auth

    monkeypatch.setattr(mozilla_django_oidc.auth, "requests", provider)
    client = Client()
    start = client.get("/sign-in/council/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == OIDC_SETTINGS["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver/sign-in/council/callback/"
    provider.nonce = query["nonce"]
    client.callback = client.get("/sign-in/council/callback/", {"code": "code-1", "state": query["state"]})  # type: ignore[attr-defined]
    return client


@override_settings(**OIDC_SETTINGS)
def test_single_sign_on_signs_in_an_existing_user_matched_by_email(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Sign in with your council account" in Client().get("/sign-in/").content.decode()
    provider = StubProvider(email="S1@Council.Example")  # matched whatever the case
    client = single_sign_on(monkeypatch, provider)
    assert client.callback.status_code == 302 and client.callback["Location"] == "/"  # type: ignore[attr-defined]
    assert provider.token_requests[0]["code"] == "code-1" and "code_verifier" in provider.token_requests[0]
    home = client.get("/home/")
    assert home.status_code == 200 and "My supervision" in home.content.decode()
    assert home.wsgi_request.user == cast.sally.user


@override_settings(**OIDC_SETTINGS)
def test_single_sign_on_creates_nobody_and_says_so(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    count = get_user_model().objects.count()
    client = single_sign_on(monkeypatch, StubProvider(email="stranger@elsewhere.example"))
    assert client.callback["Location"] == "/sign-in/?single-sign-on=failed"  # type: ignore[attr-defined]
    assert get_user_model().objects.count() == count
    body = client.get("/sign-in/?single-sign-on=failed").content.decode()
    assert "Your council account could not sign you in to Oversight" in body
    assert client.get("/home/").status_code == 302


@override_settings(**OIDC_SETTINGS)
def test_single_sign_on_refuses_a_token_meant_for_another_application(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = single_sign_on(monkeypatch, StubProvider(email="s1@council.example", audience="another-app"))
    assert client.callback.status_code == 400  # type: ignore[attr-defined]
    assert client.get("/home/").status_code == 302


@override_settings(**OIDC_SETTINGS, OVERSIGHT_REQUIRE_2FA=True)
def test_a_manager_signed_in_by_single_sign_on_still_gives_the_second_factor(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = single_sign_on(monkeypatch, StubProvider(email="t1@council.example"))
    assert client.get("/home/")["Location"].startswith("/account/two-factor/setup/")


def test_single_sign_on_is_not_there_unless_set_up(client: Client) -> None:
    assert client.get("/sign-in/council/").status_code == 404
    assert "council account" not in client.get("/sign-in/").content.decode()
