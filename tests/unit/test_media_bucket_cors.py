"""The provisioned media bucket lets only the web app's origin upload and read from a
browser (the template names CloudFront; local provisioning names the local web app)."""

from __future__ import annotations


def test_the_provisioned_media_bucket_allows_only_the_web_app_origin(aws):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    settings = get_settings()
    rules = client("s3").get_bucket_cors(Bucket=settings.media_bucket)["CORSRules"]
    assert rules and all(rule["AllowedOrigins"] == [settings.frontend_origin] for rule in rules)
    assert all(set(rule["AllowedMethods"]) == {"POST", "GET", "HEAD"} for rule in rules)
