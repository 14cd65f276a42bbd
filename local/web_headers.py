"""The security headers of the local stack's web app: the deployed policy, with the
embedded AWS (where uploads go and previews come from) and the sandbox networks (their
avatars) as the media origins."""

from __future__ import annotations

from urllib.parse import urlsplit

from chalicelib.api.security_headers import web_app_headers
from chalicelib.settings import get_settings


def local_web_app_headers() -> dict[str, str]:
    settings = get_settings()
    origins = []
    for url in (settings.aws_endpoint_url, settings.sandbox_url):
        if url:
            parts = urlsplit(url)
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return web_app_headers(origins)
