"""What Schedulo costs on AWS (issue 26, "Cost and scale").

Measured in this process against the embedded AWS (moto) and the sandbox networks, as
bench/auth.py and bench/publish.py do:

- the publisher handler per one-network post (X): wall time, CPU time, the time spent in
  AWS calls and in the network's API, the AWS calls it makes, and the DynamoDB read and
  write request units they consume (counted from the size of every item read or written,
  with the table's global secondary indexes, by DynamoDB's rules: reads in 4 KB units,
  half for an eventually consistent read; writes in 1 KB units of the larger of the item
  before and after; a transaction twice);
- typical API requests (create a scheduled post, the calendar's list, one post);
- one sweeper run and one token-refresh run (what runs at idle);
- the metrics collector (chalicelib/analytics/collection.py): the published posts' five
  planned refreshes (+1 h, +24 h, +72 h, +7 d, +30 d), each round run by its buckets'
  schedules' payload (`handle_collector({"bucket"})` at the bucket's end), the rows
  growing a snapshot a round; per post, the five rounds' calls and request units (and the
  writes by table, item and index) divided by the posts refreshed. The network calls
  a refresh makes depend on how many of an account's targets fall due together (X reads
  100 a call): NETWORK_CALLS_PER_REFRESH is bench/analytics_collect.py's figure over all
  ten networks.

Lambda's billed duration on AWS is projected, not taken from the local wall time: this
process's own compute (wall time minus the time in AWS calls and in the network's API),
plus each AWS call at AWS_CALL_MS and each network call at NETWORK_CALL_MS (ASSUMPTIONS).
The local wall time, where moto is slower than DynamoDB, is printed as an upper bound.

Prices: AWS list prices for us-east-1 in PRICES (one table, dated, each with its pricing
page). Lambda's GB-seconds at the price of the architecture .chalice/config.json deploys
(arm64); CloudWatch Logs without Lambda's platform lines (START, END, REPORT) when the
template's LoggingConfig drops them (SystemLogLevel WARN): what the app itself logs only.
Free tiers are left out of the per-post figures (what a busy account pays); the idle month
is printed at list price and after AWS's always-free tiers (FREE_TIERS, same date).

    python bench/cost.py [runs]

Prints the measurements (for creating and publishing a post, each item written with the
write units of its table and of each GSI the write touched), the cost per 10,000
published posts, the monthly cost at idle and at 1,000 / 100,000 / 1,000,000 posts a
month, and a markdown table for the README.
Goal: <= $0.25 per 10,000 posts; idle cost only what AWS charges for a KMS key and a secret
(`idle_items`: the template's keys, secrets, alarms and dashboard, the scheduled jobs).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import math
import re
import statistics
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from local.offline import provisioned_moto, use_offline_environment  # noqa: E402

use_offline_environment("bench")

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20

# ------------------------------------------------------------------------------- prices
# AWS list prices, us-east-1 (N. Virginia), on-demand, without free tiers.
# Read from each service's pricing page on 2026-12-05; check them before relying on them.
# Lambda's GB-second: the first tier (first 6 billion GB-seconds a month) of each
# architecture; the request price is the same for both.
PRICES_DATE = "2026-12-05"
PRICES: dict[str, tuple[float, str, str]] = {
    # key: (USD, unit, pricing page)
    "lambda_request": (0.20 / 1e6, "request", "aws.amazon.com/lambda/pricing"),
    "lambda_gb_second_x86_64": (
        0.0000166667,
        "GB-second (x86_64)",
        "aws.amazon.com/lambda/pricing",
    ),
    "lambda_gb_second_arm64": (
        0.0000133334,
        "GB-second (arm64, Graviton)",
        "aws.amazon.com/lambda/pricing",
    ),
    "apigw_http_request": (
        1.00 / 1e6,
        "HTTP API request (first 300 million a month, each 512 KB)",
        "aws.amazon.com/api-gateway/pricing",
    ),
    "dynamodb_wru": (
        0.625 / 1e6,
        "write request unit (on-demand)",
        "aws.amazon.com/dynamodb/pricing/on-demand",
    ),
    "dynamodb_rru": (
        0.125 / 1e6,
        "read request unit (on-demand)",
        "aws.amazon.com/dynamodb/pricing/on-demand",
    ),
    "dynamodb_gb_month": (
        0.25,
        "GB-month stored (Standard)",
        "aws.amazon.com/dynamodb/pricing/on-demand",
    ),
    "dynamodb_pitr_gb_month": (
        0.20,
        "GB-month of point-in-time recovery",
        "aws.amazon.com/dynamodb/pricing/on-demand",
    ),
    "scheduler_invocation": (
        1.00 / 1e6,
        "scheduled invocation (API calls free)",
        "aws.amazon.com/eventbridge/pricing",
    ),
    "sqs_request": (0.40 / 1e6, "standard queue request (64 KB)", "aws.amazon.com/sqs/pricing"),
    "s3_put": (0.005 / 1000, "PUT/COPY/POST/LIST request", "aws.amazon.com/s3/pricing"),
    "s3_get": (0.0004 / 1000, "GET request", "aws.amazon.com/s3/pricing"),
    "s3_gb_month": (0.023, "GB-month (Standard, first 50 TB)", "aws.amazon.com/s3/pricing"),
    "kms_key_month": (1.00, "customer managed key per month", "aws.amazon.com/kms/pricing"),
    "kms_request": (0.03 / 10_000, "symmetric request", "aws.amazon.com/kms/pricing"),
    "secret_month": (0.40, "secret per month", "aws.amazon.com/secrets-manager/pricing"),
    "secrets_request": (0.05 / 10_000, "API call", "aws.amazon.com/secrets-manager/pricing"),
    "cloudfront_request": (
        0.0100 / 10_000,
        "HTTPS request (North America)",
        "aws.amazon.com/cloudfront/pricing",
    ),
    "cloudfront_gb": (
        0.085,
        "GB out (North America, first 10 TB)",
        "aws.amazon.com/cloudfront/pricing",
    ),
    "ses_email": (0.10 / 1000, "email sent", "aws.amazon.com/ses/pricing"),
    "cloudwatch_alarm_month": (
        0.10,
        "standard-resolution alarm metric per month",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "cloudwatch_dashboard_month": (
        3.00,
        "dashboard per month (beyond an account's first 3)",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "cloudwatch_metric_month": (
        0.30,
        "custom metric per month (first 10,000; by the hour)",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "logs_gb_ingested": (
        0.50,
        "GB of logs ingested (Standard)",
        "aws.amazon.com/cloudwatch/pricing",
    ),
}


def _memory(function: str) -> int:
    """A function's memory in the prod stage of .chalice/config.json."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    stage = config["stages"]["prod"]
    own = stage.get("lambda_functions", {}).get(function, {})
    return int(
        own.get("lambda_memory_size")
        or stage.get("lambda_memory_size")
        or config.get("lambda_memory_size", 128)
    )


