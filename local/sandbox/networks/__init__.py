"""Each module registers one sandbox network (see local/sandbox/framework.py)."""

from local.sandbox.networks import (  # noqa: F401
    facebook,
    instagram,
    linkedin,
    tiktok,
    x,
    youtube,
)
