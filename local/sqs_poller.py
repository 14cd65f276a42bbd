"""A local stand-in for Lambda's SQS event source: moto keeps the queue, nothing consumes
it. A loop long-polls the queue and hands each message, as the one record of an SQS
event, to the app's `@app.on_sqs_message` handler; the message is deleted once the
handler returns (at least once, as on AWS), and made visible again when it raises (10 s,
doubling with each receive).

Messages are spread over a small pool of threads per key (for webhooks, the endpoint), so
a slow receiver holds up only its own deliveries, as separate Lambda invocations would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Handler = Callable[[dict[str, Any]], Any]  # an SQS event -> whatever the Lambda returns


def sqs_event(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """What Lambda's SQS integration passes for one message (the fields Chalice reads)."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3] if queue_arn.count(":") >= 5 else "",
            }
        ]
    }


class SqsPoller:
    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        handler: Handler,
        key: Callable[[dict[str, Any]], str] = lambda body: "",
        workers_per_key: int = 8,
        visibility_seconds: int = 900,
        retry_seconds: int = 10,
        idle_seconds: float = 0.2,
        log: Callable[[str], None] = print,
    ) -> None:
        self._sqs = sqs
        self._url = queue_url
        self._arn = self._queue_arn()
        self._handler = handler
        self._key = key
        self._workers = workers_per_key
        self._visibility = visibility_seconds
        self._retry = retry_seconds
        self._idle = idle_seconds
        self._log = log
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.handled = 0  # messages handled and deleted, for tests and benches

    def _queue_arn(self) -> str:
        attributes = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=["QueueArn"])
        return str(attributes["Attributes"]["QueueArn"])

    def start(self) -> SqsPoller:
        self._thread = threading.Thread(target=self._loop, name="sqs-poller", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                answer = self._sqs.receive_message(
                    QueueUrl=self._url,
                    MaxNumberOfMessages=10,
                    # Short polls: moto's long poll re-reads the whole queue every 10 ms
                    # until it has 10 messages, which costs its process more than the work.
                    WaitTimeSeconds=0,
                    VisibilityTimeout=self._visibility,
                    AttributeNames=["ApproximateReceiveCount"],
                )
            except Exception as exc:  # moto stopping, or a passing error: try again
                if not self._stop.is_set():
                    self._log(f"sqs poller: receive failed: {exc!r}")
                    self._stop.wait(1)
                continue
            messages = answer.get("Messages", [])
            for message in messages:
                self._pool(message).submit(self._handle, message)
            if not messages:
                self._stop.wait(self._idle)

    def _pool(self, message: dict[str, Any]) -> ThreadPoolExecutor:
        try:
            key = self._key(json.loads(message["Body"]))
        except (ValueError, KeyError, TypeError):
            key = ""
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = ThreadPoolExecutor(
                max_workers=self._workers, thread_name_prefix=f"sqs-{key[:12]}"
            )
        return pool

    def retry_after(self, message: dict[str, Any]) -> int:
        """When a message whose handler failed is seen again: `retry_seconds` doubling with
        each receive, so its five receives (the queue's maxReceiveCount, then the
        dead-letter queue) span 10 + 20 + 40 + 80 s, well over a webhook attempt's lease
        (60 s), as the queue's 360 s visibility timeout does on AWS."""
        try:
            receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", 1))
        except (TypeError, ValueError):
            receives = 1
        return int(min(self._visibility, self._retry * 2 ** max(0, min(receives - 1, 10))))

    def _handle(self, message: dict[str, Any]) -> None:
        if self._stop.is_set():
            return
        try:
            self._handler(sqs_event(message, self._arn))
        except Exception as exc:
            self._log(f"sqs poller: handler failed: {exc!r}")
            try:  # visible again, as a failed Lambda batch would be
                self._sqs.change_message_visibility(
                    QueueUrl=self._url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self.retry_after(message),
                )
            except Exception as change_failed:
                self._log(f"sqs poller: {change_failed!r}")
            return
        try:
            self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
            self.handled += 1
        except Exception as exc:
            self._log(f"sqs poller: delete failed: {exc!r}")
