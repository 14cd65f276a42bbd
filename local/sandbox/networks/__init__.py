"""Each module registers one sandbox network (see local/sandbox/framework.py)."""

from local.sandbox.networks import (  # noqa: F401
    bluesky,
    facebook,
    instagram,
    linkedin,
    mastodon,
    pinterest,
    stripe,
    threads,
    tiktok,
    x,
    youtube,
)
