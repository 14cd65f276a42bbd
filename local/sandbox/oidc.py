"""Sandbox Google sign-in at /google: an OpenID Connect provider, enough of
accounts.google.com for "Continue with Google" to work on one machine.

- `GET /google/.well-known/openid-configuration`: the discovery document; the issuer is
  `<sandbox>/google`.
- `GET /google/oauth2/v3/certs`: the JWKS, one RSA key generated when the sandbox starts.
- `GET /google/o/oauth2/v2/auth`: the consent page (authorization code flow; PKCE with
  S256, `state` and `nonce` required, scope `openid email`); the person types the email
  they sign in as, their name, and whether Google has verified the address. With
  `sandbox_auto_approve=1` (and `sandbox_email`, `sandbox_email_verified=0|1`,
  `sandbox_name`) it redirects at once, for API tests.
- `POST /google/token`: the code (single use, 10 minutes, for the same client and
  redirect URI) and its PKCE verifier for an access token and an RS256 ID token
  (`iss`, `aud` = the client id, `sub`, `email`, `email_verified`, `name`, `nonce`,
  `iat`, `exp` an hour later). The client authenticates with its id and any non-empty
  secret (form fields or HTTP basic), as Google's web clients do.

Control (not Google's): `POST /google/_control/next-id-token` with
`{"claims": {...}, "sign_with": "stranger"?}` changes the next ID token issued: claims
replaced (`{"nonce": "x"}`, `{"aud": "other"}`, `{"exp": <epoch>}`) or signed with a
key that is not in the JWKS (under the same `kid`), so tests can see each refused.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, request

from local.sandbox.state import SandboxState

PREFIX = "google"
KEY_ID = "sandbox-1"
CODE_SECONDS = 600
ID_TOKEN_SECONDS = 3600


def _new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _public_jwk(key: Any) -> dict[str, str]:
    numbers = key.public_key().public_numbers()

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": KEY_ID,
        "n": b64(numbers.n),
        "e": b64(numbers.e),
    }


def _sign(claims: dict[str, Any], key: Any) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from authlib.jose import JsonWebToken

    header = {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
    return JsonWebToken(["RS256"]).encode(header, claims, _pem(key)).decode()


def _error(status: int, error: str, description: str) -> Any:
    return jsonify(error=error, error_description=description), status


def build(state: SandboxState) -> Blueprint:
    blueprint = Blueprint("sandbox_oidc", __name__)
    lock = threading.Lock()
    keys: dict[str, Any] = {}

    def signing_key(which: str = "own") -> Any:
        # Generated on first use: most sandboxes (one per test) never sign anyone in.
        with lock:
            if which not in keys:
                keys[which] = _new_key()
            return keys[which]

    codes: dict[str, dict[str, Any]] = {}
    next_token: dict[str, Any] = {}

    def issuer() -> str:
        return f"{request.host_url.rstrip('/')}/{PREFIX}"

    @blueprint.get("/.well-known/openid-configuration")
    def discovery():
        base = issuer()
        return jsonify(
            issuer=base,
            authorization_endpoint=f"{base}/o/oauth2/v2/auth",
            token_endpoint=f"{base}/token",
            jwks_uri=f"{base}/oauth2/v3/certs",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=["openid", "email", "profile"],
            token_endpoint_auth_methods_supported=["client_secret_post", "client_secret_basic"],
            claims_supported=["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
            code_challenge_methods_supported=["plain", "S256"],
        )

    @blueprint.get("/oauth2/v3/certs")
    def certs():
        return jsonify(keys=[_public_jwk(signing_key())])

    @blueprint.route("/o/oauth2/v2/auth", methods=["GET", "POST"])
    def authorize():
        args = request.values
        problem = _authorize_problem(args)
        if problem:
            return (
                "<!doctype html><title>Sign in with Google: error</title>"
                f"<h1>Error 400: invalid_request</h1><p>{html.escape(problem)}</p>",
                400,
            )
        redirect_uri = args["redirect_uri"]
        if request.method == "GET" and args.get("sandbox_auto_approve") != "1":
            return _consent_page(args)
        if request.method == "POST" and args.get("decision") == "cancel":
            return redirect(
                _with_query(redirect_uri, error="access_denied", state=args.get("state"))
            )
        email = (args.get("sandbox_email") or "").strip().lower()
        if "@" not in email:
            return _consent_page(args, "Enter the email address to sign in as.")
        verified = args.get("sandbox_email_verified", "0") in ("1", "on", "true")
        code = secrets.token_urlsafe(24)
        with lock:
            codes[code] = {
                "client_id": args["client_id"],
                "redirect_uri": redirect_uri,
                "challenge": args["code_challenge"],
                "method": args.get("code_challenge_method", "plain"),
                "nonce": args["nonce"],
                "email": email,
                "email_verified": verified,
                "name": (args.get("sandbox_name") or "").strip() or email.split("@")[0].title(),
                "issued_at": time.time(),
            }
        return redirect(_with_query(redirect_uri, code=code, state=args["state"]))

    @blueprint.post("/token")
    def token():
        form = request.form
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if request.authorization and request.authorization.type == "basic":
            client_id = request.authorization.username
            secret = request.authorization.password
        if not client_id or not secret:
            return _error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("grant_type") != "authorization_code":
            return _error(400, "unsupported_grant_type", "Invalid grant_type.")
        with lock:
            grant = codes.pop(form.get("code") or "", None)
        if grant is None or time.time() - grant["issued_at"] > CODE_SECONDS:
            return _error(400, "invalid_grant", "Malformed auth code.")
        if grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri"):
            return _error(400, "invalid_grant", "Bad Request")
        if not _pkce_matches(grant["challenge"], grant["method"], form.get("code_verifier")):
            return _error(400, "invalid_grant", "Invalid code verifier.")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer(),
            "azp": client_id,
            "aud": client_id,
            "sub": str(int(hashlib.sha256(grant["email"].encode()).hexdigest(), 16))[:21],
            "email": grant["email"],
            "email_verified": grant["email_verified"],
            "name": grant["name"],
            "nonce": grant["nonce"],
            "iat": now,
            "exp": now + ID_TOKEN_SECONDS,
        }
        with lock:
            change = dict(next_token)
            next_token.clear()
        claims.update(change.get("claims") or {})
        signer = signing_key("stranger" if change.get("sign_with") == "stranger" else "own")
        return jsonify(
            access_token=secrets.token_urlsafe(32),
            expires_in=3599,
            scope="openid email profile",
            token_type="Bearer",
            id_token=_sign(claims, signer),
        )

    @blueprint.post("/_control/next-id-token")
    def control_next_id_token():
        body = request.get_json(force=True, silent=True) or {}
        claims, sign_with = body.get("claims") or {}, body.get("sign_with")
        if not isinstance(claims, dict) or sign_with not in (None, "stranger"):
            return jsonify(error="claims must be an object; sign_with null or 'stranger'"), 400
        with lock:
            next_token.clear()
            next_token.update(claims=claims, sign_with=sign_with)
        return jsonify(ok=True)

    return blueprint


def _authorize_problem(args: Any) -> str | None:
    if not args.get("client_id") or not args.get("redirect_uri"):
        return "Missing required parameter: client_id or redirect_uri."
    if args.get("response_type") != "code":
        return "Invalid response_type: only code is supported."
    if "openid" not in (args.get("scope") or "").split():
        return "The scope must include openid."
    for name in ("state", "nonce", "code_challenge"):
        if not args.get(name):
            return f"Missing required parameter: {name}."
    if args.get("code_challenge_method", "plain") not in ("plain", "S256"):
        return "Invalid code_challenge_method."
    return None


def _consent_page(args: Any, problem: str | None = None) -> str:
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in args.items(multi=True)
        if not k.startswith("sandbox_") and k != "decision"
    )
    email = html.escape(args.get("sandbox_email") or "")
    client = html.escape(args.get("client_id") or "")
    alert = f"<p role='alert'>{html.escape(problem)}</p>" if problem else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Sign in with Google (sandbox)</title>"
        "<style>body{font-family:system-ui;max-width:480px;margin:3rem auto;padding:0 1rem}"
        "label{display:block;margin:.75rem 0}</style></head><body>"
        "<h1>Sign in with Google (sandbox)</h1>"
        f"<p>Choose an account to continue to <strong>{client}</strong>. It will see your "
        "name, email address and whether Google has verified it.</p>"
        f"{alert}<form method='post'>{hidden}"
        f"<label>Email <input name='sandbox_email' type='email' value='{email}' "
        "autocomplete='username'></label>"
        "<label>Name <input name='sandbox_name' autocomplete='name'></label>"
        "<label><input type='checkbox' name='sandbox_email_verified' value='1' checked> "
        "Email verified by Google</label>"
        "<button type='submit' name='decision' value='allow'>Continue</button> "
        "<button type='submit' name='decision' value='cancel'>Cancel</button>"
        "</form></body></html>"
    )


def _pkce_matches(challenge: str, method: str, verifier: str | None) -> bool:
    if not verifier:
        return False
    if method == "plain":
        return secrets.compare_digest(verifier, challenge)
    digest = hashlib.sha256(verifier.encode()).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(computed, challenge)


def _with_query(url: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"