def _architecture() -> str:
    """The functions' architecture in the prod stage of .chalice/config.json (Chalice
    sets it per stage, for every function)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    stage = config["stages"]["prod"]
    return str(stage.get("lambda_architecture") or config.get("lambda_architecture", "x86_64"))


def _system_log_level() -> str:
    """The functions' SystemLogLevel in infrastructure/template.yaml (Globals): Lambda's
    text format, with no LoggingConfig, writes every platform line (INFO)."""
    from local.cfn_yaml import load_template

    function = load_template().get("Globals", {}).get("Function", {})
    return str(function.get("LoggingConfig", {}).get("SystemLogLevel", "INFO"))


ARCHITECTURE = _architecture()
SYSTEM_LOG_LEVEL = _system_log_level()
# Lambda's START, END and REPORT lines (text format) of one invocation, all at INFO: none
# reach CloudWatch Logs when the system log level is WARN.
PLATFORM_LINES_BYTES = 400
PLATFORM_LOG_BYTES = 0 if SYSTEM_LOG_LEVEL == "WARN" else PLATFORM_LINES_BYTES


def _compute_ms(own_seconds: float, memory_mb: int) -> float:
    factor = ASSUMPTIONS["ARM64_COMPUTE_FACTOR"] if ARCHITECTURE == "arm64" else 1.0
    return own_seconds * 1000 * factor * max(1.0, ASSUMPTIONS["FULL_VCPU_MB"] / memory_mb)


# What the projection assumes (not measured here): stated with the figures.
ASSUMPTIONS = {
    "AWS_CALL_MS": 8.0,  # one DynamoDB/Scheduler/KMS call from Lambda in-region
    "NETWORK_CALL_MS": 300.0,  # one call to a social network's API (X's POST /2/tweets)
    "API_MEMORY_MB": _memory("api_handler"),  # .chalice/config.json, prod stage
    "PUBLISHER_MEMORY_MB": _memory("publisher"),
    "CONTAINER_IDLE_MINUTES": 10,  # Lambda reclaims an idle container after roughly this
    "NETWORKS_IN_USE": 4,  # networks posted to (EMF metrics are per network)
    # bench/analytics_collect.py: 0.62 network calls a refreshed target (all ten networks)
    "NETWORK_CALLS_PER_REFRESH": 0.62,
    "COLLECTOR_CPU_MS_PER_REFRESH": 5.5,  # the same run (session 10): collector CPU a target
    "COLLECTOR_ACCOUNTS_AT_ONCE": 8,  # chalicelib/analytics/collection.py WORKERS
    "COLLECTOR_MEMORY_MB": _memory("collector"),
    # Refreshes of one account in one 10-minute bucket, sharing its run's claim, budget
    # and reads. 10,000 posts a month make ~12 refreshes a bucket over all accounts, so
    # an account rarely has two: 1. (The bench's 20 posts share one account and bucket.)
    "COLLECTOR_REFRESHES_SHARING_A_RUN": 1.0,
    # Lambda gives a function one full vCPU at 1,769 MB and a share in proportion below:
    # this process's own compute, measured on one core here, takes 1769/memory times as
    # long there. (Its cost is the same at any size; waiting costs in proportion to it.)
    "FULL_VCPU_MB": 1769,
    # This process's own compute (measured on x86_64 here) taken to last as long on a
    # Graviton core; not measured (no arm64 machine). The waits, most of a publish, do
    # not depend on the architecture. The report prints the cost at 1.25 too.
    "ARM64_COMPUTE_FACTOR": 1.0,
}
# The refreshes of a 10-minute bucket over all accounts at 10,000 posts a month, spread
# evenly: they share the bucket's due-index queries (8 shards x 6 ranges).
REFRESHES_A_BUCKET = 10_000 * 5 / (30 * 24 * 6)
SWEEPS_PER_MONTH = 30 * 24 * 60 // 5  # @app.schedule(Rate(5 minutes))
SWEEPER_METRICS = 2  # NetworksFailing, WorstLatenessP99Seconds (chalicelib/health.py)
REFRESHES_PER_MONTH = 30 * 24  # @app.schedule(Rate(1 hour))
# Lambda's SQS event source mapping long-polls the webhook queue with 5 pollers, each
# ReceiveMessage waiting up to 20 s: about 3 requests a minute per poller, billed as SQS
# requests even when the queue is empty.
SQS_POLLS_PER_MONTH = 5 * 3 * 60 * 24 * 30


def _alarm_metrics() -> tuple[int, int, int]:
    """(alarms, metrics they watch, dashboards) in infrastructure/template.yaml: an alarm
    is billed per metric it watches (a metric-math alarm per metric in its expression)."""
    from local.cfn_yaml import load_template

    resources = load_template()["Resources"].values()
    alarms = [r["Properties"] for r in resources if r["Type"] == "AWS::CloudWatch::Alarm"]
    watched = sum(
        len([m for m in a["Metrics"] if "MetricStat" in m]) if "Metrics" in a else 1 for a in alarms
    )
    dashboards = sum(r["Type"] == "AWS::CloudWatch::Dashboard" for r in resources)
    return len(alarms), watched, dashboards


ALARMS, ALARM_METRICS, DASHBOARDS = _alarm_metrics()


def _template_count(kind: str) -> int:
    """Resources of one type in infrastructure/template.yaml (conditional ones left out)."""
    from local.cfn_yaml import load_template

    resources = load_template()["Resources"].values()
    return sum(r["Type"] == kind and "Condition" not in r for r in resources)


SECRETS = _template_count("AWS::SecretsManager::Secret")  # AppKeys: every key of the app
# TokenKey: the token vault's and the SNS topics' (CloudWatch cannot publish to a topic
# under the AWS managed key).
KMS_KEYS = _template_count("AWS::KMS::Key")
# Scheduled jobs besides the sweeper and the token refresh (app.py), not measured here:
# priced as the token refresh run. billing-sweep hourly; collect-followers and
# best-times-priors daily.
OTHER_SCHEDULED_RUNS = 30 * 24 + 2 * 30

# AWS's always-free tiers (not the 12-month offers for new accounts), as the pricing pages
# state them on PRICES_DATE: what every account gets each month before the list prices
# apply. Applied to the idle figures only: the per-post figures are what a busy account
# pays. Not free: a KMS key ($1 a month; 20,000 requests are), a Secrets Manager secret
# (its trial is 30 days), DynamoDB on-demand requests (the always-free 25 read and write
# units are provisioned capacity).
FREE_TIERS: dict[str, tuple[float, str, str]] = {
    "lambda_requests": (1_000_000, "Lambda requests a month", "aws.amazon.com/lambda/pricing"),
    "lambda_gb_seconds": (400_000, "Lambda GB-seconds a month", "aws.amazon.com/lambda/pricing"),
    "sqs_requests": (1_000_000, "SQS requests a month", "aws.amazon.com/sqs/pricing"),
    "cloudwatch_alarm_metrics": (
        10,
        "CloudWatch standard-resolution alarm metrics",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "cloudwatch_dashboards": (
        3,
        "CloudWatch dashboards of up to 50 metrics each",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "cloudwatch_custom_metrics": (
        10,
        "CloudWatch custom (and detailed monitoring) metrics",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "logs_gb": (
        5,
        "GB of CloudWatch Logs (ingested, archived, scanned by Logs Insights)",
        "aws.amazon.com/cloudwatch/pricing",
    ),
    "kms_requests": (20_000, "KMS requests a month", "aws.amazon.com/kms/pricing"),
}


def free(key: str) -> float:
    return FREE_TIERS[key][0]


# ------------------------------------------------------------------------------ metering
@dataclass
class Call:
    service: str
    operation: str
    seconds: float
    rru: float = 0.0
    wru: float = 0.0
    writes: list[Write] = field(default_factory=list)


@dataclass
class Write:
    """One item a write request changed: its table, which item, and the write units of
    the base table and of each global secondary index the change touched."""

    table: str
    item: str
    base: int
    indexes: dict[str, int] = field(default_factory=dict)
    size: int = 0  # bytes: the larger of the item before and after

    @property
    def wru(self) -> int:
        return self.base + sum(self.indexes.values())


@dataclass
class Profile:
    """One measured action: wall and CPU time, time in AWS and in the network, calls."""

    wall: float = 0.0
    cpu: float = 0.0
    aws: float = 0.0
    net: float = 0.0
    net_calls: int = 0
    calls: list[Call] = field(default_factory=list)
    log_bytes: int = 0
    emf: list[str] = field(default_factory=list)

    @property
    def own(self) -> float:
        return max(self.wall - self.aws - self.net, 0.0)

    def ops(self) -> Counter[str]:
        return Counter(f"{c.service}:{c.operation}" for c in self.calls)

    @property
    def rru(self) -> float:
        return sum(c.rru for c in self.calls)

    @property
    def wru(self) -> float:
        return sum(c.wru for c in self.calls)


class Meter:
    """Counts and times every AWS call (botocore's Endpoint.make_request) and every call
    to a network's API (requests' HTTPAdapter.send) while `measure()` is open, and prices
    DynamoDB's calls in request units from the items' sizes."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.lock = threading.Lock()
        self.current: Profile | None = None
        self._peek: Any = None
        self._tables: dict[str, dict[str, Any]] = {}

    def install(self) -> None:
        import requests.adapters
        from botocore.endpoint import Endpoint

        meter = self
        make_request = Endpoint.make_request
        send = requests.adapters.HTTPAdapter.send

        def counted(endpoint, operation_model, request_dict):
            if getattr(meter.local, "peeking", False) or meter.current is None:
                return make_request(endpoint, operation_model, request_dict)
            service = operation_model.service_model.endpoint_prefix
            name = operation_model.name
            params = _body(request_dict) if service == "dynamodb" else {}
            before = meter._before(name, params) if service == "dynamodb" else None
            started = time.perf_counter()
            answer = make_request(endpoint, operation_model, request_dict)
            seconds = time.perf_counter() - started
            call = Call(service, name, seconds)
            if service == "dynamodb":
                meter._units(call, params, answer[1], before)
            with meter.lock:
                if meter.current is not None:
                    meter.current.aws += seconds
                    meter.current.calls.append(call)
            return answer

        def timed(adapter, request, *args, **kwargs):
            started = time.perf_counter()
            try:
                return send(adapter, request, *args, **kwargs)
            finally:
                with meter.lock:
                    if meter.current is not None:
                        meter.current.net += time.perf_counter() - started
                        meter.current.net_calls += 1

        Endpoint.make_request = counted  # type: ignore[method-assign]
        requests.adapters.HTTPAdapter.send = timed  # type: ignore[method-assign]

    @contextlib.contextmanager
    def measure(self) -> Iterator[Profile]:
        from chalicelib.observability import logger

        profile = Profile()
        handler = logger.registered_handler
        logs = io.StringIO()
        previous = handler.setStream(logs)  # what CloudWatch Logs would ingest
        emf = io.StringIO()
        self.current = profile
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            with contextlib.redirect_stdout(emf):
                yield profile
        finally:
            profile.wall = time.perf_counter() - wall
            profile.cpu = time.process_time() - cpu
            self.current = None
            handler.setStream(previous)
            profile.log_bytes = len(logs.getvalue().encode()) + len(emf.getvalue().encode())
            profile.emf = [line for line in emf.getvalue().splitlines() if '"_aws"' in line]

    # DynamoDB request units ------------------------------------------------------------
    def peek(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        self.local.peeking = True
        try:
            if self._peek is None:
                import boto3

                self._peek = boto3.session.Session(region_name="us-east-1").client("dynamodb")
            found = self._peek.get_item(TableName=table, Key=key, ConsistentRead=True)
            return found.get("Item")
        finally:
            self.local.peeking = False

    def table(self, name: str) -> dict[str, Any]:
        if name not in self._tables:
            self.local.peeking = True
            try:
                if self._peek is None:
                    import boto3

                    self._peek = boto3.session.Session(region_name="us-east-1").client("dynamodb")
                self._tables[name] = self._peek.describe_table(TableName=name)["Table"]
            finally:
                self.local.peeking = False
        return self._tables[name]

    def key_of(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        names = [k["AttributeName"] for k in self.table(table)["KeySchema"]]
        return {n: item[n] for n in names if n in item}

    def _writes(self, params: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
        """(table, key) of every item a write request touches."""
        if name in ("PutItem",):
            return [(params["TableName"], self.key_of(params["TableName"], params["Item"]))]
        if name in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"])]
        if name == "BatchWriteItem":
            found = []
            for table, requests_ in params["RequestItems"].items():
                for r in requests_:
                    if "PutRequest" in r:
                        found.append((table, self.key_of(table, r["PutRequest"]["Item"])))
                    else:
                        found.append((table, r["DeleteRequest"]["Key"]))
            return found
        if name == "TransactWriteItems":
            found = []
            for t in params["TransactItems"]:
                (kind, body), *_ = t.items()
                if kind == "Put":
                    found.append((body["TableName"], self.key_of(body["TableName"], body["Item"])))
                elif kind in ("Update", "Delete"):
                    found.append((body["TableName"], body["Key"]))
                else:  # ConditionCheck: a read of the item, billed as one write unit
                    found.append((body["TableName"], body["Key"]))
            return found
        return []

    def _before(self, name: str, params: dict[str, Any]) -> list[Any] | None:
        writes = self._writes(params, name)
        return [self.peek(table, key) for table, key in writes] if writes else None

    def _units(
        self, call: Call, params: dict[str, Any], answer: dict[str, Any], before: list | None
    ) -> None:
        name = call.operation
        failed = "Error" in answer
        consistent = 1.0 if params.get("ConsistentRead") else 0.5
        if name == "GetItem":
            call.rru = _read_units([answer.get("Item") or {}]) * consistent
        elif name == "BatchGetItem":
            # A key not found still costs a read's minimum (the sweeper asks for every
            # network's health counters, most of them absent).
            units = 0.0
            for table, request in params.get("RequestItems", {}).items():
                found = answer.get("Responses", {}).get(table, [])
                missing = max(0, len(request.get("Keys", [])) - len(found))
                per = 1.0 if request.get("ConsistentRead") else 0.5
                units += (sum(_read_units([i]) for i in found) + missing) * per
            call.rru = units or 0.5
        elif name in ("Query", "Scan"):
            call.rru = _read_units(answer.get("Items", [])) * consistent
        elif name == "TransactGetItems":
            call.rru = 2 * sum(
                _read_units([r.get("Item") or {}]) for r in answer.get("Responses", [])
            )
        elif before is not None:
            writes = self._writes(params, name)
            factor = 2 if name == "TransactWriteItems" else 1
            total = 0.0
            for (table, key), old in zip(writes, before, strict=True):
                new = None if failed else self.peek(table, key)
                size = max(_size(old or {}), _size(new or {}))
                write = Write(
                    table, _describe(key), factor * max(1, math.ceil(size / 1024)), size=size
                )
                if not failed:
                    write.indexes = {
                        index: factor * units
                        for index, units in self._index_units(table, old, new).items()
                        if units
                    }
                call.writes.append(write)
                total += write.wru
            call.wru = total

    def _index_units(self, table: str, old: dict | None, new: dict | None) -> dict[str, int]:
        """Write units of each of the table's global secondary indexes for one item's
        change."""
        description = self.table(table)
        base_keys = [k["AttributeName"] for k in description["KeySchema"]]
        found: dict[str, int] = {}
        for index in description.get("GlobalSecondaryIndexes", []):
            units = found.setdefault(index["IndexName"], 0)
            keys = [k["AttributeName"] for k in index["KeySchema"]]
            projection = index["Projection"]
            kept = set(base_keys + keys + projection.get("NonKeyAttributes", []))

            was = _projected(old, keys, projection["ProjectionType"], kept)
            now = _projected(new, keys, projection["ProjectionType"], kept)
            if was == now:
                continue
            for item in (was, now):
                if item is None:
                    continue
                # an index key that changed is a delete and a put; else one update
                if was is not None and now is not None and all(was[k] == now[k] for k in keys):
                    units += max(1, math.ceil(_size(now) / 1024))
                    break
                units += max(1, math.ceil(_size(item) / 1024))
            found[index["IndexName"]] = units
        return found


def _describe(key: dict[str, Any]) -> str:
    """An item's key with its ids elided: which kind of item a write touched."""
    parts = []
    for name, value in key.items():
        (_, v), *_ = value.items()
        text = re.sub(r"[A-Za-z0-9_-]{16,}", "…", str(v))
        parts.append(f"{name}={text}")
    return ",".join(parts)


def _projected(item: dict | None, keys: list[str], kind: str, kept: set[str]) -> dict | None:
    """The item as an index holds it (None: not in the index, a key missing)."""
    if item is None or not all(k in item for k in keys):
        return None
    return item if kind == "ALL" else {k: v for k, v in item.items() if k in kept}


def _body(request_dict: dict[str, Any]) -> dict[str, Any]:
    body = request_dict.get("body") or b"{}"
    return json.loads(body.decode() if isinstance(body, bytes) else body)


def _value_size(value: dict[str, Any]) -> int:
    (kind, v), *_ = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        digits = len(v.lstrip("-").replace(".", "").lstrip("0")) or 1
        return (digits + 1) // 2 + 1
    if kind == "B":
        return len(base64.b64decode(v)) if isinstance(v, str) else len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: x}) for x in v)
    if kind == "L":
        return 3 + sum(1 + _value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(x) for k, x in v.items())
    return 0


