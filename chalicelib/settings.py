"""One typed settings object, read from the environment once per container.

Every name has a default derived from the stage, so a deployed function only needs
`SCHEDULO_STAGE`; each value can still be overridden one by one.

>>> get_settings().tables.posts
'schedulo-local-posts'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache

from pydantic import ConfigDict

from chalicelib.domain.model import Model

TABLES = (
    "users",
    "workspaces",
    "members",
    "invitations",
    "api_keys",
    "accounts",
    "posts",
    "media",
    "imports",
    "audit",
    "notifications",
    "oauth_state",
    "sessions",
    "idempotency",
    "rate_limits",
    "webhooks",
    "webhook_deliveries",
    "post_timeline",
    "post_comments",
    "post_versions",
    "library",
    "review_links",
    "short_links",
    "metrics",
    "billing",
    "content",
    "email",
)


class TableNames(Model):
    model_config = ConfigDict(frozen=True)

    users: str
    workspaces: str
    members: str
    invitations: str
    api_keys: str
    accounts: str
    posts: str
    media: str
    imports: str
    audit: str
    notifications: str
    oauth_state: str
    sessions: str
    idempotency: str
    rate_limits: str
    webhooks: str
    webhook_deliveries: str
    post_timeline: str
    post_comments: str
    post_versions: str
    library: str
    review_links: str
    short_links: str
    metrics: str
    billing: str
    content: str
    # Email (chalicelib/notify): preferences per member, suppressed addresses.
    email: str


class Settings(Model):
    """What the app needs to know about its environment."""

    model_config = ConfigDict(frozen=True)

    stage: str
    region: str
    account_id: str
    aws_endpoint_url: str | None
    tables: TableNames
    media_bucket: str
    dead_letter_queue_url: str
    dead_letter_queue_arn: str
    schedule_group: str
    scheduler_role_arn: str
    publisher_arn: str
    import_worker_arn: str
    # Applies the Stripe events the webhook acknowledged (chalicelib/billing/service.py).
    billing_worker_arn: str = ""
    # Content plans' generation (chalicelib/plans/service.py), invoked asynchronously.
    plan_worker_arn: str = ""
    # Analytics: the group of the collector's one-time schedules (one per time bucket of
    # due refreshes) and the collector function they invoke.
    metrics_schedule_group: str
    collector_arn: str
    # Bucket invocations Scheduler gave up on (their refreshes stay due in DynamoDB).
    metrics_dead_letter_queue_arn: str
    # The digest emails' function, invoked by one one-time schedule per member
    # (chalicelib/notify/digest.py), in the posts' schedule group.
    digest_arn: str = ""
    # SES: the configuration set whose bounces and complaints go to the feedback topic,
    # and that topic (its Lambda subscriber suppresses the addresses).
    email_configuration_set: str = ""
    email_feedback_topic: str = ""
    kms_key_id: str
    # The app's keys, one Secrets Manager secret (chalicelib/auth/keyring.py).
    keys_secret_name: str = "/schedulo-local/keys"
    jwt_secret_name: str
    # The secret CloudFront sends the API with every request (infrastructure/template.yaml):
    # only then is its CloudFront-Viewer-Address header the viewer's address.
    origin_secret_name: str
    email_sender: str
    frontend_origin: str
    api_base_url: str
    # What a short link's code follows (SCHEDULO_SHORT_LINK_BASE): the API's own /l by
    # default, or a short domain of the business's pointed at the API.
    short_link_base: str
    # When set, every network's API and consent pages are served by the sandbox at
    # <sandbox_url>/<network>; individual overrides still win.
    sandbox_url: str | None
    network_urls: dict[str, str]
    # Media import may fetch from loopback only in the local stack (its own sandbox).
    allow_loopback_fetch: bool
    # Users allowed on Access.OPERATOR endpoints, by user id (SCHEDULO_OPERATOR_USER_IDS,
    # comma-separated). Never by email: sign-up does not prove an address.
    operator_user_ids: frozenset[str] = frozenset()
    # Features in beta in this deployment (SCHEDULO_BETA_FEATURES, comma-separated, e.g.
    # ai_plans): off for a workspace until an operator turns its flag of that name on.
    beta_features: frozenset[str] = frozenset()
    # Sign-ups one source address may attempt per hour (SCHEDULO_SIGNUPS_PER_ADDRESS).
    signups_per_address: int = 10
    # "minimal" hashes passwords at argon2's least cost: for the test suite only, which
    # signs up thousands of users (SCHEDULO_PASSWORD_HASHING; default OWASP's cost).
    password_hashing: str = "owasp"
    max_body_bytes: int = 1_000_000
    # The publisher: attempts per target, how long a claim holds, the first retry's delay,
    # and how late a post may be before the sweeper publishes it.
    publish_max_attempts: int = 5
    publish_lease_seconds: float = 900.0
    retry_base_seconds: float = 30.0
    sweep_grace_seconds: float = 120.0
    # Outgoing webhooks: their delivery queue, the first retry's delay (then doubling, with
    # jitter, capped), how long a delivery is retried, when a failing endpoint is disabled,
    # and how long one call may take.
    webhook_queue_url: str = ""
    webhook_queue_name: str = "schedulo-local-webhooks"
    webhook_retry_base_seconds: float = 10.0
    webhook_retry_cap_seconds: float = 7200.0
    webhook_retry_window_seconds: float = 86400.0
    webhook_disable_after_seconds: float = 3 * 86400.0
    webhook_timeout_seconds: float = 15.0
    # Billing: on only with a Stripe secret key (self-hosted without one: every feature, no
    # limits). The API base is Stripe's unless set (the local stack's emulator).
    stripe_secret_key: str | None = None
    stripe_api_base: str | None = None
    stripe_webhook_secret: str | None = None
    # Days of the plan's trial a new sign-up starts with, no card asked (0: none).
    trial_days: int = 14
    # Writing help and content plans: a Bedrock model id (empty: the offline writer), an
    # optional Bedrock endpoint (a local Converse server in tests), and generations one
    # workspace may ask for per hour.
    ai_model_id: str = ""
    bedrock_endpoint: str | None = None
    ai_generations_per_hour: int = 60

    # Sign in with Google (OpenID Connect, chalicelib/auth/oidc.py): off without a client
    # id; the issuer is Google's unless set (the local stack's sandbox provider).
    google_client_id: str | None = None
    google_client_secret: str | None = None
    # Where the client secret is kept when not given above (Secrets Manager, a plain
    # string), so that it is not in the functions' environment.
    google_client_secret_name: str = "/schedulo-local/keys"
    oidc_issuer: str = "https://accounts.google.com"

    @property
    def billing_enabled(self) -> bool:
        return bool(self.stripe_secret_key)

    def network_url(self, network: str, kind: str, default: str) -> str:
        """The base URL of one of a network's hosts (`kind` is e.g. "api" or "auth")."""
        override = self.network_urls.get(f"{network}.{kind}")
        if override:
            return override.rstrip("/")
        if self.sandbox_url:
            return f"{self.sandbox_url.rstrip('/')}/{network}"
        return default.rstrip("/")

    @property
    def is_local(self) -> bool:
        return self.stage in ("local", "test")


