"""Shared fixtures: an in-process embedded AWS (moto) provisioned from the template, the
Chalice test client, and (for stack and browser tests) the local stack as a process."""

from __future__ import annotations

import os

# Before anything imports the app: a test stage, fake credentials, no real endpoint.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    SCHEDULO_STAGE="test",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_NAMESPACE="Schedulo",
)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "SCHEDULO_SANDBOX_URL"):
    os.environ.pop(_name, None)

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from tests.support.aws import NO_CHALICE_CONFIG, clear_state  # noqa: E402
from tests.support.stack import StackProcess  # noqa: E402


@pytest.fixture(scope="session")
def _aws_session():
    from chalicelib.aws import reset_clients
    from chalicelib.settings import get_settings
    from local.moto_atomic import make_dynamodb_writes_atomic
    from local.provision import provision
    from local.seed import seed

    make_dynamodb_writes_atomic()
    with mock_aws():
        get_settings.cache_clear()
        reset_clients()
        session = boto3.session.Session(region_name="us-east-1")
        provision(session, "test")
        seed(session, None, get_settings())
        yield


@pytest.fixture
def aws(_aws_session):
    """The embedded AWS with every resource of the template, emptied after each test."""
    yield
    clear_state()


@pytest.fixture
def client(aws):
    """The Chalice test client over the real app, its routes and middleware."""
    from chalice.test import Client

    import app

    with Client(app.app, project_dir=NO_CHALICE_CONFIG) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def stack():
    """`make dev`'s stack as a separate process on free ports."""
    with StackProcess() as running:
        yield running
