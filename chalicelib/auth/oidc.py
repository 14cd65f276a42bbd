"""Sign in with Google: OpenID Connect, authorization code flow with PKCE.

    started = start("google", redirect_to="/dashboard")
    # browser -> started.authorize_url -> Google -> GET /v1/auth/oidc/google/callback
    identity = finish("google", code, state, browser_binding)

The state, the nonce, the PKCE verifier and where to go afterwards live server-side for
10 minutes (the OAuth state table) and are used once. The callback is a browser
navigation, so `start` also hands out a cookie whose digest the state keeps: a state
brought back by another browser is refused (no one can sign a victim in as themselves).

The ID token is checked here, not trusted because it came over TLS: its RS256 signature
against the provider's JWKS (found through the discovery document; both cached, the JWKS
fetched again once when a key id is unknown, as after a rotation), its issuer, its
audience (our client id, and `azp` when there are several), its expiry and issue time,
the nonce of this sign-in, and `email_verified` true.

Settings (chalicelib/settings.py): `SCHEDULO_GOOGLE_CLIENT_ID`, the client secret (in
Secrets Manager at `SCHEDULO_GOOGLE_CLIENT_SECRET_NAME`, or `SCHEDULO_GOOGLE_CLIENT_SECRET`)
and `SCHEDULO_OIDC_ISSUER` (Google's by default). With
`SCHEDULO_SANDBOX_URL` (the local stack, the tests) they default to the sandbox's provider
at `<sandbox>/google` and a sandbox client.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.emails import normalise_email
from chalicelib.store import oauth_state

GOOGLE_ISSUER = "https://accounts.google.com"
BINDING_COOKIE = "schedulo_oidc"
PROVIDERS = ("google",)
DOCUMENT_SECONDS = 3600
# Clock skew allowed on `exp` and `iat`.
LEEWAY_SECONDS = 60
TIMEOUT = (5, 10)


class OidcFailed(Exception):
    """The sign-in cannot complete; what the person is told."""


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    issuer: str
    client_id: str


@dataclass(frozen=True)
class OidcStart:
    authorize_url: str
    browser_binding: str


@dataclass(frozen=True)
class OidcIdentity:
    provider: str
    issuer: str
    subject: str
    email: str
    name: str
    redirect_to: str


def provider_config(name: str) -> ProviderConfig | None:
    """The provider's configuration; None when it is not set up (no client id)."""
    from chalicelib.settings import get_settings

    settings = get_settings()
    if name != "google" or not settings.google_client_id:
        return None
    return ProviderConfig(name, settings.oidc_issuer, settings.google_client_id)


def client_secret(config: ProviderConfig) -> str:
    """The client secret: SCHEDULO_GOOGLE_CLIENT_SECRET, else `google_client_secret` of the
    app's secret (auth/keyring.py: `make deploy GOOGLE_CLIENT_SECRET=...` puts it), or the
    secret SCHEDULO_GOOGLE_CLIENT_SECRET_NAME names; read once per container."""
    from botocore.exceptions import ClientError

    from chalicelib.auth import keyring
    from chalicelib.settings import get_settings

    settings = get_settings()
    if settings.google_client_secret:
        return settings.google_client_secret
    name = settings.google_client_secret_name
    try:
        value = keyring.key(name, keyring.GOOGLE_CLIENT_SECRET)
    except ClientError:  # not ours to read
        value = None
    if value is None:
        keyring.forget(name)  # not cached: the operator may put it any time
        raise OidcFailed("Sign-in with Google is not fully set up here (no client secret).")
    return value


def enabled_providers() -> list[str]:
    return [name for name in PROVIDERS if provider_config(name) is not None]


def callback_uri(provider: str) -> str:
    from chalicelib.settings import get_settings

    return f"{get_settings().api_base_url.rstrip('/')}/v1/auth/oidc/{provider}/callback"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# -- documents (discovery, JWKS), cached per container -------------------------------------

