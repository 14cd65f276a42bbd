"""Time-based one-time passwords (RFC 6238, over RFC 4226's HOTP) with the standard
library: HMAC-SHA1, 30-second steps, 6 digits, as every authenticator app reads an
`otpauth://` URI. A code is accepted for the step it was made in and the one either side
(clock drift), and never for a step already used (the caller keeps the last one).

>>> secret = "JBSWY3DPEHPK3PXP"
>>> code_at(secret, 0) == hotp(secret, 0)
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "Schedulo"
RECOVERY_CODES = 10


def now() -> float:
    """The clock codes are checked against (tests compute codes from the same one)."""
    from chalicelib.store.base import utcnow

    return utcnow().timestamp()


def new_secret() -> str:
    """160 random bits, base32 without padding (RFC 4226's recommended length)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def step_of(at: float) -> int:
    return int(at // STEP_SECONDS)


def hotp(secret: str, counter: int) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def code_at(secret: str, step: int) -> str:
    return hotp(secret, step)


def matching_step(secret: str, code: str, at: float, after_step: int = -1) -> int | None:
    """The step (within the drift) whose code is `code`, later than `after_step`; None if
    none is."""
    code = code.replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_of(at)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def otpauth_uri(secret: str, account: str) -> str:
    label = quote(f"{ISSUER}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str:
    """The URI as an SVG QR code (segno, pure Python; imported on first use)."""
    import segno

    return str(
        segno.make(uri, error="m", micro=False).svg_inline(scale=4, border=2, title="QR code")
    )


def new_recovery_codes() -> list[str]:
    """Ten single-use codes, `xxxxx-xxxxx` (50 random bits each, base32 lower case)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(7)).decode().lower()[:10]
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_digest(code: str) -> str:
    normal = code.strip().lower().replace(" ", "").replace("-", "")
    return hashlib.sha256(f"schedulo-recovery:{normal}".encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    normal = code.strip().lower().replace(" ", "").replace("-", "")
    return len(normal) == 10 and normal.isalnum()
