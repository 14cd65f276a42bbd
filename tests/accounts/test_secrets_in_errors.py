"""A connection failure whose text quotes the whole request (the URL with `access_token`,
`client_secret` or `code`, the form body, the Authorization header), injected into every
adapter at the code exchange, at publish and at refresh: no token, secret, code or app
password reaches an API answer, the callback page, a stored error, a notification, an
e-mail, a log line or the dead-letter queue."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
import requests

from chalicelib.networks.registry import NETWORK_IDS, adapter_class
from chalicelib.settings import get_settings
from chalicelib.store import accounts as account_store
from chalicelib.store.base import utcnow
from tests.support.connect import callback, connect, start
from tests.support.factories import call
from tests.support.mail import sent_messages
from tests.support.publishing import PublishingWorld

APP_PASSWORD = "abcd-efgh-ijkl-mnop"


class Injector:
    """Makes every request to the sandbox fail, while armed, with an exception whose text
    holds the request's URL, body and headers (requests' own texts quote the URL)."""

    def __init__(self, sandbox_url: str) -> None:
        self.sandbox_url = sandbox_url
        self.armed: type[requests.RequestException] | None = None
        self.fired = 0

    def send(self, real: Any) -> Any:
        injector = self

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if injector.armed and request.url.startswith(injector.sandbox_url):
                injector.fired += 1
                body = request.body if isinstance(request.body, str | bytes) else "<stream>"
                raise injector.armed(
                    f"HTTPSConnectionPool(host='api.example', port=443): Max retries exceeded "
                    f"with url: {request.url} (Caused by NewConnectionError('refused')) "
                    f"body={body!r} headers={dict(request.headers)!r}",
                    request=request,
                )
            return real(adapter, request, *args, **kwargs)

        return send


class Lines(logging.Handler):
    """What the Powertools logger writes (its own formatter), and any other record."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def world(client, sandbox, monkeypatch):
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")  # the sandbox Mastodon/PDS
    monkeypatch.setenv("SCHEDULO_PUBLISH_MAX_ATTEMPTS", "1")  # fail at once: DLQ, e-mail
    get_settings.cache_clear()
    with PublishingWorld(client, sandbox) as running:
        yield running
    get_settings.cache_clear()


@pytest.fixture
def injector(sandbox, monkeypatch) -> Injector:
    from requests.adapters import HTTPAdapter

    injected = Injector(sandbox.url)
    monkeypatch.setattr(HTTPAdapter, "send", injected.send(HTTPAdapter.send))
    return injected


@pytest.fixture
def logs():
    from chalicelib.observability import SERVICE, logger

    ours, others = Lines(logger.registered_formatter), Lines(logging.Formatter())
    logging.getLogger(SERVICE).addHandler(ours)
    logging.getLogger("chalicelib").addHandler(others)
    yield ours, others
    logging.getLogger(SERVICE).removeHandler(ours)
    logging.getLogger("chalicelib").removeHandler(others)


def secrets_of(sandbox, codes: list[str]) -> list[str]:
    """Every credential in play: tokens the sandbox issued, the app's client secrets (the
    local seed's and Mastodon's registration), codes, the app password."""
    found = [t.value for t in sandbox.state.tokens.values()]
    found += [f"sandbox-{network}-secret" for network in NETWORK_IDS]
    found += [
        app["client_secret"]
        for key, app in sandbox.state.objects.items()
        if key.startswith("mastodon:app:")
    ]
    found += [c.client_secret for c in _mastodon_apps()]
    return [s for s in found + codes + [APP_PASSWORD] if s]


def _mastodon_apps() -> list[Any]:
    """Schedulo's app at each instance the tests registered it with (their secrets open)."""
    from chalicelib.aws import client as aws_client
    from chalicelib.oauth.adapters import _kept_mastodon_app
    from chalicelib.settings import get_settings
    from chalicelib.store.mastodon_apps import PREFIX

    items = aws_client("dynamodb").scan(TableName=get_settings().tables.rate_limits)["Items"]
    instances = [
        i["counter_key"]["S"][len(PREFIX) :]
        for i in items
        if i["counter_key"]["S"].startswith(PREFIX)
    ]
    return [_kept_mastodon_app(instance) for instance in instances]


def connect_options(network: str, sandbox) -> dict[str, Any]:
    if network == "mastodon":
        return {"network": "mastodon", "instance_url": f"{sandbox.url}/mastodon"}
    return {}


# Networks that publish nothing without media: the post carries what they take (its
# facts only: each adapter's first call fails before any byte is read).
NEEDS_MEDIA = {"instagram": "image", "pinterest": "image", "tiktok": "video", "youtube": "video"}


