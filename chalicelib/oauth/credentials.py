"""The app's client id and secret at each network, from Secrets Manager.

One secret per network, `schedulo-<stage>/networks/<network>`, holding
`{"client_id": ..., "client_secret": ...}`; read through Powertools Parameters, which
caches it for five minutes per container. The local stack seeds sandbox values.
"""

from __future__ import annotations

from chalicelib.networks.base import ClientCredentials
from chalicelib.settings import get_settings

CACHE_SECONDS = 300


def secret_name(network: str) -> str:
    return f"schedulo-{get_settings().stage}/networks/{network}"


def client_credentials(network: str) -> ClientCredentials:
    from aws_lambda_powertools.utilities import parameters

    from chalicelib.aws import client

    provider = parameters.SecretsProvider(boto3_client=client("secretsmanager"))
    value = provider.get(secret_name(network), transform="json", max_age=CACHE_SECONDS)
    return ClientCredentials(value["client_id"], value["client_secret"])
