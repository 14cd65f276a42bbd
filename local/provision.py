"""Create the infrastructure template's resources in the embedded AWS (moto).

The template is deployed through moto's CloudFormation; the few resource types moto's
CloudFormation lacks are created directly (scheduler group, alarm) or have no local
meaning and are left out (CloudFront, bucket and queue policies, e-mail subscription).
The media bucket's CORS allows the local web app's origin (`SCHEDULO_FRONTEND_ORIGIN`)
where the template names the CloudFront distribution.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import boto3

from chalicelib.settings import get_settings
from local.cfn_yaml import load_template

DIRECT = {"AWS::Scheduler::ScheduleGroup", "AWS::CloudWatch::Alarm", "AWS::SecretsManager::Secret"}
NOT_LOCAL = {
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


def local_template(stage: str) -> dict[str, Any]:
    """The template less what moto's CloudFormation cannot create."""
    template = load_template()
    resources = {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] not in DIRECT | NOT_LOCAL
    }
    for resource in resources.values():
        resource.pop("Condition", None)
    # It names the CloudFront distribution; `_put_media_cors` sets the local one.
    resources["MediaBucket"]["Properties"].pop("CorsConfiguration", None)
    return {
        "AWSTemplateFormatVersion": template["AWSTemplateFormatVersion"],
        "Parameters": template["Parameters"],
        "Resources": resources,
    }


def _put_media_cors(s3: Any, stage: str) -> None:
    """The template's CORS rules of the media bucket (moto's CloudFormation drops them),
    with the local web app's origin where the template names the CloudFront one: browsers
    upload and read from that origin only."""
    settings = get_settings()
    bucket = load_template()["Resources"]["MediaBucket"]["Properties"]
    # The stage's bucket as the template names it (the settings may be another stage's).
    name = bucket["BucketName"]["Fn::Sub"].replace("${Stage}", stage)
    name = name.replace("${AWS::AccountId}", settings.account_id)
    rules = [
        {
            "AllowedMethods": rule["AllowedMethods"],
            "AllowedOrigins": [settings.frontend_origin.rstrip("/")],
            "AllowedHeaders": rule.get("AllowedHeaders", []),
            "ExposeHeaders": rule.get("ExposedHeaders", []),
            "MaxAgeSeconds": rule.get("MaxAge", 0),
        }
        for rule in bucket["CorsConfiguration"]["CorsRules"]
    ]
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})


def provision(session: boto3.session.Session, stage: str, endpoint_url: str | None = None) -> None:
    """Deploy the stack for `stage` and create what CloudFormation could not."""

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint_url)

    cfn = client("cloudformation")
    stack = f"schedulo-{stage}"
    cfn.create_stack(
        StackName=stack,
        TemplateBody=json.dumps(local_template(stage)),
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    _wait_for(cfn, stack)
    _create_secrets(client("secretsmanager"), stage)
    _put_media_cors(client("s3"), stage)
    for resource in load_template()["Resources"].values():  # the posts' and the metrics'
        if resource["Type"] == "AWS::Scheduler::ScheduleGroup":
            name = resource["Properties"]["Name"]["Fn::Sub"].replace("${Stage}", stage)
            client("scheduler").create_schedule_group(Name=name)
    queue_name = f"schedulo-{stage}-dead-letters"
    topics = client("sns").list_topics()["Topics"]
    topic = next(
        t["TopicArn"] for t in topics if t["TopicArn"].endswith(f"schedulo-{stage}-operators")
    )
    client("cloudwatch").put_metric_alarm(
        AlarmName=f"schedulo-{stage}-dead-letters-visible",
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": queue_name}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )


def _create_secrets(secretsmanager: Any, stage: str) -> None:
    """The template's generated secrets (moto's CloudFormation cannot generate them)."""
    for resource in load_template()["Resources"].values():
        if resource["Type"] != "AWS::SecretsManager::Secret":
            continue
        props = resource["Properties"]
        if "GenerateSecretString" not in props:
            continue  # one the operator fills (Google's client secret): none locally
        name = props["Name"]["Fn::Sub"].replace("${Stage}", stage)
        generate = props["GenerateSecretString"]
        length = generate["PasswordLength"]
        if "GenerateStringKey" not in generate:
            secretsmanager.create_secret(Name=name, SecretString=_generated(length))
            continue
        # A JSON object: the generated key, and the empty keys `make deploy` fills.
        keys = json.loads(generate.get("SecretStringTemplate", "{}"))
        keys[generate["GenerateStringKey"]] = ""
        keys = {k: v or _generated(length) for k, v in keys.items()}
        secretsmanager.create_secret(Name=name, SecretString=json.dumps(keys))


def _generated(length: int) -> str:
    return secrets.token_urlsafe(length)[:length]


def _wait_for(cfn: Any, stack: str) -> None:
    for _ in range(200):
        status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        if status.endswith("_COMPLETE") and "ROLLBACK" not in status:
            return
        if "FAILED" in status or "ROLLBACK" in status:
            events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
            reasons = [
                e.get("ResourceStatusReason") for e in events if e.get("ResourceStatusReason")
            ]
            raise RuntimeError(f"stack {stack} failed: {status}: {reasons[:3]}")
        time.sleep(0.05)
    raise TimeoutError(f"stack {stack} not created")