def _size(item: dict[str, Any]) -> int:
    """An item's size by DynamoDB's rules: attribute names plus values."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _read_units(items: list[dict[str, Any]]) -> float:
    return max(1, math.ceil(sum(_size(i) for i in items) / 4096))


# ---------------------------------------------------------------------------- measuring
def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class Figures:
    name: str
    profiles: list[Profile]
    memory_mb: int = 0  # the function's (0: the API's)

    def m(self, attribute: str) -> float:
        return median([getattr(p, attribute) for p in self.profiles])

    @property
    def calls(self) -> float:
        return median([len(p.calls) for p in self.profiles])

    @property
    def net_calls(self) -> float:
        return median([p.net_calls for p in self.profiles])

    def ops(self) -> str:
        """Each operation of the last run with its count and request units."""
        units: dict[str, list[float]] = {}
        for c in self.profiles[-1].calls:
            found = units.setdefault(f"{c.service}:{c.operation}", [0, 0.0, 0.0])
            found[0] += 1
            found[1] += c.rru
            found[2] += c.wru
        return ", ".join(
            f"{op} x{n:.0f}" + (f" ({r:g} RRU, {w:g} WRU)" if r or w else "")
            for op, (n, r, w) in units.items()
        )

    def writes(self) -> list[str]:
        """Each item the last run wrote: table, item, base and index write units."""
        lines = []
        for c in self.profiles[-1].calls:
            for w in c.writes:
                indexes = "".join(f" + {name} {units}" for name, units in w.indexes.items())
                lines.append(
                    f"{c.operation} {w.table} [{w.item}]: {w.wru} WRU = base {w.base}{indexes}"
                )
        return lines

    def projected_ms(self) -> float:
        """Billed duration on AWS: own compute at the function's vCPU share + AWS and
        network calls at assumed latency."""
        memory = self.memory_mb or ASSUMPTIONS["API_MEMORY_MB"]
        return (
            _compute_ms(self.m("own"), memory)
            + self.calls * ASSUMPTIONS["AWS_CALL_MS"]
            + self.net_calls * ASSUMPTIONS["NETWORK_CALL_MS"]
        )


@dataclass
class CollectorFigures:
    """The collector's five rounds over the published posts: per post, all five summed."""

    rounds: list[Profile]
    posts: float  # targets refreshed a round
    name: str = "metrics collector, a post's 5 refreshes"

    def per_post(self, attribute: str) -> float:
        return sum(getattr(p, attribute) for p in self.rounds) / self.posts

    def calls(self) -> float:
        return sum(len(p.calls) for p in self.rounds) / self.posts

    def at_sharing(self, attribute: str, sharing: float) -> float:
        """A post's five refreshes' calls, RRU or WRU when `sharing` refreshes share each
        bucket run's per-account work: the claim, the budget (rate-limits table) and its
        other reads. The bucket's due-index queries are shared by all its refreshes
        (REFRESHES_A_BUCKET); only the rows' own writes are the post's alone. The
        bench's posts share it all: one account, one bucket a round (self.posts)."""
        own = account = bucket = 0.0
        for p in self.rounds:
            for c in p.calls:
                row = sum(w.wru for w in c.writes if not w.table.endswith("-rate-limits"))
                # The bucket's claim (`collect#<bucket>`) is the whole bucket's.
                claim = sum(w.wru for w in c.writes if "collect#" in w.item)
                if attribute == "wru":
                    own, bucket = own + row, bucket + claim
                    account += c.wru - row - claim
                elif attribute == "rru" and c.operation == "Query":
                    bucket += c.rru
                elif attribute == "rru":
                    account += c.rru
                elif c.operation == "Query" or claim:
                    bucket += 1
                elif row:
                    own += 1
                else:
                    account += 1
        shared_by_bucket = max(REFRESHES_A_BUCKET, sharing)
        return (own / self.posts + account / sharing) + bucket / shared_by_bucket

    def projected_ms(self, sharing: float) -> float:
        """A post's share of the collector's billed time: compute, AWS calls (at
        `sharing`: see `at_sharing`), network calls at NETWORK_CALLS_PER_REFRESH."""
        # Its refreshes run on threads, so wall minus AWS time undercounts its compute:
        # bench/analytics_collect.py measured the collector's CPU per refresh.
        own = max(
            self.per_post("own"),
            len(self.rounds) * ASSUMPTIONS["COLLECTOR_CPU_MS_PER_REFRESH"] / 1000,
        )
        # It waits for WORKERS accounts at once (chalicelib/analytics/collection.py): a
        # run's billed time is its waits divided by that, once a bucket holds that many.
        waits = (
            self.at_sharing("calls", sharing) * ASSUMPTIONS["AWS_CALL_MS"]
            + len(self.rounds)
            * ASSUMPTIONS["NETWORK_CALLS_PER_REFRESH"]
            * ASSUMPTIONS["NETWORK_CALL_MS"]
        )
        return (
            _compute_ms(own, ASSUMPTIONS["COLLECTOR_MEMORY_MB"])
            + waits / ASSUMPTIONS["COLLECTOR_ACCOUNTS_AT_ONCE"]
        )

    def writes(self) -> list[str]:
        """Per post, the writes of all five rounds by operation, table and kind of item:
        how many, the item sizes, and the write units of the base table and each index."""
        kinds: dict[tuple[str, str, str], dict[str, Any]] = {}
        for p in self.rounds:
            for c in p.calls:
                for w in c.writes:
                    kind = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", "<time>", w.item)
                    kind = re.sub(r"#\d+(?=#|$)", "#<n>", kind)
                    found = kinds.setdefault(
                        (c.operation, w.table, kind),
                        {"n": 0, "base": 0, "indexes": Counter(), "sizes": []},
                    )
                    found["n"] += 1
                    found["base"] += w.base
                    found["indexes"].update(w.indexes)
                    found["sizes"].append(w.size)
        lines = []
        for (operation, table, kind), f in kinds.items():
            indexes = "".join(
                f" + {name} {units / self.posts:.3g}" for name, units in f["indexes"].items()
            )
            total = (f["base"] + sum(f["indexes"].values())) / self.posts
            lines.append(
                f"{operation} x{f['n'] / self.posts:.3g} {table} [{kind}] "
                f"({min(f['sizes'])}-{max(f['sizes'])} bytes): {total:.3g} WRU = "
                f"base {f['base'] / self.posts:.3g}{indexes}"
            )
        return lines

    def ops(self) -> str:
        units: dict[str, list[float]] = {}
        for p in self.rounds:
            for c in p.calls:
                found = units.setdefault(f"{c.service}:{c.operation}", [0, 0.0, 0.0])
                found[0] += 1
                found[1] += c.rru
                found[2] += c.wru
        return ", ".join(
            f"{op} x{n / self.posts:.2g}"
            + (f" ({r / self.posts:.3g} RRU, {w / self.posts:.3g} WRU)" if r or w else "")
            for op, (n, r, w) in units.items()
        )


