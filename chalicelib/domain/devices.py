"""A session's device in a few words, from the User-Agent that signed in: the browser and
its system ("Chrome on macOS"), or "API client" for anything that is not a browser.

>>> describe_device("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
...                 "(KHTML, like Gecko) Chrome/124.0 Safari/537.36")
'Chrome on macOS'
>>> describe_device("curl/8.4.0")
'API client'
"""

from __future__ import annotations

API_CLIENT = "API client"
MAX_USER_AGENT = 512

# Checked in order: Edge, Opera and Samsung's browser also say "Chrome", Chrome says
# "Safari", so the more specific names come first.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("HeadlessChrome/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str | None) -> str:
    """A short name for the device behind `user_agent` (never more than 40 characters)."""
    agent = (user_agent or "")[:MAX_USER_AGENT]
    if not agent.startswith("Mozilla/"):
        return API_CLIENT  # curl, SDKs, scripts: browsers all start with Mozilla/
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    if browser is None:
        return f"A browser on {system}" if system else "A browser"
    return f"{browser} on {system}" if system else browser
