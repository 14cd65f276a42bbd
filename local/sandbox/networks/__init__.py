"""Each module registers one sandbox network (see local/sandbox/framework.py)."""

from local.sandbox.networks import facebook, instagram, linkedin, x  # noqa: F401
