import pytest

from flexpool.config import DEV_SECRET, ConfigError, load


def test_development_defaults():
    s = load({})
    assert s.env == "development" and s.database_url is None and s.jwt_secret == DEV_SECRET and s.port == 8000


def test_production_requires_database_and_identity():
    with pytest.raises(ConfigError) as exc:
        load({"FLEXPOOL_ENV": "production"})
    assert "FLEXPOOL_DATABASE_URL" in str(exc.value) and "FLEXPOOL_OIDC_ISSUER" in str(exc.value)


def test_production_refuses_the_development_secret():
    with pytest.raises(ConfigError):
        load({"FLEXPOOL_ENV": "production", "FLEXPOOL_DATABASE_URL": "postgresql://x/y",
              "FLEXPOOL_JWT_SECRET": DEV_SECRET})


def test_bad_port_is_a_clear_error():
    with pytest.raises(ConfigError, match="FLEXPOOL_PORT"):
        load({"FLEXPOOL_PORT": "eighty"})


def test_cors_origins_are_split():
    assert load({"FLEXPOOL_CORS_ORIGINS": "https://a.nl, https://b.nl"}).cors_origins == ("https://a.nl", "https://b.nl")


def test_pool_size():
    assert load({}).db_pool_size == 20 and load({"FLEXPOOL_DB_POOL_SIZE": "64"}).db_pool_size == 64
    for bad in ("1", "5000", "many"):
        with pytest.raises(ConfigError, match="FLEXPOOL_DB_POOL_SIZE"):
            load({"FLEXPOOL_DB_POOL_SIZE": bad})


def test_production_refuses_a_short_jwt_secret():
    base = {"FLEXPOOL_ENV": "production", "FLEXPOOL_DATABASE_URL": "postgresql://x/y"}
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        load({**base, "FLEXPOOL_JWT_SECRET": "s" * 31})
    assert load({**base, "FLEXPOOL_JWT_SECRET": "s" * 32}).jwt_secret == "s" * 32


def test_token_lifetime_and_metrics_settings_are_checked():
    assert load({}).token_max_hours == 24 and load({}).metrics_token is None
    with pytest.raises(ConfigError, match="FLEXPOOL_TOKEN_MAX_HOURS"):
        load({"FLEXPOOL_TOKEN_MAX_HOURS": "0"})
    with pytest.raises(ConfigError, match="FLEXPOOL_METRICS_TOKEN"):
        load({"FLEXPOOL_METRICS_TOKEN": "short"})


def test_workers_default_to_the_usable_cores_and_are_bounded():
    import os

    assert load({}).workers == len(os.sched_getaffinity(0))
    assert load({"FLEXPOOL_WORKERS": "3"}).workers == 3
    for bad in ("0", "65", "many"):
        with pytest.raises(ConfigError, match="FLEXPOOL_WORKERS"):
            load({"FLEXPOOL_WORKERS": bad})
