"""`make dev` names a local operator by user id and prints how to sign in as them."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from tests.support.browser import sign_up_via_api

pytestmark = [pytest.mark.stack]

REDRIVE = "/v1/admin/dead-letters/redrive"
BODY = {"targets": [{"workspace_id": "w_none", "post_id": "p_none", "target_id": "t_none"}]}


def test_the_printed_operator_may_redrive_and_a_new_account_may_not(stack):
    deadline, found = time.time() + 10, None
    while found is None and time.time() < deadline:
        log = Path(stack.log.name).read_text(errors="replace")
        found = re.search(r"operator\s+(\S+@\S+) / (\S+)\s+\(admin endpoints\)", log)
        time.sleep(0.1)
    assert found, "make dev printed no operator"
    email, password = found.groups()
    signed_in = requests.post(
        f"{stack.url}/v1/auth/login", json={"email": email, "password": password}, timeout=10
    )
    assert signed_in.status_code == 200, signed_in.text
    operator = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    answer = requests.post(f"{stack.url}{REDRIVE}", json=BODY, headers=operator, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["redriven"] is False

    newcomer, _ = sign_up_via_api(stack.url, email=f"operator-{time.time_ns()}@schedulo.local")
    refused = requests.post(
        f"{stack.url}{REDRIVE}", json=BODY, headers=newcomer.headers, timeout=10
    )
    assert refused.status_code == 403
