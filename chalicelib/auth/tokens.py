"""JWT access tokens: HS256 only, with a key kept in Secrets Manager, 15 minutes.

Each token names its issuer and audience (the stage's API) and the user's token
generation: "sign out everywhere" moves the generation on, and the guard refuses tokens
of an older one. A token issued for a session (a refresh-token family) names it in `sid`,
so the session can be shown as "this device" and ending it ends its access tokens too
(tokens without `sid`, issued before it existed, stay valid until they expire).

>>> token = issue_access_token("u_1", generation=0, session_id="f_1")
>>> verify_access_token(token)
AccessClaims(user_id='u_1', generation=0, session_id='f_1')
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

from chalicelib.errors import Unauthorized
from chalicelib.settings import get_settings

ACCESS_TOKEN_SECONDS = 15 * 60
ALGORITHM = "HS256"
NOT_VALID = "The token is not valid."


def issuer() -> str:
    return f"schedulo:{get_settings().stage}"


def audience() -> str:
    return f"schedulo:{get_settings().stage}:api"


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    generation: int
    session_id: str | None = None


def signing_key() -> bytes:
    """The signing key, read from Secrets Manager once per container (auth/keyring.py)."""
    from chalicelib.auth import keyring

    name = get_settings().jwt_secret_name
    found = keyring.key(name, keyring.JWT_SIGNING_KEY)
    if found is None:
        keyring.forget(name)  # not cached: `make deploy` puts it once the stack is up
        raise RuntimeError(f"No JWT signing key in the secret {name}: run `make deploy`.")
    return found.encode()


def forget_signing_key() -> None:
    from chalicelib.auth import keyring

    keyring.forget()


@cache
def _jose() -> tuple[Any, type[Exception]]:
    """authlib's JWT codec pinned to HS256, and its base error; imported on first use
    (cold start)."""
    import authlib.deprecate  # noqa: F401  (installs its "always" filter before ours)

    with warnings.catch_warnings():
        # authlib.jose warns that joserfc is its successor; the API stays until 2.0.
        warnings.simplefilter("ignore")
        from authlib.jose import JsonWebToken
        from authlib.jose.errors import JoseError
    return JsonWebToken([ALGORITHM]), JoseError


def issue_access_token(
    user_id: str, generation: int, now: float | None = None, session_id: str | None = None
) -> str:
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": issuer(),
        "aud": audience(),
        "sub": user_id,
        "iat": issued,
        "exp": issued + ACCESS_TOKEN_SECONDS,
        "typ": "access",
        "gen": generation,
    }
    if session_id:
        claims["sid"] = session_id
    jwt, _ = _jose()
    return jwt.encode({"alg": ALGORITHM, "typ": "JWT"}, claims, signing_key()).decode()


def _header_names_hs256(token: str) -> bool:
    """Whether the token's header is a JSON object whose `alg` is exactly "HS256" (not
    "none", not another algorithm, not a list): checked before any decoding."""
    encoded = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict) and header.get("alg") == ALGORITHM


def verify_access_token(token: str) -> AccessClaims:
    """The user and token generation of a valid, unexpired access token; 401 otherwise
    (whatever the token holds: never an error of another kind)."""
    if token.count(".") != 2 or not _header_names_hs256(token):
        raise Unauthorized(NOT_VALID)
    jwt, JoseError = _jose()
    options = {
        "iss": {"essential": True, "value": issuer()},
        "aud": {"essential": True, "value": audience()},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "typ": {"essential": True, "value": "access"},
    }  # `gen` is checked below: authlib takes 0 for a missing essential claim
    try:
        claims = jwt.decode(token, signing_key(), claims_options=options)
        claims.validate(leeway=0)
    except JoseError as error:
        expired = getattr(error, "error", "") == "expired_token"
        raise Unauthorized(
            "The access token has expired; refresh it." if expired else NOT_VALID
        ) from None
    except (ValueError, TypeError, KeyError):
        raise Unauthorized(NOT_VALID) from None
    subject, generation = claims.get("sub"), claims.get("gen")
    session_id = claims.get("sid")
    if not isinstance(subject, str) or not subject or type(generation) is not int:
        raise Unauthorized(NOT_VALID)
    if session_id is not None and (not isinstance(session_id, str) or not session_id):
        raise Unauthorized(NOT_VALID)
    return AccessClaims(subject, generation, session_id)
