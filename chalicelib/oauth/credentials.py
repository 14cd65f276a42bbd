"""The app's client id and secret at each network, from Secrets Manager.

In the app's one secret of keys (chalicelib/auth/keyring.py: Secrets Manager bills per
secret), `networks.<network>` = `{"client_id": ..., "client_secret": ...}`, put by
`make deploy NETWORK_CREDENTIALS=<file>`; else a secret of the network's own,
`schedulo-<stage>/networks/<network>` holding the same (deployments from before), read
through Powertools Parameters. Both cached five minutes per container. The local stack
seeds sandbox values.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.networks.base import ClientCredentials
from chalicelib.settings import get_settings

CACHE_SECONDS = 300


def secret_name(network: str) -> str:
    return f"schedulo-{get_settings().stage}/networks/{network}"


def client_credentials(network: str) -> ClientCredentials:
    from chalicelib.auth import keyring

    keys = keyring.document(get_settings().keys_secret_name, max_age=CACHE_SECONDS)
    kept = keys.get("networks", {}).get(network)
    if isinstance(kept, dict) and kept.get("client_id") and kept.get("client_secret"):
        return ClientCredentials(str(kept["client_id"]), str(kept["client_secret"]))
    value = _provider().get(secret_name(network), transform="json", max_age=CACHE_SECONDS)
    return ClientCredentials(value["client_id"], value["client_secret"])


@lru_cache(maxsize=1)
def _provider() -> Any:
    """One provider per container: its cache is what spares a Secrets Manager call per
    publish."""
    from aws_lambda_powertools.utilities import parameters

    from chalicelib.aws import client

    return parameters.SecretsProvider(boto3_client=client("secretsmanager"))
