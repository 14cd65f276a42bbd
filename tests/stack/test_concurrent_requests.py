"""The local API answers each request as itself, however many arrive at once.

Chalice's local server runs every request on a thread of its own while the app keeps the
request being served in one attribute; the stack serves one request per app at a time,
as a Lambda container does."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.browser import sign_up_via_api

pytestmark = [pytest.mark.stack]

USERS = 4
REQUESTS = 400


def test_hundreds_of_parallel_requests_from_several_users_each_get_their_own_data(stack):
    users = [sign_up_via_api(stack.url, name=f"Parallel {n}")[0] for n in range(USERS)]
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))

    def one(n: int) -> str:
        user = users[n % USERS]
        headers = {"Authorization": f"Bearer {user.access_token}"}
        workspace = f"{stack.url}/v1/workspaces/{user.workspace_id}"
        kind = n % 3
        if kind == 0:
            response = session.get(workspace, headers=headers, timeout=60)
            ok = response.status_code == 200 and response.json()["id"] == user.workspace_id
        elif kind == 1:
            response = session.get(f"{stack.url}/v1/me", headers=headers, timeout=60)
            ok = response.status_code == 200 and response.json()["user"]["id"] == user.user_id
        else:
            # Each user asks with query parameters of their own: another request's would
            # be refused (`status` and `network` are checked) or answer another workspace.
            params = [{"network": "x"}, {"status": "draft"}, {"limit": "7"}, {}][n % USERS]
            response = session.get(f"{workspace}/posts", params=params, headers=headers, timeout=60)
            ok = response.status_code == 200 and response.json()["items"] == []
        return "ok" if ok else f"{user.user_id}: {response.status_code} {response.text[:300]}"

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(one, range(REQUESTS)))
    wrong = [answer for answer in answers if answer != "ok"]
    assert wrong == [], f"{len(wrong)} of {REQUESTS} answered as another request: {wrong[:5]}"
