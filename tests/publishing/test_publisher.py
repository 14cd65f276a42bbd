"""Publishing through the real scheduler loop and the real publisher handler."""

from __future__ import annotations


def test_a_scheduled_post_goes_out_once_on_each_network_at_its_time(world):
    x, linkedin = world.account("x"), world.account("linkedin")
    post_id = world.schedule({x: "x", linkedin: "linkedin"}, "Hello from the publisher")
    item = world.wait_for(post_id)
    assert item.status == "published"
    assert [t.status for t in item.targets] == ["published", "published"]
    assert all(t.external_id and t.url and t.published_at for t in item.targets)
    assert len(world.sandbox.posts("x")) == 1
    assert len(world.sandbox.posts("linkedin")) == 1
