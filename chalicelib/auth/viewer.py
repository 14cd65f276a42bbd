"""The address a request came from, for the throttles.

Behind CloudFront, API Gateway's `sourceIp` is a CloudFront server's address, shared by
everyone using that edge; the viewer's own is in CloudFront's `CloudFront-Viewer-Address`
header. Anyone can send that header straight to the API's own URL, so it counts only on a
request that also carries the origin secret CloudFront adds (`X-Schedulo-Origin-Verify`,
a key the template generates in the app's secret: auth/keyring.py). Without the secret
(the local stack, a direct call) the source address is API Gateway's.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from chalicelib.settings import get_settings

VERIFY_HEADER = "x-schedulo-origin-verify"
VIEWER_HEADER = "cloudfront-viewer-address"
KEY_TTL_SECONDS = 300  # a rotated secret reaches every warm container within 5 minutes


def viewer_address(headers: Mapping[str, str], source_ip: str | None) -> str | None:
    """The viewer's IP address: CloudFront's word for it when the request came through
    our distribution, else the connection's source address."""
    claimed = headers.get(VIEWER_HEADER)
    if claimed and _from_our_distribution(headers.get(VERIFY_HEADER)):
        return _address_only(claimed)
    return source_ip


def _address_only(value: str) -> str:
    # "198.51.100.10:46532" or "2001:db8::8:46532": the port follows the last colon.
    address = value.strip().rsplit(":", 1)[0] if ":" in value else value.strip()
    return address.strip("[]")


def _from_our_distribution(presented: str | None) -> bool:
    expected = _origin_secret()
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


def _origin_secret() -> str | None:
    """The origin-verify key (auth/keyring.py); None without one (no CloudFront in front:
    the local stack)."""
    from chalicelib.auth import keyring

    name = get_settings().origin_secret_name
    return keyring.key(name, keyring.ORIGIN_VERIFY_KEY, max_age=KEY_TTL_SECONDS)


def forget_origin_secret() -> None:
    from chalicelib.auth import keyring

    keyring.forget()