_lock = threading.Lock()
_documents: dict[str, tuple[float, dict[str, Any]]] = {}


def _get_json(url: str) -> dict[str, Any]:
    import requests

    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcFailed(
            f"The sign-in provider could not be reached ({error.__class__.__name__}); try again."
        ) from None
    if not isinstance(body, dict):
        raise OidcFailed("The sign-in provider answered something unexpected; try again.")
    return body


def _cached(url: str, fresh: bool = False) -> dict[str, Any]:
    now = time.monotonic()
    with _lock:
        found = _documents.get(url)
    if found and not fresh and now - found[0] < DOCUMENT_SECONDS:
        return found[1]
    body = _get_json(url)
    with _lock:
        _documents[url] = (now, body)
    return body


def forget_documents() -> None:
    with _lock:
        _documents.clear()
    from chalicelib.auth import keyring

    keyring.forget()


def discovery(config: ProviderConfig) -> dict[str, Any]:
    """The provider's discovery document, which must name the configured issuer."""
    document = _cached(f"{config.issuer}/.well-known/openid-configuration")
    if document.get("issuer", "").rstrip("/") != config.issuer:
        raise OidcFailed("The sign-in provider's configuration names another issuer.")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(field), str):
            raise OidcFailed(f"The sign-in provider's configuration lacks {field}.")
    return document


def _key_set(config: ProviderConfig, kid: str | None) -> Any:
    """The provider's JWKS; fetched again once when it lacks the token's key id."""
    from authlib.jose import JsonWebKey

    uri = discovery(config)["jwks_uri"]
    keys = _cached(uri)
    if kid and kid not in {k.get("kid") for k in keys.get("keys", [])}:
        keys = _cached(uri, fresh=True)
    try:
        return JsonWebKey.import_key_set(keys)
    except (ValueError, TypeError, KeyError):
        raise OidcFailed("The sign-in provider's keys could not be read.") from None


# -- the flow --------------------------------------------------------------------------


def start(provider: str, redirect_to: str | None) -> OidcStart:
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    config = provider_config(provider)
    if config is None:
        raise OidcFailed(f"Sign-in with {provider} is not set up on this deployment.")
    endpoints = discovery(config)
    verifier, nonce, binding = (
        generate_token(64),
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
    )
    item = oauth_state.create(
        workspace_id="-",
        user_id="-",
        network=f"oidc:{provider}",
        code_verifier=verifier,
        redirect_to=redirect_to or "/dashboard",
        extra={"nonce": nonce, "binding": digest(binding)},
    )
    query = urlencode(
        {
            "client_id": config.client_id,
            "redirect_uri": callback_uri(provider),
            "response_type": "code",
            "scope": "openid email profile",
            "state": item.state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
            "prompt": "select_account",
        }
    )
    return OidcStart(f"{endpoints['authorization_endpoint']}?{query}", binding)


def finish(provider: str, code: str, state: str, binding: str | None) -> OidcIdentity:
    """Spend the state, trade the code (with the PKCE verifier) for an ID token and check
    it; who signed in. OidcFailed says why not."""
    config = provider_config(provider)
    if config is None:
        raise OidcFailed(f"Sign-in with {provider} is not set up on this deployment.")
    item = oauth_state.consume(state)
    if item is None or item.network != f"oidc:{provider}":
        raise OidcFailed("This sign-in was already used or has expired; start again.")
    if not binding or not secrets.compare_digest(digest(binding), item.extra.get("binding", "")):
        raise OidcFailed("This sign-in was started in another browser; start again here.")
    id_token = _exchange(config, code, item.code_verifier or "")
    claims = validate_id_token(config, id_token, item.extra.get("nonce", ""))
    return OidcIdentity(
        provider=provider,
        issuer=config.issuer,
        subject=claims["sub"],
        email=claims["email"],
        name=claims["name"],
        redirect_to=item.redirect_to or "/dashboard",
    )


