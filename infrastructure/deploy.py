"""`make deploy STAGE=...`: deploy the packaged template and upload the web app.

Needs AWS credentials. Uploads the Lambda bundle to an artifacts bucket, deploys the
merged template with CloudFormation, syncs frontend/dist to the frontend bucket and
prints the URLs.
"""

from __future__ import annotations

import mimetypes
import os
import subprocess
import sys
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent


def main(build_dir: str) -> int:
    stage = os.environ.get("STAGE", "dev")
    stack = f"schedulo-{stage}"
    account = boto3.client("sts").get_caller_identity()["Account"]
    region = boto3.session.Session().region_name
    artifacts = f"schedulo-{stage}-artifacts-{account}-{region}"
    s3 = boto3.client("s3")
    try:
        s3.head_bucket(Bucket=artifacts)
    except s3.exceptions.ClientError:
        options = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        s3.create_bucket(Bucket=artifacts, **options)
    public_url = os.environ.get("PUBLIC_URL") or stack_outputs(stack).get("FrontendUrl", "")
    build = Path(build_dir)
    packaged = build / "packaged.yaml"
    run(
        "aws",
        "cloudformation",
        "package",
        "--template-file",
        str(build / "sam.yaml"),
        "--s3-bucket",
        artifacts,
        "--output-template-file",
        str(packaged),
    )
    kept = previous_signing_key(stage)  # before the deploy removes its old secret
    deploy(packaged, stack, stage, public_url)
    fill_keys(
        stage,
        kept,
        os.environ.get("GOOGLE_CLIENT_SECRET") or None,
        os.environ.get("NETWORK_CREDENTIALS") or None,
    )
    outputs = stack_outputs(stack)
    if not public_url:
        # A first deploy: the distribution's URL exists only now; the functions learn it.
        deploy(packaged, stack, stage, outputs["FrontendUrl"])
    upload_frontend(s3, outputs["FrontendBucketName"])
    print(f"API:     {outputs.get('EndpointURL', '(see the stack outputs)')}")
    print(f"Web app: {outputs['FrontendUrl']}")
    return 0


def deploy(packaged: Path, stack: str, stage: str, public_url: str) -> None:
    run(
        "aws",
        "cloudformation",
        "deploy",
        "--template-file",
        str(packaged),
        "--stack-name",
        stack,
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_NAMED_IAM",
        "CAPABILITY_AUTO_EXPAND",
        "--no-fail-on-empty-changeset",
        "--parameter-overrides",
        f"Stage={stage}",
        f"PublicUrl={public_url}",
        # Google sign-in stays off without it; its secret goes in the app's secret.
        f"GoogleClientId={os.environ.get('GOOGLE_CLIENT_ID', '')}",
    )


def previous_signing_key(stage: str) -> str | None:
    """The JWT signing key of a deployment from before the app's keys shared one secret
    (chalicelib/auth/keyring.py): kept, so that access tokens, unsubscribe and review
    links stay valid."""
    secrets = boto3.client("secretsmanager")
    try:
        value = secrets.get_secret_value(SecretId=f"/schedulo-{stage}/jwt-signing-key")
    except secrets.exceptions.ClientError:
        return None
    return str(value["SecretString"]) or None


def fill_keys(
    stage: str,
    kept: str | None = None,
    google: str | None = None,
    networks_file: str | None = None,
) -> None:
    """The keys CloudFormation left empty in the app's secret (it generates one value a
    secret: the origin-verify key), generated here once: `kept`, or a new random one;
    Google sign-in's client secret when one is given (GOOGLE_CLIENT_SECRET); and the
    networks' client ids and secrets from a JSON file (NETWORK_CREDENTIALS:
    `{"x": {"client_id": ..., "client_secret": ...}, ...}`, merged network by network).
    One secret for all, as Secrets Manager bills per secret."""
    import json
    import secrets as random

    manager = boto3.client("secretsmanager")
    name = f"/schedulo-{stage}/keys"
    keys = json.loads(manager.get_secret_value(SecretId=name)["SecretString"])
    changed = [field for field, value in keys.items() if not value]
    for field in changed:
        keys[field] = kept if field == "jwt_signing_key" and kept else random.token_urlsafe(48)
    if google and keys.get("google_client_secret") != google:
        keys["google_client_secret"] = google
        changed.append("google_client_secret")
    if networks_file:
        given = json.loads(Path(networks_file).read_text())
        networks = {**keys.get("networks", {}), **given}
        if networks != keys.get("networks"):
            keys["networks"] = networks
            changed.append(f"networks ({', '.join(sorted(given))})")
    if changed:
        manager.put_secret_value(SecretId=name, SecretString=json.dumps(keys))
        print(f"Put {', '.join(changed)} in {name}")


def stack_outputs(stack: str) -> dict[str, str]:
    """The stack's outputs; none before its first deploy."""
    cloudformation = boto3.client("cloudformation")
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except cloudformation.exceptions.ClientError:
        return {}
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def upload_frontend(s3, bucket: str) -> None:
    dist = ROOT / "frontend" / "dist"
    for path in dist.rglob("*"):
        if path.is_file():
            key = str(path.relative_to(dist))
            cache = "no-cache" if key == "index.html" else "public, max-age=31536000, immutable"
            s3.upload_file(
                str(path),
                bucket,
                key,
                ExtraArgs={
                    "ContentType": mimetypes.guess_type(key)[0] or "application/octet-stream",
                    "CacheControl": cache,
                },
            )


def run(*command: str) -> None:
    subprocess.run(command, check=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