def _network_overrides(env: Mapping[str, str]) -> dict[str, str]:
    """`SCHEDULO_NETWORK_URL_X_API=https://...` becomes `{"x.api": "https://..."}`."""
    prefix = "SCHEDULO_NETWORK_URL_"
    urls = {}
    for name, value in env.items():
        if name.startswith(prefix) and "_" in name[len(prefix) :]:
            network, kind = name[len(prefix) :].lower().rsplit("_", 1)
            urls[f"{network}.{kind}"] = value
    return urls


def _operator_user_ids(env: Mapping[str, str]) -> frozenset[str]:
    """`SCHEDULO_OPERATOR_USER_IDS=u_1,u_2`; the old email list is refused, not ignored, so
    a deployment still naming operators by email learns it at once."""
    if env.get("SCHEDULO_OPERATOR_EMAILS", "").strip():
        raise ValueError(
            "SCHEDULO_OPERATOR_EMAILS is no longer read: anyone can sign up with an address, "
            "so operators are named by user id in SCHEDULO_OPERATOR_USER_IDS (see GET /v1/me)."
        )
    return frozenset(
        u.strip() for u in env.get("SCHEDULO_OPERATOR_USER_IDS", "").split(",") if u.strip()
    )


def _oidc_settings(env: Mapping[str, str]) -> tuple[str | None, str | None, str]:
    """Google sign-in's client id, secret and issuer: SCHEDULO_GOOGLE_CLIENT_ID / _SECRET
    and SCHEDULO_OIDC_ISSUER; with SCHEDULO_SANDBOX_URL (the local stack, the tests) the
    sandbox's provider and client."""
    sandbox = (env.get("SCHEDULO_SANDBOX_URL") or "").rstrip("/")
    issuer = env.get("SCHEDULO_OIDC_ISSUER") or (
        f"{sandbox}/google" if sandbox else "https://accounts.google.com"
    )
    return (
        env.get("SCHEDULO_GOOGLE_CLIENT_ID") or ("schedulo-local" if sandbox else None),
        env.get("SCHEDULO_GOOGLE_CLIENT_SECRET") or ("schedulo-local-secret" if sandbox else None),
        issuer.rstrip("/"),
    )