def measure_all() -> dict[str, Any]:
    from chalice.test import Client

    import app
    from chalicelib.store import posts as store
    from chalicelib.store.base import iso, utcnow
    from tests.support.aws import NO_CHALICE_CONFIG
    from tests.support.connect import connect
    from tests.support.factories import call, signup
    from tests.support.publishing import invoke_publisher
    from tests.support.sandbox import running_sandbox

    meter = Meter()
    meter.install()
    results: dict[str, Any] = {}
    with running_sandbox() as sandbox, Client(app.app, project_dir=NO_CHALICE_CONFIG) as client:
        sandbox.state.set_latency("x", 0)
        owner = signup(client)
        x = connect(client, owner, "x")[0]
        ws = f"/v1/workspaces/{owner.workspace_id}"
        tomorrow = (utcnow() + timedelta(days=1)).replace(microsecond=0)

        def create(i: int) -> str:
            at = (tomorrow + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S")
            body = {
                "text": f"Fresh bread at 8, come early! Post {i} #bakery https://example.com/menu",
                "targets": [{"account_id": x}],
                "when": {"at": at, "timezone": "Europe/Paris"},
            }
            reply = call(client, "POST", f"{ws}/posts", body, owner.headers)
            assert reply.status_code == 201, reply.body
            return reply.json["id"]

        def due_now(post_id: str) -> dict[str, Any]:
            """The post made due now (outside any measure): its publisher's input."""
            item = store.get(owner.workspace_id, post_id)
            item.update(actions=[store.PostItem.scheduled_at.set(iso(utcnow()))])
            return {"workspace_id": owner.workspace_id, "post_id": post_id, "version": item.version}

        def publish(payload: dict[str, Any]) -> dict[str, Any]:
            return invoke_publisher(payload)

        # Cold: the first create and publish (clients, the vault's data key, JWT key).
        cold: dict[str, Profile] = {}
        with meter.measure() as cold["create"]:
            first = create(-1)
        payload = due_now(first)
        with meter.measure() as cold["publish"]:
            assert publish(payload)["status"] == "published"
        results["cold"] = cold

        creates, publishes, lists, gets = [], [], [], []
        created = []
        for i in range(RUNS):
            with meter.measure() as profile:
                created.append(create(i))
            creates.append(profile)
        for post_id in created:
            payload = due_now(post_id)
            with meter.measure() as profile:
                outcome = publish(payload)
            assert outcome["status"] == "published", outcome
            publishes.append(profile)
        since = utcnow() - timedelta(days=1)
        until = utcnow() + timedelta(days=30)
        query = (
            f"from={since.strftime('%Y-%m-%dT%H:%M:%SZ')}&to={until.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        )
        for post_id in created:
            with meter.measure() as profile:
                reply = call(client, "GET", f"{ws}/posts?{query}", None, owner.headers)
            assert reply.status_code == 200, reply.body
            profile.log_bytes += 0
            lists.append((profile, len(reply.body)))
            with meter.measure() as profile:
                reply = call(client, "GET", f"{ws}/posts/{post_id}", None, owner.headers)
            assert reply.status_code == 200, reply.body
            gets.append((profile, len(reply.body)))
        results["create"] = Figures("POST /posts (scheduled, one network)", creates)
        results["publish"] = Figures(
            "publisher, one post on X", publishes, ASSUMPTIONS["PUBLISHER_MEMORY_MB"]
        )
        results["list"] = Figures(f"GET /posts (calendar, {RUNS + 1} posts)", [p for p, _ in lists])
        results["get"] = Figures("GET /posts/{id}", [p for p, _ in gets])
        results["response_bytes"] = {
            "list": median([n for _, n in lists]),
            "get": median([n for _, n in gets]),
        }
        item = store.get(owner.workspace_id, created[0])
        raw = meter.peek(
            item.Meta.table_name,
            {"workspace_id": {"S": item.workspace_id}, "post_id": {"S": item.post_id}},
        )
        results["post_item_bytes"] = _size(raw or {})

        # The metrics collector: each published post's five refreshes, round by round, as
        # their buckets' schedules run it (the bucket's due-index reads, the claims, the
        # appends), each bucket's run invoked at the bucket's end.
        from chalicelib.analytics.collection import REFRESH_OFFSETS, bucket_end, handle_collector
        from chalicelib.store import metrics as metrics_store

        published = [
            row.published_at
            for row in metrics_store.target_rows(
                owner.workspace_id, utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1)
            )
        ]
        rounds, refreshed = [], 0
        for offset in REFRESH_OFFSETS:
            buckets = sorted({bucket_end(at + offset, now=at) for at in published})
            with meter.measure() as profile:
                done = sum(handle_collector({"bucket": iso(end)})["snapshots"] for end in buckets)
            assert done >= len(created), (done, buckets)
            refreshed += done
            rounds.append(profile)
        results["collect"] = CollectorFigures(rounds, refreshed / len(REFRESH_OFFSETS))

        # Idle: one sweep (nothing to do) and one token refresh (nothing expiring).
        from chalicelib.oauth.health import refresh_expiring_tokens
        from chalicelib.publishing.sweeper import sweep

        sweeps, refreshes = [], []
        for _ in range(5):
            with meter.measure() as profile:
                sweep()
            sweeps.append(profile)
            with meter.measure() as profile:
                refresh_expiring_tokens()
            refreshes.append(profile)
        results["sweep"] = Figures("sweeper run (idle)", sweeps)
        results["refresh"] = Figures("token refresh run (idle)", refreshes)

        # Memory: Python's peak allocation during one publish (tracemalloc).
        payload = due_now(create(RUNS + 1))
        tracemalloc.start()
        with meter.measure():
            publish(payload)
        results["publish_peak_kb"] = tracemalloc.get_traced_memory()[1] / 1024
        tracemalloc.stop()
    return results


def import_seconds() -> float:
    """A Lambda container's INIT: `import app` in a fresh interpreter (billed since
    August 2025 for managed runtimes)."""
    import os
    import subprocess

    code = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "SCHEDULO_STAGE": "bench"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0.5


# ------------------------------------------------------------------------------ costing
def price(key: str) -> float:
    return PRICES[key][0]


@contextlib.contextmanager
def _deployed_as(architecture: str, platform_log_bytes: int) -> Iterator[None]:
    """Price as if the functions ran on `architecture` and kept `platform_log_bytes` of
    Lambda's platform lines an invocation (the report's comparison)."""
    global ARCHITECTURE, PLATFORM_LOG_BYTES
    saved = ARCHITECTURE, PLATFORM_LOG_BYTES
    ARCHITECTURE, PLATFORM_LOG_BYTES = architecture, platform_log_bytes
    try:
        yield
    finally:
        ARCHITECTURE, PLATFORM_LOG_BYTES = saved


def gb_second() -> float:
    """Lambda's GB-second at the functions' architecture."""
    return price(f"lambda_gb_second_{ARCHITECTURE}")


def lambda_cost(ms: float, memory_mb: int) -> float:
    billed = math.ceil(ms)  # billed to the millisecond, rounded up
    return price("lambda_request") + billed / 1000 * memory_mb / 1024 * gb_second()


def aws_extras(profile: Profile) -> float:
    """KMS, Secrets Manager, SQS, S3 calls a profile made, at their request prices."""
    cost = 0.0
    for op, n in profile.ops().items():
        service = op.split(":")[0]
        if service == "kms":
            cost += n * price("kms_request")
        elif service == "secretsmanager":
            cost += n * price("secrets_request")
        elif service == "sqs":
            cost += n * price("sqs_request")
        elif service == "s3":
            cost += n * price("s3_get" if "Get" in op or "Head" in op else "s3_put")
    return cost


def per_post(r: dict[str, Any], sharing: float | None = None) -> dict[str, float]:
    """The cost of one published post, by item (warm containers); `sharing`: refreshes
    sharing a collector run's per-account work (COLLECTOR_REFRESHES_SHARING_A_RUN)."""
    create, publish = r["create"], r["publish"]
    api_ms = create.projected_ms()
    pub_ms = publish.projected_ms()
    api_gb = r["response_bytes"]["get"] / 1e9
    # What the app logs in its two invocations, and Lambda's platform lines if kept.
    logs = (create.m("log_bytes") + publish.m("log_bytes") + 2 * PLATFORM_LOG_BYTES) / 1e9
    collect: CollectorFigures = r["collect"]
    sharing = ASSUMPTIONS["COLLECTOR_REFRESHES_SHARING_A_RUN"] if sharing is None else sharing
    collector_ms = collect.projected_ms(sharing)  # a post's share of the bucket's runs
    items = {
        "API request (API Gateway HTTP API + CloudFront)": price("apigw_http_request")
        + price("cloudfront_request")
        + api_gb * price("cloudfront_gb"),
        "API Lambda": lambda_cost(api_ms, ASSUMPTIONS["API_MEMORY_MB"]),
        "Scheduler invocation": price("scheduler_invocation"),
        "publisher Lambda": lambda_cost(pub_ms, ASSUMPTIONS["PUBLISHER_MEMORY_MB"]),
        "DynamoDB writes": (create.m("wru") + publish.m("wru")) * price("dynamodb_wru"),
        "DynamoDB reads": (create.m("rru") + publish.m("rru")) * price("dynamodb_rru"),
        "CloudWatch Logs": logs * price("logs_gb_ingested"),
        "KMS, Secrets, SQS, S3 calls": aws_extras(create.profiles[-1])
        + aws_extras(publish.profiles[-1]),
        "metrics collector Lambda (5 refreshes)": collector_ms
        / 1000
        * ASSUMPTIONS["COLLECTOR_MEMORY_MB"]
        / 1024
        * gb_second(),
        "metrics collector DynamoDB (5 refreshes)": collect.at_sharing("wru", sharing)
        * price("dynamodb_wru")
        + collect.at_sharing("rru", sharing) * price("dynamodb_rru"),
    }
    return items


def cold_start_cost(r: dict[str, Any], init_s: float) -> float:
    """One cold container of the publisher: its INIT billed, plus the calls a cold
    publish makes that a warm one does not (the vault's data key, secrets)."""
    cold = r["cold"]["publish"]
    warm_ops = r["publish"].profiles[-1].ops()
    extra = Profile(calls=[c for c in cold.calls if warm_ops[f"{c.service}:{c.operation}"] == 0])
    init = init_s * 1000 * ASSUMPTIONS["PUBLISHER_MEMORY_MB"] / 1024 / 1000 * gb_second()
    return init + aws_extras(extra)


@dataclass
class IdleItem:
    """What one thing costs a month with no posts: at list price, and after the always-
    free tiers (FREE_TIERS) of the usage it draws on."""

    name: str
    list_price: float
    after_free: float
    free_note: str = ""


def idle_lambda(r: dict[str, Any]) -> tuple[int, float, float]:
    """The scheduled functions' idle month: (invocations, GB-seconds, list price of both)."""
    sweep, refresh = r["sweep"], r["refresh"]
    memory = ASSUMPTIONS["API_MEMORY_MB"]
    runs = (
        (SWEEPS_PER_MONTH, sweep.projected_ms()),
        (REFRESHES_PER_MONTH + OTHER_SCHEDULED_RUNS, refresh.projected_ms()),
    )
    requests = sum(n for n, _ in runs)
    gb_seconds = sum(n * math.ceil(ms) / 1000 * memory / 1024 for n, ms in runs)
    return requests, gb_seconds, sum(n * lambda_cost(ms, memory) for n, ms in runs)


def idle_items(r: dict[str, Any]) -> list[IdleItem]:
    sweep, refresh = r["sweep"], r["refresh"]
    requests, gb_seconds, lambda_list = idle_lambda(r)
    others = REFRESHES_PER_MONTH + OTHER_SCHEDULED_RUNS
    reads = (SWEEPS_PER_MONTH * sweep.m("rru") + others * refresh.m("rru")) * price("dynamodb_rru")
    # Each sweep records itself (the operators' page: its last run and what it armed).
    writes = (SWEEPS_PER_MONTH * sweep.m("wru") + others * refresh.m("wru")) * price("dynamodb_wru")
    log_gb = (SWEEPS_PER_MONTH * sweep.m("log_bytes") + requests * PLATFORM_LOG_BYTES) / 1e9
    alarms_paid = max(0, ALARM_METRICS - free("cloudwatch_alarm_metrics"))
    dashboards_paid = max(0, DASHBOARDS - free("cloudwatch_dashboards"))
    lambda_after = (
        max(0, requests - free("lambda_requests")) * price("lambda_request")
        + max(0, gb_seconds - free("lambda_gb_seconds")) * gb_second()
    )
    return [
        IdleItem(
            f"KMS key ({KMS_KEYS})",
            KMS_KEYS * price("kms_key_month"),
            KMS_KEYS * price("kms_key_month"),
            "the token vault's and the SNS topics'; keys are never free",
        ),
        IdleItem(
            f"Secrets Manager secret ({SECRETS})",
            SECRETS * price("secret_month"),
            SECRETS * price("secret_month"),
            "the app's keys and the networks' client secrets, one JSON object; no always-free "
            "secrets",
        ),
        IdleItem(
            f"CloudWatch alarms ({ALARMS} watching {ALARM_METRICS} metrics)",
            ALARM_METRICS * price("cloudwatch_alarm_month"),
            alarms_paid * price("cloudwatch_alarm_month"),
            f"{free('cloudwatch_alarm_metrics'):.0f} alarm metrics free",
        ),
        IdleItem(
            f"CloudWatch dashboard ({DASHBOARDS})",
            DASHBOARDS * price("cloudwatch_dashboard_month"),
            dashboards_paid * price("cloudwatch_dashboard_month"),
            f"{free('cloudwatch_dashboards'):.0f} dashboards of up to 50 metrics free; its "
            "per-network SEARCH widgets find none at idle",
        ),
        IdleItem(
            "CloudWatch custom metrics (none)",
            0.0,
            0.0,
            "the sweeper emits its alarm figures only while posts are attempted",
        ),
        IdleItem(
            f"scheduled Lambdas ({requests:,} runs, {gb_seconds:,.0f} GB-s)",
            lambda_list,
            lambda_after,
            f"sweeper every 5 min, token refresh and billing sweep hourly, two daily; "
            f"{free('lambda_requests'):,.0f} requests and {free('lambda_gb_seconds'):,.0f} "
            "GB-s free",
        ),
        IdleItem(
            "their DynamoDB requests",
            reads + writes,
            reads + writes,
            f"reads {usd(reads)}: the sweeper's due posts and health counters...; writes "
            f"{usd(writes)}: each sweep's record...; on-demand requests are never free",
        ),
        IdleItem(
            f"their logs ({log_gb * 1000:,.1f} MB)",
            log_gb * price("logs_gb_ingested"),
            max(0.0, log_gb - free("logs_gb")) * price("logs_gb_ingested"),
            f"{free('logs_gb'):.0f} GB free",
        ),
        IdleItem(
            f"SQS polling of the webhook queue ({SQS_POLLS_PER_MONTH:,} receives)",
            SQS_POLLS_PER_MONTH * price("sqs_request"),
            max(0, SQS_POLLS_PER_MONTH - free("sqs_requests")) * price("sqs_request"),
            f"{free('sqs_requests'):,.0f} requests free",
        ),
    ]


def idle_goal() -> float:
    """The issue's idle goal: what AWS charges for a KMS key and a secret."""
    return price("kms_key_month") + price("secret_month")


def monthly(r: dict[str, Any], posts: int, init_s: float) -> dict[str, float]:
    per = sum(per_post(r).values())
    rate_per_minute = posts / (30 * 24 * 60)
    cold_fraction = (
        math.exp(-rate_per_minute * ASSUMPTIONS["CONTAINER_IDLE_MINUTES"]) if posts else 0
    )
    networks = ASSUMPTIONS["NETWORKS_IN_USE"]
    metrics = len(emf_metrics(r["publish"]))  # per network
    per_network_hour = posts / networks / 730
    active = 1 - math.exp(-per_network_hour) if posts else 0  # hours with a data point
    any_hour = 1 - math.exp(-posts / 730) if posts else 0
    stored_gb = (
        posts * r["post_item_bytes"] * 3 / 1e9
    )  # the item, its scheduled-index copy, audit/timeline
    return {
        "idle": sum(item.list_price for item in idle_items(r)),
        "posts": posts * per,
        "cold starts": posts * cold_fraction * cold_start_cost(r, init_s),
        # Per network, and the sweeper's two alarm figures (while anything was attempted).
        "EMF custom metrics": (networks * metrics * active + SWEEPER_METRICS * any_hour)
        * price("cloudwatch_metric_month"),
        "storage of the month's posts (+PITR)": stored_gb
        * (price("dynamodb_gb_month") + price("dynamodb_pitr_gb_month")),
    }


def emf_metrics(figures: Figures) -> set[str]:
    names: set[str] = set()
    for line in figures.profiles[-1].emf:
        with contextlib.suppress(ValueError, KeyError):
            document = json.loads(line)
            for directive in document["_aws"]["CloudWatchMetrics"]:
                for metric in directive["Metrics"]:
                    names.add(metric["Name"])
    return names


# ------------------------------------------------------------------------------ printing
def usd(value: float) -> str:
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 1:
        return f"${value:,.2f}"
    return f"${value:.4f}"


def report(r: dict[str, Any], init_s: float) -> None:
    print(f"Measured in-process against moto and the sandbox, {RUNS} runs each (medians):")
    print(
        "| action | wall ms (local) | own compute ms | AWS calls | network calls | "
        "RRU | WRU | projected billed ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in ("create", "publish", "list", "get", "sweep", "refresh"):
        f: Figures = r[key]
        print(
            f"| {f.name} | {f.m('wall') * 1000:.1f} | {f.m('own') * 1000:.1f} | {f.calls:.0f} | "
            f"{f.net_calls:.0f} | {f.m('rru'):.1f} | {f.m('wru'):.1f} | {f.projected_ms():.0f} |"
        )
    collect: CollectorFigures = r["collect"]
    print(
        f"| {collect.name} (per post) | {collect.per_post('wall') * 1000:.1f} | "
        f"{collect.per_post('own') * 1000:.1f} | {collect.calls():.1f} | "
        f"{5 * ASSUMPTIONS['NETWORK_CALLS_PER_REFRESH']:.1f} (assumed) | "
        f"{collect.per_post('rru'):.1f} | {collect.per_post('wru'):.1f} | "
        f"{collect.projected_ms(collect.posts):.0f} |"
    )
    for key in ("create", "publish", "sweep"):
        print(f"  {r[key].name}: {r[key].ops()}")
    for key in ("create", "publish"):
        print(f"  {r[key].name}, writes by table and index:")
        for line in r[key].writes():
            print(f"    {line}")
    print(f"  {collect.name}, per post: {collect.ops()}")
    alone = ASSUMPTIONS["COLLECTOR_REFRESHES_SHARING_A_RUN"]
    print(
        f"  {collect.name}, per post with {alone:.0f} refresh(es) of an account a bucket (the "
        f"bench's {collect.posts:.0f} share one run): "
        f"{collect.at_sharing('calls', alone):.1f} AWS calls, "
        f"{collect.at_sharing('rru', alone):.1f} RRU, {collect.at_sharing('wru', alone):.1f} WRU"
    )
    print(f"  {collect.name}, writes per post by table, item and index:")
    for line in collect.writes():
        print(f"    {line}")
    publish = r["publish"]
    print(
        f"  CPU per publish in this process (app + in-process moto + sandbox): "
        f"{publish.m('cpu') * 1000:.1f} ms; peak Python allocation during a publish "
        f"{r['publish_peak_kb']:.0f} KB (tracemalloc); publisher configured at "
        f"{ASSUMPTIONS['PUBLISHER_MEMORY_MB']} MB (300 MB videos are streamed: bench/publish.py)"
    )
    print(
        f"  cold: first create {r['cold']['create'].wall * 1000:.0f} ms "
        f"({r['cold']['create'].ops()}), first publish {r['cold']['publish'].wall * 1000:.0f} ms "
        f"({r['cold']['publish'].ops()}); `import app` {init_s * 1000:.0f} ms"
    )
    print(
        f"  post item {r['post_item_bytes']} bytes; logs per publish {publish.m('log_bytes'):.0f} "
        f"bytes (+ {PLATFORM_LOG_BYTES} bytes an invocation of Lambda's START/END/REPORT at "
        f"SystemLogLevel {SYSTEM_LOG_LEVEL}); EMF metrics per network: "
        f"{', '.join(sorted(emf_metrics(publish))) or 'none'}"
    )
    print(f"  assumptions: {ASSUMPTIONS}")
    print()
    items = per_post(r)
    total = sum(items.values())
    print(
        f"Cost per 10,000 published posts (warm containers), prices of {PRICES_DATE}; Lambda "
        f"on {ARCHITECTURE} (${gb_second():.10g} a GB-second), Lambda's platform log lines "
        f"{'dropped' if not PLATFORM_LOG_BYTES else 'kept'} (SystemLogLevel {SYSTEM_LOG_LEVEL}):"
    )
    for name, value in items.items():
        print(f"  {name:<45} {usd(value * 10_000)}")
    collecting = sum(v for k, v in items.items() if k.startswith("metrics collector"))
    for label, value in (
        ("total", total),
        ("total without analytics collection", total - collecting),
    ):
        goal = "OK" if value * 10_000 <= 0.25 else "OVER"
        print(f"  {label:<45} {usd(value * 10_000)}  (goal <= $0.25: {goal})")
    network_ms = ASSUMPTIONS["NETWORK_CALL_MS"]
    for assumed in (100.0, 1000.0):
        ASSUMPTIONS["NETWORK_CALL_MS"] = assumed
        print(
            f"  with a network call at {assumed:.0f} ms instead: "
            f"{usd(sum(per_post(r).values()) * 10_000)}"
        )
    ASSUMPTIONS["NETWORK_CALL_MS"] = network_ms
    collect = r["collect"]
    print(
        f"  with {collect.posts:.0f} refreshes sharing each collector run's per-account work "
        f"(the bench's one account and bucket) instead of "
        f"{ASSUMPTIONS['COLLECTOR_REFRESHES_SHARING_A_RUN']:.0f}: "
        f"{usd(sum(per_post(r, sharing=collect.posts).values()) * 10_000)}"
    )
    if ARCHITECTURE == "arm64":
        factor = ASSUMPTIONS["ARM64_COMPUTE_FACTOR"]
        ASSUMPTIONS["ARM64_COMPUTE_FACTOR"] = 1.25
        print(
            "  with the app's own compute 25 % slower on arm64 instead: "
            f"{usd(sum(per_post(r).values()) * 10_000)}"
        )
        ASSUMPTIONS["ARM64_COMPUTE_FACTOR"] = factor
    if ARCHITECTURE != "x86_64" or PLATFORM_LOG_BYTES != PLATFORM_LINES_BYTES:
        # The same measurements priced as deployed before issue 26's Lambda changes.
        with _deployed_as("x86_64", PLATFORM_LINES_BYTES):
            items = per_post(r)
            collecting = sum(v for k, v in items.items() if k.startswith("metrics collector"))
            print(
                "  the same on x86_64 with Lambda's START/END/REPORT lines: "
                f"{usd(sum(items.values()) * 10_000)}, without analytics collection "
                f"{usd((sum(items.values()) - collecting) * 10_000)}"
            )
    print()
    print(
        "Idle, per month (what runs or is billed with no posts): at list price, and after "
        "AWS's always-free tiers"
    )
    items = idle_items(r)
    width = max(len(item.name) for item in items)
    print(f"  {'':<{width}} {'list':>8} {'free tier':>8}")
    for item in items:
        note = f"  ({item.free_note})" if item.free_note else ""
        print(f"  {item.name:<{width}} {usd(item.list_price):>8} {usd(item.after_free):>8}{note}")
    listed = sum(item.list_price for item in items)
    after = sum(item.after_free for item in items)
    goal = idle_goal()
    print(f"  {'total':<{width}} {usd(listed):>8} {usd(after):>8}")
    rest = [i for i in items if i.after_free and not i.name.startswith(("KMS", "Secrets"))]
    beyond = sum(i.after_free for i in rest)
    verdict = "MET" if not rest else f"MET but for {usd(beyond)}" if beyond < 0.05 else "NOT MET"
    print(
        f"  goal: idle costs what AWS charges for a KMS key and a secret ({usd(goal)}). After "
        f"the free tiers: {usd(after)} = {KMS_KEYS} key and {SECRETS} secret + {usd(beyond)} ("
        + (", ".join(i.name for i in rest) or "nothing")
        + f"): {verdict}"
        + (" (DynamoDB on-demand requests have no free tier)" if rest else "")
        + f". At list price {usd(listed)}: not met (alarms and the dashboard are free only "
        "within the tiers)."
    )
    print()
    levels = (0, 1_000, 100_000, 1_000_000)
    print("Markdown for the README:")
    print()
    print("| posts a month | monthly cost | per 10,000 posts (above idle) |")
    print("|---:|---:|---:|")
    print(f"| idle, after AWS's always-free tiers | {usd(after)} | - |")
    for posts in levels:
        parts = monthly(r, posts, init_s)
        cost = sum(parts.values())
        per10k = (cost - parts["idle"]) / posts * 10_000 if posts else 0
        print(
            f"| {'idle, list price' if not posts else f'{posts:,}'} | {usd(cost)} | "
            f"{'-' if not posts else usd(per10k)} |"
        )
    print()
    print(
        f"AWS list prices, us-east-1, {PRICES_DATE}, without free tiers (but the first "
        "row); one network per post, "
        f"text only; Lambda on {ARCHITECTURE}, its duration projected "
        f"({ASSUMPTIONS['NETWORK_CALL_MS']:.0f} ms a network call, "
        f"{ASSUMPTIONS['AWS_CALL_MS']:.0f} ms an AWS call)"
        + ("" if PLATFORM_LOG_BYTES else "; no START/END/REPORT log lines")
        + ". `python bench/cost.py`."
    )
    print()
    print("Monthly cost by part:")
    for posts in levels[1:]:
        parts = monthly(r, posts, init_s)
        print(f"  {posts:>9,}: " + ", ".join(f"{k} {usd(v)}" for k, v in parts.items()))
    print()
    print("Prices used:")
    for key, (value, unit, page) in PRICES.items():
        print(f"  {key:<26} ${value:.10g} per {unit}  ({page})")
    print(f"Always-free tiers used for idle ({PRICES_DATE}):")
    for key, (value, unit, page) in FREE_TIERS.items():
        print(f"  {key:<26} {value:,.0f} {unit}  ({page})")


def main() -> None:
    import logging

    init_s = import_seconds()
    with provisioned_moto("bench"):
        logging.getLogger("schedulo-api").setLevel(logging.INFO)
        results = measure_all()
    report(results, init_s)


if __name__ == "__main__":
    main()
