"""The deployable template: Chalice's app merged with infrastructure/, linted, and
holding every resource the code names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chalicelib.settings import settings_from
from local.cfn_yaml import load_template

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def merged_template(tmp_path_factory) -> Path:
    """`make package` on a copy of the app: `chalice package --merge-template`, then
    infrastructure/http_api.py (the REST API made an HTTP API) and infrastructure/
    bytecode.py (the package's bytecode).

    The copy has an empty requirements.txt so that packaging downloads nothing (tests
    never reach the internet); the template does not depend on the vendored wheels.
    """
    work = tmp_path_factory.mktemp("package")
    for name in ("app.py", "chalicelib", ".chalice", "infrastructure"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, work / name)
    (work / "requirements.txt").write_text("")
    out = work / "build"
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run(
        [
            str(chalice),
            "package",
            "--stage",
            "dev",
            "--pkg-format",
            "cloudformation",
            "--template-format",
            "yaml",
            "--merge-template",
            "infrastructure/template.yaml",
            str(out),
        ],
        cwd=work,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "infrastructure.http_api", str(out / "sam.yaml")],
        cwd=work,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "infrastructure.bytecode", str(out)],
        cwd=work,
        check=True,
        capture_output=True,
    )
    return out / "sam.yaml"


# cfn-lint's Lambda runtime lifecycle rules compare AWS's deprecation dates with today's
# date: they would turn this test red on a date, not on a change (python3.11 is deprecated
# on 2027-06-30; moving to a newer runtime is a decision of its own).
RUNTIME_LIFECYCLE_RULES = ("E2531", "E2533", "W2531")


def test_merged_template_passes_cfn_lint(merged_template):
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--ignore-checks",
            *RUNTIME_LIFECYCLE_RULES,
            "--",
            str(merged_template),
        ],
        capture_output=True,
        text=True,
    )
    errors = [line for line in result.stdout.splitlines() if line.startswith("E")]
    assert not errors, result.stdout


def test_merged_template_has_the_app_and_the_infrastructure(merged_template):
    resources = yaml.safe_load(
        merged_template.read_text().replace("!", "")  # short tags do not matter here
    )["Resources"]
    assert "Publisher" in resources and "APIHandler" in resources
    assert "PostsTable" in resources and "DeadLetterQueue" in resources


def test_every_function_learns_the_public_url(merged_template):
    template = yaml.safe_load(merged_template.read_text().replace("!", ""))
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["SCHEDULO_PUBLIC_URL"] in ({"Ref": "PublicUrl"}, "Ref PublicUrl")
    # Globals reach SAM's functions only: every Lambda function of the app is one.
    types = [r["Type"] for r in template["Resources"].values()]
    assert "AWS::Serverless::Function" in types and "AWS::Lambda::Function" not in types


def _names(resource_type: str, name_key: str) -> set[str]:
    template = load_template()
    names = set()
    for resource in template["Resources"].values():
        if resource["Type"] == resource_type:
            name = resource["Properties"][name_key]
            names.add(name["Fn::Sub"] if isinstance(name, dict) else name)
    return {
        n.replace("${Stage}", "dev").replace("${AWS::AccountId}", "123456789012") for n in names
    }


def test_every_table_the_code_names_is_in_the_template():
    settings = settings_from({"SCHEDULO_STAGE": "dev"})
    assert set(settings.tables.model_dump().values()) <= _names("AWS::DynamoDB::Table", "TableName")


def test_every_bucket_queue_and_group_the_code_names_is_in_the_template():
    settings = settings_from({"SCHEDULO_STAGE": "dev"})
    assert settings.media_bucket in _names("AWS::S3::Bucket", "BucketName")
    queue = settings.dead_letter_queue_arn.rsplit(":", 1)[-1]
    assert queue in _names("AWS::SQS::Queue", "QueueName")
    assert settings.schedule_group in _names("AWS::Scheduler::ScheduleGroup", "Name")
    assert settings.kms_key_id in _names("AWS::KMS::Alias", "AliasName")
    role = settings.scheduler_role_arn.rsplit("/", 1)[-1]
    assert role in _names("AWS::IAM::Role", "RoleName")


def test_tables_are_on_demand_with_point_in_time_recovery():
    for name, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        if "TimeToLiveSpecification" not in props or name in (
            "InvitationsTable",
            "ImportsTable",
            "NotificationsTable",
        ):
            assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name


def test_dead_letter_queue_keeps_messages_14_days_and_is_alarmed():
    resources = load_template()["Resources"]
    assert resources["DeadLetterQueue"]["Properties"]["MessageRetentionPeriod"] == 1209600
    alarm = resources["DeadLetterAlarm"]["Properties"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["AlarmActions"] == [{"Ref": "OperatorsTopic"}]


def test_the_api_is_an_http_api_sending_every_request_to_the_api_function(merged_template):
    """Cost (issue 26): an HTTP API request is $1.00 a million, a REST API one $3.50.
    One $default route, payload format 1.0 (the REST event shape), to the API function,
    whose handler finds the route (chalicelib/api/gateway.py); nothing of the REST API
    is left."""
    import app
    from chalicelib.api.gateway import HttpApiHandler

    template = yaml.safe_load(merged_template.read_text())
    resources = template["Resources"]
    types = {name: r["Type"] for name, r in resources.items()}
    assert "RestAPI" not in resources and "RestAPI" not in merged_template.read_text()
    assert not [t for t in types.values() if t.startswith("AWS::ApiGateway::")]
    assert "AWS::Serverless::Api" not in types.values()

    api = resources["HttpApi"]
    assert api["Type"] == "AWS::ApiGatewayV2::Api"
    assert api["Properties"]["ProtocolType"] == "HTTP"
    [integration] = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Integration"]
    assert integration["Properties"] == {
        "ApiId": {"Ref": "HttpApi"},
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": {"Fn::GetAtt": ["APIHandler", "Arn"]},
        "PayloadFormatVersion": "1.0",
        "TimeoutInMillis": 30000,
    }
    [route] = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Route"]
    assert route["Properties"]["RouteKey"] == "$default"
    assert route["Properties"]["Target"] == {"Fn::Sub": "integrations/${HttpApiIntegration}"}
    [stage] = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    assert stage["Properties"]["StageName"] == "$default" and stage["Properties"]["AutoDeploy"]
    throttling = stage["Properties"]["DefaultRouteSettings"]
    assert 0 < throttling["ThrottlingRateLimit"] <= throttling["ThrottlingBurstLimit"] < 10_000

    [permission] = [r for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
    assert permission["Properties"]["FunctionName"] == {"Ref": "APIHandler"}
    assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
    assert ":${HttpApi}/*" in permission["Properties"]["SourceArn"]["Fn::Sub"]

    handler = resources["APIHandler"]["Properties"]["Handler"]
    module, name = handler.split(".")
    assert module == "app" and isinstance(getattr(app, name), HttpApiHandler)
    # infrastructure/deploy.py prints the API's URL from this output.
    outputs = template["Outputs"]
    assert "${HttpApi}" in outputs["EndpointURL"]["Value"]["Fn::Sub"]
    assert "EndpointURL" in (ROOT / "infrastructure" / "deploy.py").read_text()


def test_cloudfront_sends_the_api_paths_to_the_http_api_as_they_are(merged_template):
    """The $default stage has no path prefix (a REST API's stage had one: /api), so the
    api origin has no origin path and /v1/... reaches the function as /v1/..."""
    resources = yaml.safe_load(merged_template.read_text())["Resources"]
    config = resources["FrontendDistribution"]["Properties"]["DistributionConfig"]
    [origin] = [o for o in config["Origins"] if o["Id"] == "api"]
    assert origin["DomainName"] == {
        "Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert not origin.get("OriginPath")
    [header] = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Schedulo-Origin-Verify"


def test_making_the_http_api_again_changes_nothing(merged_template, tmp_path):
    """`make package` may run the step on its own output."""
    again = tmp_path / "sam.yaml"
    shutil.copy(merged_template, again)
    subprocess.run(
        [sys.executable, "-m", "infrastructure.http_api", str(again)], cwd=ROOT, check=True
    )
    assert again.read_text() == merged_template.read_text()


def test_media_bucket_cors_allows_only_the_web_app_origin():
    bucket = load_template()["Resources"]["MediaBucket"]["Properties"]
    for rule in bucket["CorsConfiguration"]["CorsRules"]:
        assert rule["AllowedOrigins"] == [{"Fn::Sub": "https://${FrontendDistribution.DomainName}"}]


def test_the_web_app_is_served_with_the_security_headers_of_the_local_stack():
    from chalicelib.api.security_headers import web_app_csp

    resources = load_template()["Resources"]
    behavior = resources["FrontendDistribution"]["Properties"]["DistributionConfig"][
        "DefaultCacheBehavior"
    ]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "WebAppSecurityHeaders"}
    config = resources["WebAppSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    bucket = "https://schedulo-${Stage}-media-${AWS::AccountId}"
    media = [f"{bucket}.s3.amazonaws.com", f"{bucket}.s3.${{AWS::Region}}.amazonaws.com"]
    csp = headers["ContentSecurityPolicy"]
    assert csp["ContentSecurityPolicy"] == {"Fn::Sub": web_app_csp(media)}
    assert csp["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "same-origin"


def test_the_api_is_on_the_web_app_origin_and_its_errors_reach_the_app_unchanged():
    from chalicelib.api.security_headers import API_HEADERS

    resources = load_template()["Resources"]
    config = resources["FrontendDistribution"]["Properties"]["DistributionConfig"]
    [api] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    assert api["TargetOriginId"] == "api" and "POST" in api["AllowedMethods"]
    assert api["ResponseHeadersPolicyId"] == {"Ref": "ApiSecurityHeaders"}
    # SPA routes by a viewer-request function, not by rewriting every 403/404 (which
    # would turn the API's own 403 and 404 answers into index.html).
    assert "CustomErrorResponses" not in config
    policy = resources["ApiSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp == API_HEADERS["Content-Security-Policy"]


def test_a_deploy_can_turn_google_sign_in_on(merged_template):
    """Google sign-in (issue 23): the client id is a parameter every function gets (empty:
    sign-in with Google stays off), the client secret a field of the app's secret at the
    name the code reads, put by the deploy, and readable by the functions' role."""
    import json

    template = load_template()
    parameter = template["Parameters"]["GoogleClientId"]
    assert parameter["Type"] == "String" and parameter["Default"] == ""
    merged = yaml.safe_load(merged_template.read_text().replace("!", ""))
    variables = merged["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["SCHEDULO_GOOGLE_CLIENT_ID"] in (
        {"Ref": "GoogleClientId"},
        "Ref GoogleClientId",
    )

    # Its client secret: a field of the app's one secret of keys (Secrets Manager bills per
    # secret), put by `make deploy GOOGLE_CLIENT_SECRET=...`, never in the template.
    [secret] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::SecretsManager::Secret"
    ]
    assert secret["Properties"]["Name"] == {"Fn::Sub": "/schedulo-${Stage}/keys"}
    assert "google" not in json.dumps(secret["Properties"]["GenerateSecretString"])
    assert "SecretString" not in secret["Properties"]
    deploy = (ROOT / "infrastructure" / "deploy.py").read_text()
    assert 'os.environ.get("GOOGLE_CLIENT_SECRET")' in deploy
    for stage in ("dev", "prod"):
        settings = settings_from({"SCHEDULO_STAGE": stage, "SCHEDULO_GOOGLE_CLIENT_ID": "x"})
        assert settings.google_client_secret_name == f"/schedulo-{stage}/keys"
        policy = json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())
        readable = [
            resource
            for statement in policy["Statement"]
            if "secretsmanager:GetSecretValue" in statement["Action"]
            for resource in statement["Resource"]
        ]
        assert f"arn:aws:secretsmanager:*:*:secret:/schedulo-{stage}/*" in readable
    assert "GoogleClientId=" in (ROOT / "infrastructure" / "deploy.py").read_text()


