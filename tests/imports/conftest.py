import pytest

from chalicelib import scheduling
from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox(aws):
    """The sandbox networks on a free port, with the settings pointed at them."""
    with running_sandbox() as running:
        yield running


@pytest.fixture
def worker(aws):
    """Background jobs (the import worker, publish now) run in threads, as in the local
    stack: the function named by the ARN is called in-process."""
    import app as app_module

    def invoke(arn, payload):
        function = arn.rsplit(":", 1)[-1].split("-")[-1]
        return getattr(app_module, function)(payload, None)

    scheduling.use_local_invoker(invoke)
    yield
    scheduling.use_local_invoker(None)
