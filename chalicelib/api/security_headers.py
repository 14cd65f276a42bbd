"""The security headers of every response: the API's (JSON and the OAuth callback's small
pages) and the web app's (its Content-Security-Policy allows exactly what the app uses).

The deployed web app gets the same policy from CloudFront's ResponseHeadersPolicy in
`infrastructure/template.yaml` (a test compares the two); the local stack's server adds
`web_app_headers` to the files it serves.
"""

from __future__ import annotations

from collections.abc import Iterable

HSTS = "max-age=63072000; includeSubDomains"

COMMON = {
    "Strict-Transport-Security": HSTS,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

# The API serves JSON, and HTML only for the OAuth callback's error page (no script, no
# style, no image): nothing may load, nothing may frame it.
API_HEADERS = {
    **COMMON,
    "Content-Security-Policy": (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}


def web_app_csp(media_origins: Iterable[str] = ()) -> str:
    """The web app's policy. Scripts and styles only from its own origin (the build has no
    inline script; React sets styles through the DOM, which CSP allows); uploads go
    straight to the media bucket (`media_origins`), previews come from it, and avatars
    from the networks' own hosts (any https image)."""
    media = " ".join(media_origins)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": f"'self' data: https: {media}",
        "media-src": f"'self' {media}",
        "connect-src": f"'self' {media}",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value.strip()}" for name, value in directives.items())


def web_app_headers(media_origins: Iterable[str] = ()) -> dict[str, str]:
    return {
        **COMMON,
        "Content-Security-Policy": web_app_csp(media_origins),
        "Referrer-Policy": "same-origin",
    }
