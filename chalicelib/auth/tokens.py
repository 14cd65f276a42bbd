"""JWT access tokens: HS256 with a key kept in Secrets Manager, 15 minutes.

>>> token = issue_access_token("u_1")
>>> verify_access_token(token)
'u_1'
"""

from __future__ import annotations

import threading
import time
import warnings
from typing import Any

from chalicelib.aws import client
from chalicelib.errors import Unauthorized
from chalicelib.settings import get_settings

ACCESS_TOKEN_SECONDS = 15 * 60
ISSUER = "schedulo"

_key_lock = threading.Lock()
_keys: dict[str, bytes] = {}


def signing_key() -> bytes:
    """The signing key, read from Secrets Manager once per container."""
    name = get_settings().jwt_secret_name
    with _key_lock:
        if name not in _keys:
            secret = client("secretsmanager").get_secret_value(SecretId=name)
            _keys[name] = secret["SecretString"].encode()
        return _keys[name]


def forget_signing_key() -> None:
    with _key_lock:
        _keys.clear()


def _jose() -> tuple[Any, type[Exception]]:
    """authlib's JWT codec and its base error, imported on first use (cold start)."""
    import authlib.deprecate  # noqa: F401  (installs its "always" filter before ours)

    with warnings.catch_warnings():
        # authlib.jose warns that joserfc is its successor; the API stays until 2.0.
        warnings.simplefilter("ignore")
        from authlib.jose import jwt
        from authlib.jose.errors import JoseError
    return jwt, JoseError


def issue_access_token(user_id: str, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": ISSUER,
        "sub": user_id,
        "iat": issued,
        "exp": issued + ACCESS_TOKEN_SECONDS,
        "typ": "access",
    }
    jwt, _ = _jose()
    return jwt.encode({"alg": "HS256"}, claims, signing_key()).decode()


def verify_access_token(token: str) -> str:
    """The user id of a valid, unexpired access token; 401 otherwise."""
    jwt, JoseError = _jose()
    options = {
        "iss": {"essential": True, "value": ISSUER},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "typ": {"essential": True, "value": "access"},
    }
    try:
        claims = jwt.decode(token, signing_key(), claims_options=options)
        claims.validate(leeway=0)
    except JoseError as error:
        expired = getattr(error, "error", "") == "expired_token"
        raise Unauthorized(
            "The access token has expired; refresh it." if expired else "The token is not valid."
        ) from None
    except ValueError:
        raise Unauthorized("The token is not valid.") from None
    return str(claims["sub"])
