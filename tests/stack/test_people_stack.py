"""People in the local stack: the JWT key exists, and an invitation's accept link can be
found both in SES's stored messages and in the dev server's log."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.support.browser import last_accept_link, sign_up_via_api

pytestmark = [pytest.mark.stack]


def test_invitation_accept_link_is_in_ses_and_in_the_dev_server_log(stack):
    owner, _ = sign_up_via_api(stack.url, name="Owner")
    guest = f"guest-{owner.user_id}@example.com"
    response = requests.post(
        f"{stack.url}/v1/workspaces/{owner.workspace_id}/invitations",
        json={"email": guest, "role": "viewer"},
        headers=owner.headers,
        timeout=10,
    )
    assert response.status_code == 201
    link = last_accept_link(stack.aws_url, guest)
    assert link.startswith(f"{stack.url}/invitations/")
    deadline = time.time() + 5
    while link not in Path(stack.log.name).read_text(errors="replace"):
        assert time.time() < deadline, "the accept link never reached the dev server's log"
        time.sleep(0.1)
    preview = requests.get(f"{stack.url}/v1/invitations/{link.rsplit('/', 1)[-1]}", timeout=10)
    assert preview.status_code == 200 and preview.json()["email"] == guest
