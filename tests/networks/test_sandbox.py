"""The sandbox as a developer meets it: consent pages, the control API, the feed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.networks.base import AccountAuth, PublishRequest
from tests.support.networks import REDIRECT_URI, adapter, connect, image_item, jpeg, pkce_pair


@pytest.mark.parametrize(
    "network",
    ["x", "facebook", "instagram", "linkedin", "tiktok", "youtube", "pinterest", "threads"],
)
def test_each_network_has_a_consent_page_with_an_authorize_button(sandbox, network):
    _, challenge = pkce_pair()
    url = adapter(network).authorize_url(REDIRECT_URI, "st", challenge)
    page = requests.get(url, timeout=5)
    assert page.status_code == 200
    assert "<button type='submit' name='decision' value='authorize'>Authorize</button>" in page.text


def test_cancelling_consent_redirects_with_access_denied(sandbox):
    url = adapter("linkedin").authorize_url(REDIRECT_URI, "st", None)
    answer = requests.post(url, data={"decision": "cancel"}, allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query == {"error": ["access_denied"], "state": ["st"]}


def test_a_code_works_once(sandbox):
    x = adapter("x")
    verifier, challenge = pkce_pair()
    answer = requests.get(
        x.authorize_url(REDIRECT_URI, "s", challenge),
        params={"sandbox_auto_approve": "1"},
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    x.exchange_code(code, REDIRECT_URI, verifier)
    with pytest.raises(Exception, match="invalid"):
        x.exchange_code(code, REDIRECT_URI, verifier)


def test_a_wrong_pkce_verifier_is_refused(sandbox):
    x = adapter("x")
    _, challenge = pkce_pair()
    answer = requests.get(
        x.authorize_url(REDIRECT_URI, "s", challenge),
        params={"sandbox_auto_approve": "1"},
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    with pytest.raises(Exception, match="invalid"):
        x.exchange_code(code, REDIRECT_URI, "not-the-verifier")


def test_published_posts_show_in_the_control_api_and_on_the_feed(sandbox):
    x = adapter("x")
    grant = connect(x)
    [me] = x.identities(grant)
    x.publish(
        AccountAuth(me.external_id, grant.access_token),
        PublishRequest(text="Hello <feed>", media=(image_item(jpeg(320, 240)),)),
    )
    posts = requests.get(f"{sandbox.url}/_control/posts", params={"network": "x"}, timeout=5)
    [post] = posts.json()
    assert post["account"] == me.external_id and post["text"] == "Hello <feed>"
    assert {k: post["media"][0][k] for k in ("type", "width", "height")} == {
        "type": "image",
        "width": 320,
        "height": 240,
    }
    assert post["media"][0]["bytes"] > 0
    feed = requests.get(f"{sandbox.url}/", timeout=5).text
    assert "Hello &lt;feed&gt;" in feed and "image 320x240" in feed


def test_faults_apply_to_the_next_publish_calls_only(sandbox):
    x = adapter("x")
    grant = connect(x)
    [me] = x.identities(grant)
    account = AccountAuth(me.external_id, grant.access_token)
    sandbox.fault("x", "5xx", count=2)
    for attempt in range(2):
        with pytest.raises(Exception, match="Service Unavailable"):
            x.publish(account, PublishRequest(text=f"attempt {attempt}"))
    x.publish(account, PublishRequest(text="third time lucky"))
    assert [p["text"] for p in sandbox.posts("x")] == ["third time lucky"]


def test_the_mastodon_instance_shows_consent_for_a_registered_app_only(sandbox):
    from chalicelib.networks.registry import get_adapter

    instance = f"{sandbox.url}/mastodon"
    credentials = get_adapter("mastodon", instance_url=instance).register_app(REDIRECT_URI)
    _, challenge = pkce_pair()
    url = get_adapter("mastodon", credentials, instance_url=instance).authorize_url(
        REDIRECT_URI, "st", challenge
    )
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and ">Authorize</button>" in page.text
    unknown = url.replace(credentials.client_id, "someone-else")
    assert requests.get(unknown, timeout=5).status_code == 401