def settings_from(env: Mapping[str, str]) -> Settings:
    stage = env.get("SCHEDULO_STAGE", "local")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    account = env.get("SCHEDULO_AWS_ACCOUNT_ID", "123456789012")
    prefix = f"schedulo-{stage}"

    def get(name: str, default: str) -> str:
        return env.get(name) or default

    tables = TableNames(
        **{
            table: get(f"SCHEDULO_TABLE_{table.upper()}", f"{prefix}-{table.replace('_', '-')}")
            for table in TABLES
        }
    )
    queue_name = f"{prefix}-dead-letters"
    webhook_queue = f"{prefix}-webhooks"
    endpoint = env.get("AWS_ENDPOINT_URL") or None
    queue_host = endpoint or f"https://sqs.{region}.amazonaws.com"
    port = env.get("SCHEDULO_PORT", "8000")
    # Deployed, the web app and the API share one origin (CloudFront routes /v1/*).
    public_url = env.get("SCHEDULO_PUBLIC_URL") or f"http://127.0.0.1:{port}"
    google_id, google_secret, oidc_issuer = _oidc_settings(env)
    return Settings(
        stage=stage,
        region=region,
        account_id=account,
        aws_endpoint_url=endpoint,
        tables=tables,
        media_bucket=get("SCHEDULO_MEDIA_BUCKET", f"{prefix}-media-{account}"),
        dead_letter_queue_url=get(
            "SCHEDULO_DEAD_LETTER_QUEUE_URL", f"{queue_host}/{account}/{queue_name}"
        ),
        dead_letter_queue_arn=get(
            "SCHEDULO_DEAD_LETTER_QUEUE_ARN", f"arn:aws:sqs:{region}:{account}:{queue_name}"
        ),
        schedule_group=get("SCHEDULO_SCHEDULE_GROUP", f"{prefix}-posts"),
        scheduler_role_arn=get(
            "SCHEDULO_SCHEDULER_ROLE_ARN", f"arn:aws:iam::{account}:role/{prefix}-scheduler"
        ),
        publisher_arn=get(
            "SCHEDULO_PUBLISHER_ARN",
            f"arn:aws:lambda:{region}:{account}:function:{prefix}-publisher",
        ),
        import_worker_arn=get(
            "SCHEDULO_IMPORT_WORKER_ARN",
            f"arn:aws:lambda:{region}:{account}:function:{prefix}-import_worker",
        ),
        billing_worker_arn=get(
            "SCHEDULO_BILLING_WORKER_ARN",
            f"arn:aws:lambda:{region}:{account}:function:{prefix}-billing_worker",
        ),
        plan_worker_arn=get(
            "SCHEDULO_PLAN_WORKER_ARN",
            f"arn:aws:lambda:{region}:{account}:function:{prefix}-plan_worker",
        ),
        metrics_schedule_group=get("SCHEDULO_METRICS_SCHEDULE_GROUP", f"{prefix}-metrics"),
        collector_arn=get(
            "SCHEDULO_COLLECTOR_ARN",
            f"arn:aws:lambda:{region}:{account}:function:{prefix}-collector",
        ),
        metrics_dead_letter_queue_arn=get(
            "SCHEDULO_METRICS_DEAD_LETTER_QUEUE_ARN",
            f"arn:aws:sqs:{region}:{account}:{prefix}-metrics-dead-letters",
        ),
        digest_arn=get(
            "SCHEDULO_DIGEST_ARN", f"arn:aws:lambda:{region}:{account}:function:{prefix}-digest"
        ),
        email_configuration_set=get("SCHEDULO_EMAIL_CONFIGURATION_SET", f"{prefix}-email"),
        email_feedback_topic=get("SCHEDULO_EMAIL_FEEDBACK_TOPIC", f"{prefix}-email-feedback"),
        kms_key_id=get("SCHEDULO_KMS_KEY_ID", f"alias/{prefix}-tokens"),
        # One secret holds the app's keys (chalicelib/auth/keyring.py).
        keys_secret_name=get("SCHEDULO_KEYS_SECRET_NAME", f"/{prefix}/keys"),
        jwt_secret_name=get("SCHEDULO_JWT_SECRET_NAME", f"/{prefix}/keys"),
        origin_secret_name=get("SCHEDULO_ORIGIN_SECRET_NAME", f"/{prefix}/keys"),
        email_sender=get("SCHEDULO_EMAIL_SENDER", "no-reply@schedulo.local"),
        frontend_origin=get("SCHEDULO_FRONTEND_ORIGIN", public_url),
        api_base_url=get("SCHEDULO_API_BASE_URL", public_url),
        short_link_base=get(
            "SCHEDULO_SHORT_LINK_BASE", f"{get('SCHEDULO_API_BASE_URL', public_url)}/l"
        ).rstrip("/"),
        sandbox_url=env.get("SCHEDULO_SANDBOX_URL") or None,
        network_urls=_network_overrides(env),
        allow_loopback_fetch=env.get("SCHEDULO_ALLOW_LOOPBACK_FETCH", "") == "1",
        operator_user_ids=_operator_user_ids(env),
        beta_features=frozenset(
            f.strip() for f in env.get("SCHEDULO_BETA_FEATURES", "").split(",") if f.strip()
        ),
        signups_per_address=int(get("SCHEDULO_SIGNUPS_PER_ADDRESS", "10")),
        password_hashing=get("SCHEDULO_PASSWORD_HASHING", "owasp"),
        max_body_bytes=int(get("SCHEDULO_MAX_BODY_BYTES", "1000000")),
        publish_max_attempts=int(get("SCHEDULO_PUBLISH_MAX_ATTEMPTS", "5")),
        publish_lease_seconds=float(get("SCHEDULO_PUBLISH_LEASE_SECONDS", "900")),
        retry_base_seconds=float(get("SCHEDULO_RETRY_BASE_SECONDS", "30")),
        sweep_grace_seconds=float(get("SCHEDULO_SWEEP_GRACE_SECONDS", "120")),
        webhook_queue_url=get(
            "SCHEDULO_WEBHOOK_QUEUE_URL", f"{queue_host}/{account}/{webhook_queue}"
        ),
        webhook_queue_name=webhook_queue,
        webhook_retry_base_seconds=float(get("SCHEDULO_WEBHOOK_RETRY_BASE_SECONDS", "10")),
        webhook_retry_cap_seconds=float(get("SCHEDULO_WEBHOOK_RETRY_CAP_SECONDS", "7200")),
        webhook_retry_window_seconds=float(get("SCHEDULO_WEBHOOK_RETRY_WINDOW_SECONDS", "86400")),
        webhook_disable_after_seconds=float(
            get("SCHEDULO_WEBHOOK_DISABLE_AFTER_SECONDS", str(3 * 86400))
        ),
        webhook_timeout_seconds=float(get("SCHEDULO_WEBHOOK_TIMEOUT_SECONDS", "15")),
        stripe_secret_key=env.get("SCHEDULO_STRIPE_SECRET_KEY") or None,
        stripe_api_base=env.get("SCHEDULO_STRIPE_API_BASE")
        or (
            f"{env['SCHEDULO_SANDBOX_URL'].rstrip('/')}/stripe"
            if env.get("SCHEDULO_SANDBOX_URL")
            else None
        ),
        stripe_webhook_secret=env.get("SCHEDULO_STRIPE_WEBHOOK_SECRET") or None,
        trial_days=int(get("SCHEDULO_TRIAL_DAYS", "14")),
        google_client_id=google_id,
        google_client_secret=google_secret,
        google_client_secret_name=get("SCHEDULO_GOOGLE_CLIENT_SECRET_NAME", f"/{prefix}/keys"),
        oidc_issuer=oidc_issuer,
        ai_model_id=env.get("SCHEDULO_AI_MODEL_ID", "").strip(),
        bedrock_endpoint=env.get("SCHEDULO_BEDROCK_ENDPOINT") or None,
        ai_generations_per_hour=int(get("SCHEDULO_AI_GENERATIONS_PER_HOUR", "60")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this container (tests call `get_settings.cache_clear()`)."""
    return settings_from(os.environ)