def _exchange(config: ProviderConfig, code: str, verifier: str) -> str:
    import requests

    token_endpoint = discovery(config)["token_endpoint"]
    try:
        response = requests.post(
            token_endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback_uri(config.name),
                "client_id": config.client_id,
                "client_secret": client_secret(config),
                "code_verifier": verifier,
            },
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise OidcFailed(
            f"The sign-in provider could not be reached ({error.__class__.__name__}); try again."
        ) from None
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict):
        reason = body.get("error", f"HTTP {response.status_code}") if isinstance(body, dict) else ""
        raise OidcFailed(f"The sign-in provider refused the code ({reason}); start again.")
    id_token = body.get("id_token")
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        raise OidcFailed("The sign-in provider sent no ID token.")
    return id_token


def _jose() -> tuple[Any, Any]:
    import authlib.deprecate  # noqa: F401  (installs its "always" filter before ours)

    with warnings.catch_warnings():
        # authlib.jose warns that joserfc is its successor; the API stays until 2.0.
        warnings.simplefilter("ignore")
        from authlib.jose import JsonWebToken, errors
    return JsonWebToken(["RS256"]), errors


def _header_kid(token: str) -> str | None:
    import base64
    import json

    encoded = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except ValueError:
        raise OidcFailed("The ID token is malformed.") from None
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        raise OidcFailed("The ID token is not signed with RS256.")
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def validate_id_token(
    config: ProviderConfig, id_token: str, nonce: str, now: float | None = None
) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, times, nonce and
    verified email check out; OidcFailed naming what did not."""
    jwt, errors = _jose()
    keys = _key_set(config, _header_kid(id_token))
    issuers = {config.issuer}
    if config.issuer == GOOGLE_ISSUER:
        issuers.add("accounts.google.com")  # Google's tokens may name it without a scheme
    options = {
        "iss": {"essential": True, "values": sorted(issuers)},
        "aud": {"essential": True, "value": config.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        claims = jwt.decode(id_token, keys, claims_options=options)
        claims.validate(now=int(now if now is not None else time.time()), leeway=LEEWAY_SECONDS)
    except errors.BadSignatureError:
        raise OidcFailed("The ID token's signature does not match the provider's keys.") from None
    except errors.ExpiredTokenError:
        raise OidcFailed("The ID token has expired; start again.") from None
    except errors.InvalidTokenError:
        raise OidcFailed("The ID token was issued in the future; check the clock.") from None
    except (errors.InvalidClaimError, errors.MissingClaimError) as error:
        import re

        named = re.search(r"'(\w+)'", str(getattr(error, "description", "")))
        claim = getattr(error, "claim_name", None) or (named.group(1) if named else "claim")
        what = {"iss": "another issuer", "aud": "another application (audience)"}.get(
            claim, f"a wrong or missing {claim}"
        )
        raise OidcFailed(f"The ID token is for {what}.") from None
    except errors.JoseError:
        raise OidcFailed("The ID token could not be verified.") from None
    except (ValueError, TypeError, KeyError):
        # authlib raises these for a key id the key set lacks, or a body that is not JSON
        raise OidcFailed("The ID token's signature does not match the provider's keys.") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != config.client_id:
        raise OidcFailed("The ID token is for another application (azp).")
    if not nonce or not secrets.compare_digest(str(claims.get("nonce") or ""), nonce):
        raise OidcFailed("The ID token's nonce is not this sign-in's; start again.")
    email = claims.get("email")
    try:
        email = normalise_email(email)
    except ValueError:
        raise OidcFailed(
            "The provider did not share an email address; allow it and start again."
        ) from None
    if claims.get("email_verified") is not True:
        raise OidcFailed(
            f"Google has not verified {email}; verify it with Google, or sign up with a password."
        )
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise OidcFailed("The ID token names no subject.")
    name = claims.get("name")
    return {
        **dict(claims),
        "email": email,
        "name": name.strip() if isinstance(name, str) and name.strip() else email.split("@")[0],
    }
