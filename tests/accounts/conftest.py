import pytest

from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox(aws):
    """The sandbox networks on a free port, with the settings pointed at them."""
    with running_sandbox() as running:
        yield running
