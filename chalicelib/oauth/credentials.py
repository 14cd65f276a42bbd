"""The app's client id and secret at each network, from Secrets Manager.

One secret per network, `schedulo-<stage>/networks/<network>`, holding
`{"client_id": ..., "client_secret": ...}`; read through Powertools Parameters, which
caches it for five minutes per container. The local stack seeds sandbox values.
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
    value = _provider().get(secret_name(network), transform="json", max_age=CACHE_SECONDS)
    return ClientCredentials(value["client_id"], value["client_secret"])


@lru_cache(maxsize=1)
def _provider() -> Any:
    """One provider per container: its cache is what spares a Secrets Manager call per
    publish."""
    from aws_lambda_powertools.utilities import parameters

    from chalicelib.aws import client

    return parameters.SecretsProvider(boto3_client=client("secretsmanager"))