def arm_with_media(ws: str, post_id: str, network: str) -> None:
    from datetime import datetime

    from chalicelib import scheduling
    from chalicelib.store import media as media_store
    from chalicelib.store import posts as store
    from tests.support.posting import a_picture

    kind = NEEDS_MEDIA.get(network)
    item = store.get(ws, post_id)
    if kind == "image":  # a shape each takes as it is (no rendition to make)
        tall = network == "pinterest"
        item.media_ids = [
            a_picture(ws, width=1000 if tall else 1080, height=1500 if tall else 1080)
        ]
    elif kind == "video":
        from chalicelib.domain.ids import new_id

        media_id = new_id("m")
        size = 2_000_000
        video = media_store.create(
            ws,
            media_id,
            filename="clip.mp4",
            declared_content_type="video/mp4",
            declared_size=size,
            max_bytes=size,
            upload_key=f"uploads/{media_id}",
            created_by="u_test",
        )
        inspection = {
            "kind": "video",
            "content_type": "video/mp4",
            "size": size,
            "width": 1080,
            "height": 1920,
            "duration_seconds": 12.0,
            "video_codec": "h264",
            "audio_codec": "aac",
        }
        media_store.mark_ready(
            video, inspection=inspection, key=f"media/{media_id}", thumbnail_key=None
        )
        item.media_ids = [media_id]
        item.targets[0].options = {"title": "Fresh bread", "privacy_level": "SELF_ONLY"}
    if network == "pinterest":  # the board the composer puts on the target
        account = account_store.get(ws, item.targets[0].account_id)
        item.targets[0].options = {"board_id": account.options["board_id"]}
    if kind:
        item.save()
    scheduling.arm(ws, post_id, 1, datetime.fromisoformat(item.scheduled_at))
    store.mark_armed(ws, post_id, 1)


def dead_letters() -> list[str]:
    from chalicelib.aws import client as aws_client

    answer = aws_client("sqs").receive_message(
        QueueUrl=get_settings().dead_letter_queue_url,
        MaxNumberOfMessages=10,
        VisibilityTimeout=0,
    )
    return [m["Body"] for m in answer.get("Messages", [])]


@pytest.mark.parametrize("network", NETWORK_IDS)
def test_no_credential_leaks_from_a_failed_exchange_publish_or_refresh(
    client, sandbox, world, injector, logs, network
):
    owner = world.owner
    assert owner is not None
    ws = owner.workspace_id
    texts: list[str] = []  # everything a user, an operator or a log reader sees
    codes: list[str] = []
    errors: list[str] = []  # the failure texts, to see the injection was what failed

    # -- connect: the code exchange (Bluesky: the session from the app password) --------
    injector.armed = requests.ConnectionError
    fired = injector.fired
    if network == "bluesky":
        answer = call(
            client,
            "POST",
            f"/v1/workspaces/{ws}/accounts/connect",
            {"network": "bluesky", "handle": "bakery.bsky.social", "app_password": APP_PASSWORD},
            owner.headers,
        )
        texts.append(answer.body.decode())
        errors.append(answer.json["error"]["message"])
        assert answer.status_code == 409, answer.json
    else:
        injector.armed = None  # the consent page and the app registration go through
        consent = start(client, owner, network, body=connect_options(network, sandbox))
        codes.append(consent.code)
        injector.armed = requests.ConnectionError
        page = callback(client, network, consent)
        texts.append(page.body.decode())
        errors.append(page.body.decode())
        assert page.status_code == 502, page.body
    assert injector.fired > fired
    assert account_store.list_accounts(ws) == []

    injector.armed = None
    if network == "bluesky":
        answer = call(
            client,
            "POST",
            f"/v1/workspaces/{ws}/accounts/connect",
            {"network": "bluesky", "handle": "bakery.bsky.social", "app_password": APP_PASSWORD},
            owner.headers,
        )
        assert answer.status_code == 201, answer.json
        account_id = answer.json["account"]["id"]
    else:
        account_id = connect(client, owner, network, connect_options(network, sandbox))[0]

    # -- publish: fails on its first call, once and for all (one attempt allowed) --------
    injector.armed = requests.ConnectTimeout  # a ConnectionError and a Timeout
    fired = injector.fired
    post_id = world.schedule(
        {account_id: network}, "Fresh bread at 7", at=utcnow() + timedelta(seconds=1), arm=False
    )
    arm_with_media(ws, post_id, network)
    item = world.wait_for(post_id)
    assert injector.fired > fired
    [target] = item.targets
    assert target.status == "failed", target.status
    errors.append(target.error or "")
    texts.append(target.error or "")
    texts.append(
        call(
            client, "GET", f"/v1/workspaces/{ws}/posts/{post_id}", headers=owner.headers
        ).body.decode()
    )

    # -- refresh: the network's token endpoint does not answer ---------------------------
    injector.armed = requests.ReadTimeout
    fired = injector.fired
    path = f"/v1/workspaces/{ws}/accounts/{account_id}/refresh"
    answer = call(client, "POST", path, headers=owner.headers)
    texts.append(answer.body.decode())
    if adapter_class(network).can_refresh:
        assert injector.fired > fired
        assert answer.status_code == 409, answer.json
        errors.append(answer.json["error"]["message"])
    injector.armed = None

    # -- everything that was written or shown ----------------------------------------------
    stored = account_store.get(ws, account_id)
    texts.append(stored.last_error or "")
    for path in (
        f"/v1/workspaces/{ws}/accounts",
        f"/v1/workspaces/{ws}/accounts/{account_id}",
        f"/v1/workspaces/{ws}/notifications",
    ):
        texts.append(call(client, "GET", path, headers=owner.headers).body.decode())
    mails, letters = sent_messages(owner.email), dead_letters()
    assert mails and letters  # the failure was e-mailed and dead-lettered
    texts += mails + letters
    ours, others = logs
    texts += ours.lines + others.lines

    # The failures were the injected ones, told without their text...
    assert any(
        "lost its connection" in e or "no connection" in e or "timed out" in e for e in errors
    ), errors
    assert not any("Max retries" in e or "api.example" in e for e in texts)
    # ...and no credential is anywhere.
    text = "\n".join(texts)
    for secret in secrets_of(sandbox, codes):
        assert secret not in text, f"{secret[:12]}... leaked"
