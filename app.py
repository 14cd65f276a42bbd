"""Schedulo: the Chalice app. A table of contents: blueprints, middleware, event handlers."""

from chalice import Chalice, Rate

from chalicelib.api.accounts import accounts
from chalicelib.api.admin import admin
from chalicelib.api.ai import ai
from chalicelib.api.analytics import analytics
from chalicelib.api.approvals import approvals
from chalicelib.api.auth import auth
from chalicelib.api.billing import billing
from chalicelib.api.collaboration import collaboration
from chalicelib.api.gateway import HttpApiHandler
from chalicelib.api.imports import imports
from chalicelib.api.library import library
from chalicelib.api.media import media
from chalicelib.api.members import members
from chalicelib.api.meta import meta
from chalicelib.api.middleware import event_middleware, http_middleware
from chalicelib.api.networks import networks
from chalicelib.api.notification_preferences import notification_preferences
from chalicelib.api.notifications import notifications
from chalicelib.api.oidc import oidc
from chalicelib.api.plans import plans
from chalicelib.api.posts import posts
from chalicelib.api.publishing import publishing
from chalicelib.api.queue import queue
from chalicelib.api.review_links import review_links
from chalicelib.api.sessions import sessions
from chalicelib.api.short_links import short_links
from chalicelib.api.two_factor import two_factor
from chalicelib.api.webhooks import webhooks
from chalicelib.api.workspaces import workspaces
from chalicelib.settings import get_settings

# Chalice's own log handler stays off: Powertools Logger writes one JSON line per request.
app = Chalice(app_name="schedulo", configure_logs=False)
# The analytics report: API Gateway passes it through as bytes (clients send Accept:
# application/pdf); every other response is text.
app.api.binary_types = ["application/pdf"]

app.register_middleware(http_middleware, "http")
for event_type in ("pure_lambda", "scheduled", "sqs", "sns"):
    app.register_middleware(event_middleware, event_type)

app.register_blueprint(meta)
app.register_blueprint(auth)
app.register_blueprint(sessions)
app.register_blueprint(oidc)
app.register_blueprint(two_factor)
app.register_blueprint(workspaces)
app.register_blueprint(members)
app.register_blueprint(networks)
app.register_blueprint(posts)
app.register_blueprint(queue)
app.register_blueprint(approvals)
app.register_blueprint(media)
app.register_blueprint(accounts)
app.register_blueprint(notifications)
app.register_blueprint(notification_preferences)
app.register_blueprint(publishing)
app.register_blueprint(imports)
app.register_blueprint(webhooks)
app.register_blueprint(library)
app.register_blueprint(review_links)
app.register_blueprint(short_links)
app.register_blueprint(collaboration)
app.register_blueprint(admin)
app.register_blueprint(analytics)
app.register_blueprint(billing)
app.register_blueprint(plans)
app.register_blueprint(ai)

# The API Lambda's handler: the deployed HTTP API's one $default route sends it every
# request without Chalice's route template (infrastructure/http_api.py sets it).
api_handler = HttpApiHandler(app)


@app.lambda_function(name="publisher")
def publisher(event, context):
    """Invoked by a post's one-time schedule with {workspace_id, post_id, version}."""
    from chalicelib.publishing.handler import handle_invocation

    return handle_invocation(event)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="sweeper")
def sweeper(event):
    """Arm posts never armed; publish posts overdue that no invocation reached."""
    from chalicelib.publishing.sweeper import sweep

    sweep()


@app.lambda_function(name="import_worker")
def import_worker(event, context):
    """A bulk import's background job: {workspace_id, import_id, job: validate|commit}."""
    from chalicelib.imports.service import run_job

    run_job(event)


@app.lambda_function(name="billing_worker")
def billing_worker(event, context):
    """A Stripe event acknowledged by the webhook, applied: {event_id}."""
    from chalicelib.billing.service import run_event

    run_event(event)


@app.lambda_function(name="plan_worker")
def plan_worker(event, context):
    """A content plan's generation: {workspace_id, plan_id} (chalicelib/plans/service.py)."""
    from chalicelib.plans.service import run_job

    run_job(event)


@app.lambda_function(name="digest")
def digest(event, context):
    """A member's digest email: {workspace_id, user_id, version, due} (chalicelib/notify)."""
    from chalicelib.notify.digest import handle

    return handle(event)


@app.on_sns_message(topic=get_settings().email_feedback_topic, name="email_feedback")
def email_feedback(event):
    """SES bounces and complaints (the configuration set's topic): addresses suppressed."""
    from chalicelib.notify.feedback import handle_message

    handle_message(event.message)


@app.schedule(Rate(1, unit=Rate.HOURS), name="refresh-tokens")
def refresh_tokens(event):
    """Refresh network tokens that expire within a day; flag those that cannot be."""
    from chalicelib.oauth.health import refresh_expiring_tokens

    refresh_expiring_tokens()


@app.schedule(Rate(1, unit=Rate.HOURS), name="billing-sweep")
def billing_sweep(event):
    """What time alone changes in billing: sign-up trials that ended (accounts past Free's
    limit paused), grace periods that ran out (owners told)."""
    from chalicelib.billing.service import sweep

    sweep()


@app.on_sqs_message(
    queue=get_settings().webhook_queue_name, batch_size=10, name="webhook_deliverer"
)
def webhook_deliverer(event):
    """Outgoing webhooks: one signed attempt per message; retries are queued again."""
    from chalicelib.webhooks.delivery import handle_sqs_event

    handle_sqs_event(list(event))


@app.lambda_function(name="collector")
def collector(event, context):
    """Analytics: a bucket's schedule `{bucket}` (every refresh due), or `{followers}`."""
    from chalicelib.analytics.collection import handle_collector

    return handle_collector(event)


@app.schedule(Rate(1, unit=Rate.DAYS), name="collect-followers")
def collect_followers(event):
    """Each connected account's followers of the day; and any refresh left due."""
    from chalicelib.analytics.collection import collect_due
    from chalicelib.analytics.collection import collect_followers as followers

    followers()
    collect_due()


@app.schedule(Rate(1, unit=Rate.DAYS), name="best-times-priors")
def best_times_priors(event):
    """Each network's prior of best times, from every account of it in the deployment."""
    from chalicelib.analytics.service import refresh_network_priors

    refresh_network_priors()
