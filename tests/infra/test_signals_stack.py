"""The infrastructure template deployed into moto's CloudFormation the way the local
stack deploys it (`local.provision.local_template`, here the session's provisioned
moto): what moto creates, what it cannot, the dashboard; the alarms' definitions
accepted by CloudWatch's API; and a publish through that stack emitting exactly the
metrics and dimensions the alarms name."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from local.cfn_yaml import load_template
from local.provision import DIRECT, NOT_LOCAL, local_template
from tests.infra.test_template import ROOT, merged_template  # noqa: F401 (a fixture)
from tests.publishing.test_signals import emitted
from tests.support.publishing import PublishingWorld
from tests.support.sandbox import running_sandbox

STAGE = "test"
FREE_ALARM_METRICS = 10  # CloudWatch's always-free alarm metrics a month
# What moto's CloudFormation cannot create (local/provision.py creates some directly:
# the schedule group, the dead-letter alarm, the secrets; the rest has no local meaning).
MOTO_CANNOT_CREATE = {
    "AWS::CloudWatch::Alarm",
    "AWS::Scheduler::ScheduleGroup",
    "AWS::SecretsManager::Secret",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::Function",
    "AWS::CloudFront::ResponseHeadersPolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::ConfigurationSetEventDestination",
}


def test_moto_creates_every_resource_of_the_template_but_the_listed_types(aws):
    template = load_template()
    assert DIRECT | NOT_LOCAL == MOTO_CANNOT_CREATE
    local = local_template(STAGE)["Resources"]
    left_out = {
        name for name, r in template["Resources"].items() if r["Type"] in DIRECT | NOT_LOCAL
    }
    assert set(template["Resources"]) == set(local) | left_out
    cfn = boto3.client("cloudformation")
    created = cfn.describe_stack_resources(StackName=f"schedulo-{STAGE}")["StackResources"]
    assert {r["LogicalResourceId"] for r in created} == set(local)
    assert all(r["ResourceStatus"] == "CREATE_COMPLETE" for r in created)


def test_the_dashboard_is_created_with_its_names_substituted(aws):
    body = json.loads(
        boto3.client("cloudwatch").get_dashboard(DashboardName=f"schedulo-{STAGE}")["DashboardBody"]
    )
    text = json.dumps(body)
    assert "${" not in text
    assert f"schedulo-{STAGE}-publisher" in text
    assert f'"schedulo-{STAGE}-webhooks"' in text
    titles = " ".join(w["properties"].get("title", "") for w in body["widgets"])
    for figure in ("Published", "Failed", "Lateness", "Retries", "Unconfirmed", "Token"):
        assert figure in titles
    assert "Webhook deliveries" in titles


def alarms(topic: str) -> dict[str, dict[str, Any]]:
    """The template's alarms as put_metric_alarm's arguments, for this stage."""
    names = {
        "DeadLetterQueue.QueueName": f"schedulo-{STAGE}-dead-letters",
        "WebhookQueue.QueueName": f"schedulo-{STAGE}-webhooks",
        "MetricsDeadLetterQueue.QueueName": f"schedulo-{STAGE}-metrics-dead-letters",
    }

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            [(key, inner)] = value.items()
            if key == "Fn::Sub":
                return re.sub(r"\$\{Stage\}", STAGE, inner)
            if key == "Ref":
                return {"OperatorsTopic": topic, "Stage": STAGE}[inner]
            if key == "Fn::GetAtt":
                return names[".".join(inner) if isinstance(inner, list) else inner]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    return {
        name: resolve(resource["Properties"])
        for name, resource in load_template()["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


@pytest.fixture
def topic(aws) -> str:
    topics = boto3.client("sns").list_topics()["Topics"]
    return next(t["TopicArn"] for t in topics if t["TopicArn"].endswith(f"-{STAGE}-operators"))


def test_every_alarm_is_accepted_by_cloudwatch_and_tells_the_operators(topic):
    cloudwatch = boto3.client("cloudwatch")
    defined = alarms(topic)
    try:
        for properties in defined.values():
            assert properties["AlarmActions"] == [topic]
            cloudwatch.put_metric_alarm(**properties)
        names = {a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}
        assert {p["AlarmName"] for p in defined.values()} <= names
    finally:
        created = [p["AlarmName"] for p in defined.values()]
        created.remove(f"schedulo-{STAGE}-dead-letters-visible")  # provision's own
        cloudwatch.delete_alarms(AlarmNames=created)
    for wanted in (
        "dead-letters-visible",
        "failure-rate",
        "lateness-p99",
        "publisher-errors",
        "publisher-throttles",
        "webhook-queue-age",
        "metrics-backlog",
    ):
        assert f"schedulo-{STAGE}-{wanted}" in {p["AlarmName"] for p in defined.values()}


def test_the_alarms_watch_no_more_metrics_than_cloudwatch_alarms_for_free(topic):
    """CloudWatch bills an alarm by the metrics it watches (a metric math alarm: each one
    in its expression), and an account's first 10 are free: the failure rate and the
    lateness of every network are one metric each, which the sweeper works out."""
    watched = []
    for properties in alarms(topic).values():
        queries = [q for q in properties.get("Metrics", []) if "MetricStat" in q]
        if queries:
            watched += [q["MetricStat"]["Metric"]["MetricName"] for q in queries]
        else:
            watched.append(properties["MetricName"])
    assert len(watched) <= FREE_ALARM_METRICS, watched
    assert {"NetworksFailing", "WorstLatenessP99Seconds"} <= set(watched)


def test_a_publish_through_the_stack_emits_what_the_alarms_watch(client, topic, capfd, monkeypatch):
    from chalicelib.publishing.sweeper import sweep

    monkeypatch.setenv("SCHEDULO_RETRY_BASE_SECONDS", "1")
    with running_sandbox() as sandbox, PublishingWorld(client, sandbox) as world:
        x, linkedin = world.account("x"), world.account("linkedin")
        sandbox.fault("linkedin", "duplicate", 1)
        post_id = world.schedule({x: "x", linkedin: "linkedin"}, "Through the stack")
        item = world.wait_for(post_id)
    assert [t.status for t in item.targets] == ["published", "failed"]
    sweep()  # the per-network alarms' figures, from the publisher's counters
    metrics = emitted(capfd.readouterr().out)
    seen = {
        (m["name"], frozenset((k, v) for k, v in m.items() if k not in ("name", "unit", "value")))
        for m in metrics
    }
    watched = set()
    for properties in alarms(topic).values():
        if properties.get("Namespace") == "Schedulo":
            dims = frozenset((d["Name"], d["Value"]) for d in properties["Dimensions"])
            watched.add((properties["MetricName"], dims))
    service = frozenset({("service", "schedulo-api")})
    expected = {("NetworksFailing", service), ("WorstLatenessP99Seconds", service)}
    assert expected <= watched
    assert expected <= seen
    # The dashboard's per-network figures.
    assert ("PublishFailed", frozenset({("network", "linkedin"), *service})) in seen
    assert ("PostsPublished", frozenset({("network", "x"), *service})) in seen


def test_every_function_of_the_merged_template_is_traced_and_may_write_traces(
    merged_template,  # noqa: F811
):
    template = load_template(merged_template)
    functions = {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert {"Publisher", "WebhookDeliverer", "APIHandler"} <= set(functions)
    for name, properties in functions.items():
        assert properties.get("Tracing") == "Active", name
    for stage in ("dev", "prod"):
        policy = json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())
        actions = {a for s in policy["Statement"] for a in _list(s["Action"])}
        assert {"xray:PutTraceSegments", "xray:PutTelemetryRecords"} <= actions


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
