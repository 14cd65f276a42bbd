from chalicelib.settings import settings_from


def test_names_follow_the_stage():
    settings = settings_from({"SCHEDULO_STAGE": "prod"})
    assert settings.tables.posts == "schedulo-prod-posts"
    assert settings.schedule_group == "schedulo-prod-posts"
    assert settings.publisher_arn.endswith(":function:schedulo-prod-publisher")


def test_each_name_can_be_overridden():
    settings = settings_from({"SCHEDULO_TABLE_POSTS": "custom-posts", "SCHEDULO_MEDIA_BUCKET": "b"})
    assert settings.tables.posts == "custom-posts"
    assert settings.media_bucket == "b"


def test_network_urls_point_at_the_sandbox_unless_overridden():
    settings = settings_from(
        {
            "SCHEDULO_SANDBOX_URL": "http://127.0.0.1:8100",
            "SCHEDULO_NETWORK_URL_X_AUTH": "http://auth",
        }
    )
    assert settings.network_url("x", "api", "https://api.x.com") == "http://127.0.0.1:8100/x"
    assert settings.network_url("x", "auth", "https://x.com") == "http://auth"
    plain = settings_from({})
    assert plain.network_url("x", "api", "https://api.x.com/") == "https://api.x.com"


def test_the_public_url_is_the_web_app_origin_and_the_api_base_when_deployed():
    deployed = settings_from({"SCHEDULO_PUBLIC_URL": "https://d111.cloudfront.net"})
    assert deployed.frontend_origin == deployed.api_base_url == "https://d111.cloudfront.net"
    local = settings_from({"SCHEDULO_PORT": "8123"})
    assert local.frontend_origin == local.api_base_url == "http://127.0.0.1:8123"
