import pytest

from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox(monkeypatch):
    """The sandbox networks on a free port, with the settings pointed at them. Like the
    local stack, loopback is allowed for hosts a user names (the sandbox Mastodon
    instance, a Bluesky PDS), which the SSRF guard otherwise refuses."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    with running_sandbox() as running:
        yield running
    get_settings.cache_clear()
