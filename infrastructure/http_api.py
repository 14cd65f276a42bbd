"""`python -m infrastructure.http_api build/<stage>/sam.yaml`: the packaged template's API
becomes an API Gateway HTTP API (`make package` runs it after `chalice package`).

Chalice deploys a REST API ($3.50 a million requests); an HTTP API costs $1.00 a million
(issue 26: each published post is one API request). The step removes Chalice's RestAPI,
its invoke permission and outputs, and adds an HTTP API whose one `$default` route sends
every request to the API function with payload format 1.0 (the REST API's event shape);
the function's handler becomes `app.api_handler` (chalicelib/api/gateway.py), which finds
the route Chalice dispatches by. The `$default` stage has no path prefix, so CloudFront's
`api` origin (infrastructure/template.yaml) has no origin path: /v1/... arrives as it is.

Running it again on its own output changes nothing.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

HANDLER = "app.api_handler"
# Per second over the stage, below the account's 10,000 and the API function's reserved
# concurrency (docs/SCALE.md): a runaway client is refused with 429 by API Gateway
# before it costs Lambda time.
RATE_LIMIT = 500
BURST_LIMIT = 1000

_REST_REFERENCE = re.compile(r'"RestAPI"|\$\{RestAPI[.}]')


def http_api_resources() -> dict[str, Any]:
    api = {"Ref": "HttpApi"}
    return {
        "HttpApi": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {
                "Name": {"Fn::Sub": "schedulo-${Stage}"},
                "Description": "Schedulo's API: every request to the API function",
                "ProtocolType": "HTTP",
            },
        },
        "HttpApiIntegration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": api,
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": {"Fn::GetAtt": ["APIHandler", "Arn"]},
                "PayloadFormatVersion": "1.0",
                "TimeoutInMillis": 30000,
            },
        },
        "HttpApiDefaultRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": api,
                "RouteKey": "$default",
                "Target": {"Fn::Sub": "integrations/${HttpApiIntegration}"},
            },
        },
        "HttpApiDefaultStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": api,
                "StageName": "$default",
                "AutoDeploy": True,
                "DefaultRouteSettings": {
                    "ThrottlingRateLimit": RATE_LIMIT,
                    "ThrottlingBurstLimit": BURST_LIMIT,
                },
            },
        },
        "APIHandlerInvokePermission": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": "APIHandler"},
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                    "${AWS::AccountId}:${HttpApi}/*"
                },
            },
        },
    }


def http_api_outputs() -> dict[str, Any]:
    return {
        # infrastructure/deploy.py prints it.
        "EndpointURL": {
            "Value": {"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"}
        },
        "HttpApiId": {"Value": {"Ref": "HttpApi"}},
    }


def to_http_api(template: dict[str, Any]) -> dict[str, Any]:
    """The template with an HTTP API in place of Chalice's REST API."""
    resources = template["Resources"]
    if "APIHandler" not in resources:
        raise SystemExit("no APIHandler in the template: is it `chalice package` output?")
    resources.pop("RestAPI", None)
    for name in [
        name
        for name, resource in resources.items()
        if resource["Type"].startswith("AWS::ApiGateway::") and _names_rest_api(resource)
    ]:
        del resources[name]  # REST-only pieces (gateway responses, deployments, ...)
    resources.update(http_api_resources())
    resources["APIHandler"]["Properties"]["Handler"] = HANDLER
    outputs = template.setdefault("Outputs", {})
    outputs.pop("RestAPIId", None)
    outputs.update(http_api_outputs())
    left = [name for name, part in {**resources, **outputs}.items() if _names_rest_api(part)]
    if left:
        raise SystemExit(f"still naming the REST API: {', '.join(sorted(left))}")
    return template


def _names_rest_api(part: Any) -> bool:
    return bool(_REST_REFERENCE.search(json.dumps(part)))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # every value written out, as CloudFormation reads it


def rewrite(path: Path) -> None:
    template = yaml.safe_load(path.read_text())
    path.write_text(yaml.dump(to_http_api(template), Dumper=_Dumper, sort_keys=False))


if __name__ == "__main__":
    rewrite(Path(sys.argv[1]))
