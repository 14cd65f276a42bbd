"""The sandbox server: the control API, the feed page, and every registered network."""

from __future__ import annotations

import html
import time

from flask import Flask, jsonify, request

from local.sandbox import networks  # noqa: F401  (registers the networks)
from local.sandbox.framework import REGISTRY
from local.sandbox.sites import register_sites
from local.sandbox.state import FAULT_KINDS, SandboxState


def create_app(state: SandboxState, aws_url: str | None = None) -> Flask:
    """The sandbox; with the embedded AWS's `aws_url`, its Mail page too (/mail)."""
    app = Flask("schedulo-sandbox")
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024**3

    @app.before_request
    def add_latency() -> None:
        prefix = request.path.strip("/").split("/", 1)[0]
        delay = state.latency_ms.get(prefix)
        if delay:
            time.sleep(delay / 1000)

    @app.get("/_control/posts")
    def control_posts():
        posts = state.find_posts(request.args.get("network"), request.args.get("account"))
        return jsonify(posts)

    @app.post("/_control/posts")
    def control_seed_posts():
        """Posts as if published at given times, for analytics history:
        {"network", "account" (the account's external id), "published_at": [epoch, ...]}
        -> {"ids": [...]} (local/sandbox/analytics.py::seed_post)."""
        from local.sandbox.analytics import seed_post

        body = request.get_json(force=True, silent=True) or {}
        network, account, times = body.get("network"), body.get("account"), body.get("published_at")
        if network not in REGISTRY:
            return jsonify(error=f"unknown network {network!r}"), 400
        if not isinstance(account, str) or not account:
            return jsonify(error="account must be the account's external id"), 400
        if not isinstance(times, list) or not all(isinstance(t, int | float) for t in times):
            return jsonify(error="published_at must be a list of epoch seconds"), 400
        return jsonify(ids=[seed_post(state, network, account, float(t)) for t in times])

    @app.post("/_control/faults")
    def control_faults():
        body = request.get_json(force=True, silent=True) or {}
        network, kind = body.get("network"), body.get("kind")
        count = body.get("count", 1)
        if network not in REGISTRY:
            return jsonify(error=f"unknown network {network!r}"), 400
        if kind not in FAULT_KINDS:
            return jsonify(error=f"kind must be one of {', '.join(FAULT_KINDS)}"), 400
        if not isinstance(count, int) or count < 1:
            return jsonify(error="count must be a positive integer"), 400
        # "calls": "metrics" aims the fault at the network's analytics calls instead of
        # its publishing ones (local/sandbox/analytics.py).
        calls = body.get("calls", "publish")
        if calls not in ("publish", "metrics"):
            return jsonify(error="calls must be publish or metrics"), 400
        state.add_fault(network if calls == "publish" else f"{network}/metrics", kind, count)
        return jsonify(ok=True)

    @app.post("/_control/latency")
    def control_latency():
        body = request.get_json(force=True, silent=True) or {}
        network, ms = body.get("network"), body.get("ms")
        if network not in REGISTRY:
            return jsonify(error=f"unknown network {network!r}"), 400
        if not isinstance(ms, int) or ms < 0:
            return jsonify(error="ms must be a non-negative integer"), 400
        state.set_latency(network, ms)
        return jsonify(ok=True)

    @app.post("/_control/reset")
    def control_reset():
        state.reset()
        return jsonify(ok=True)

    @app.get("/_avatars/<network>/<name>.svg")
    def avatar(network: str, name: str):
        initial = html.escape((name[:1] or "?").upper())
        svg = (
            "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'>"
            "<rect width='64' height='64' rx='32' fill='#4b3fd6'/>"
            "<text x='32' y='41' font-size='28' text-anchor='middle' fill='white' "
            f"font-family='sans-serif'>{initial}</text></svg>"
        )
        return svg, 200, {"Content-Type": "image/svg+xml", "Cache-Control": "max-age=3600"}

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    @app.get("/")
    def feed():
        return _feed_page(state)

    if aws_url:
        from local.sandbox.mail import register_mail_page

        register_mail_page(app, aws_url)
    register_sites(app)
    for network in REGISTRY.values():
        app.register_blueprint(network.build(state), url_prefix=f"/{network.network_id}")
    from local.sandbox import oidc

    app.register_blueprint(oidc.build(state), url_prefix=f"/{oidc.PREFIX}")
    return app


def _feed_page(state: SandboxState) -> str:
    rows = []
    for post in reversed(state.find_posts()):
        media = ", ".join(
            f"{m.get('type')} {m.get('width', '')}x{m.get('height', '')}" for m in post["media"]
        )
        rows.append(
            "<article class='post'>"
            f"<header><strong>{html.escape(post['network'])}</strong> · "
            f"{html.escape(str(post['account']))} · "
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(post['received_at']))} UTC</header>"
            f"<p>{html.escape(post['text'] or '')}</p>"
            + (f"<small>media: {html.escape(media)}</small>" if media else "")
            + (
                f"<small> · reply to {html.escape(str(post['reply_to']))}</small>"
                if post["reply_to"]
                else ""
            )
            + "</article>"
        )
    networks_list = ", ".join(sorted(REGISTRY)) or "none yet"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sandbox feed</title>"
        "<style>body{font-family:system-ui;max-width:760px;margin:2rem auto;padding:0 1rem}"
        ".post{border:1px solid #ddd;border-radius:8px;padding:.75rem;margin:.5rem 0}"
        "p{white-space:pre-wrap}</style></head><body>"
        f"<h1>Sandbox feed</h1><p>Networks: {html.escape(networks_list)}</p>"
        + ("".join(rows) or "<p>Nothing published yet.</p>")
        + "</body></html>"
    )