def test_one_kms_key_and_one_secret_and_the_services_use_the_key_only_for_their_topics():
    """Idle cost (issue 26): one KMS key ($1 a month each) for the token vault and the two
    SNS topics, one secret for the app's keys. CloudWatch and SES publish to the topics,
    and may use the key only with a topic's encryption context: never to unwrap a vault
    data key (which has none)."""
    template = load_template()
    resources = template["Resources"]
    assert [n for n, r in resources.items() if r["Type"] == "AWS::KMS::Key"] == ["TokenKey"]
    secrets = [r for r in resources.values() if r["Type"] == "AWS::SecretsManager::Secret"]
    assert len(secrets) == 1
    topics = {
        r["Properties"]["TopicName"]["Fn::Sub"]: r
        for r in resources.values()
        if r["Type"] == "AWS::SNS::Topic"
    }
    assert {t["Properties"]["KmsMasterKeyId"]["Ref"] for t in topics.values()} == {"TokenKey"}
    statements = resources["TokenKey"]["Properties"]["KeyPolicy"]["Statement"]
    [services] = [s for s in statements if "Service" in s["Principal"]]
    contexts = services["Condition"]["StringEquals"]["kms:EncryptionContext:aws:sns:topicArn"]
    named = {c["Fn::Sub"].rsplit(":", 1)[1] for c in contexts}
    assert named == set(topics)
    assert set(services["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def _merged_functions(merged_template: Path) -> tuple[dict, dict[str, dict]]:
    """The merged template's Globals.Function and every Lambda function's properties."""
    template = yaml.safe_load(merged_template.read_text().replace("!", ""))
    functions = {
        name: resource.get("Properties", {})
        for name, resource in template["Resources"].items()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }
    return template["Globals"]["Function"], functions


def test_every_function_runs_on_arm64(merged_template):
    """Cost (issue 26): Graviton's GB-second is 20 % cheaper at the same request price.
    Chalice writes the architecture on each of its functions; a function of the
    infrastructure template would have to say it too (SAM would append a Globals list to
    the function's own, so Globals cannot)."""
    from chalice.config import Config

    globals_, functions = _merged_functions(merged_template)
    assert {"APIHandler", "Publisher", "Sweeper", "Collector"} <= set(functions)
    assert len(functions) >= 10
    for name, properties in functions.items():
        assert properties.get("Architectures") == ["arm64"], name
    assert "Architectures" not in globals_
    # The packaged stage is dev; the setting is the app's, for every stage.
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in config["stages"]:
        assert Config(chalice_stage=stage, config_from_disk=config).lambda_architecture == "arm64"


def test_every_function_logs_json_without_the_platform_lines(merged_template):
    """Lambda's advanced logging controls on every function: JSON, the app's lines from
    INFO up, the platform's from WARN up (no START, END and REPORT lines)."""
    globals_, functions = _merged_functions(merged_template)
    assert globals_["LoggingConfig"] == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "WARN",
    }
    for name, properties in functions.items():
        assert "LoggingConfig" not in properties, name  # would replace a part of Globals'


RFC_3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


@pytest.mark.parametrize("level", ["INFO", "WARN"])
def test_the_app_logs_what_lambda_filters_by_level(merged_template, level):
    """Lambda sets AWS_LAMBDA_LOG_LEVEL to the ApplicationLogLevel and reads each JSON
    line's "level" (with an RFC 3339 "timestamp", else it files the line as INFO). The
    app's logger, in a fresh interpreter as in a new container, follows the level Lambda
    sets: the template's INFO keeps the app's INFO lines; WARN would drop them."""
    globals_, _ = _merged_functions(merged_template)
    assert globals_["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    code = (
        "from chalicelib.observability import logger\n"
        "logger.debug('debug line')\n"
        "logger.info('info line')\n"
        "logger.error('error line')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_LOG", "LOG_"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "AWS_LAMBDA_LOG_LEVEL": level, "AWS_LAMBDA_LOG_FORMAT": "JSON"},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    expected = ["info line", "error line"] if level == "INFO" else ["error line"]
    assert [line["message"] for line in lines] == expected
    for line in lines:
        assert line["level"] == line["message"].split()[0].upper()
        assert RFC_3339.fullmatch(line["timestamp"]), line["timestamp"]


def test_the_package_carries_bytecode_for_every_module_that_python_need_not_check(
    merged_template,
):
    """Lambda cannot write a cache: each module's bytecode is in the package, hash-based
    and unchecked, and matches the source beside it; no timestamp-checked bytecode (stale:
    Chalice dates every file 1980-01-01) is left."""
    import importlib.util
    import zipfile

    from infrastructure.bytecode import cached_name

    with zipfile.ZipFile(merged_template.parent / "deployment.zip") as package:
        names = set(package.namelist())
        sources = [n for n in names if n.endswith(".py")]
        assert "app.py" in sources and "chalicelib/settings.py" in sources
        for source in sources:
            code = package.read(cached_name(source))
            assert int.from_bytes(code[4:8], "little") == 0b01  # hash-based, unchecked
            assert code[8:16] == importlib.util.source_hash(package.read(source)), source
        pycs = {n for n in names if n.endswith(".pyc")}
        assert pycs == {cached_name(s) for s in sources}


def test_modules_load_from_the_packaged_bytecode_without_reading_their_sources(
    merged_template, tmp_path
):
    import zipfile

    with zipfile.ZipFile(merged_template.parent / "deployment.zip") as package:
        package.extractall(tmp_path)
    # Were the source read or compiled, importing it would fail.
    (tmp_path / "chalicelib" / "errors.py").write_text("raise RuntimeError('source read')\n")
    loaded = subprocess.run(
        [
            sys.executable,
            "-B",
            "-c",
            "import chalicelib.errors as e; print(e.__file__, e.NotFound.status)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == [str(tmp_path / "chalicelib" / "errors.py"), "404"]
