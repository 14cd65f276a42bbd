"""The embedded AWS in this process, for tests and benchmarks: fake credentials that can
reach no real account, and moto provisioned from the infrastructure template."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


def use_offline_environment(stage: str) -> None:
    """Before anything imports the app: a stage, fake credentials, no real endpoint."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        SCHEDULO_STAGE=stage,
        # The tests and benches sign up many users, all from the test client's 127.0.0.1.
        SCHEDULO_SIGNUPS_PER_ADDRESS="10000",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_NAMESPACE="Schedulo",
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)


@contextmanager
def provisioned_moto(stage: str) -> Iterator[None]:
    """moto in this process with every resource of the template, and the seed data."""
    import boto3
    from moto import mock_aws

    from chalicelib.aws import reset_clients
    from chalicelib.settings import get_settings
    from local.moto_tuning import tune_moto
    from local.provision import provision
    from local.seed import seed

    tune_moto()
    with mock_aws():
        get_settings.cache_clear()
        reset_clients()
        session = boto3.session.Session(region_name="us-east-1")
        provision(session, stage)
        seed(session, None, get_settings())
        yield
