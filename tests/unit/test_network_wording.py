"""Networks are named as people write them wherever the API words a change."""

from __future__ import annotations

from chalicelib.domain.collaboration import VersionContent, VersionTarget, diff
from chalicelib.networks.registry import network_name


def test_network_names_are_the_networks_own():
    assert [network_name(n) for n in ("linkedin", "x", "tiktok", "youtube")] == [
        "LinkedIn",
        "X",
        "TikTok",
        "YouTube",
    ]
    assert network_name("myspace") == "myspace"


def test_a_version_diff_names_the_network_in_words():
    before = VersionContent(targets=[VersionTarget(account_id="a_1", network="linkedin", text="a")])
    after = VersionContent(
        targets=[
            VersionTarget(account_id="a_1", network="linkedin", text="b"),
            VersionTarget(account_id="a_2", network="tiktok"),
        ]
    )
    assert [c.label for c in diff(before, after)] == ["LinkedIn text", "TikTok account"]
