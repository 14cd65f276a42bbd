"""The delivery queue's timings against an attempt's lease, on AWS (the template's
queue, as provisioned) and in the local stack (`local/sqs_poller.py`): a message whose
handler fails must come back after the lease is over and before it runs out of receives
(the queue's maxReceiveCount, then the dead-letter queue), or a delivery whose consumer
died mid-attempt is lost."""

from __future__ import annotations

import json


def _queue(aws):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    sqs = client("sqs")
    url = get_settings().webhook_queue_url
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return sqs, url, int(found["VisibilityTimeout"]), json.loads(found["RedrivePolicy"])


def test_the_queue_brings_a_failed_message_back_after_the_lease_and_many_times(aws):
    from chalicelib.settings import get_settings
    from chalicelib.webhooks.delivery import lease_seconds

    _, _, visibility, redrive = _queue(aws)
    lease = lease_seconds(get_settings())
    assert lease < visibility  # a copy received after a consumer died finds the lease over
    assert visibility * (int(redrive["maxReceiveCount"]) - 1) >= 10 * lease


def test_the_local_poller_backs_off_so_a_failing_message_outlasts_the_lease(aws):
    """The local poller makes a message whose handler raised visible again itself; with a
    fixed 5 s that was 25 s for all five receives, less than one lease."""
    from chalicelib.settings import get_settings
    from chalicelib.webhooks.delivery import lease_seconds
    from local.sqs_poller import SqsPoller

    sqs, url, _, redrive = _queue(aws)
    poller = SqsPoller(sqs, url, handler=lambda event: None)
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"webhook_id": "wh_1"}))
    waits = []
    for _ in range(int(redrive["maxReceiveCount"]) - 1):
        [message] = sqs.receive_message(
            QueueUrl=url, AttributeNames=["ApproximateReceiveCount"], VisibilityTimeout=0
        )["Messages"]
        waits.append(poller.retry_after(message))
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert sum(waits) >= 2 * lease_seconds(get_settings())
