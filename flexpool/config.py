"""Configuration, from environment variables only (documented in the README)."""
from __future__ import annotations

import os
from pathlib import Path

import msgspec


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


class Settings(msgspec.Struct, frozen=True):
    env: str
    database_url: str | None
    data_dir: Path
    host: str
    port: int
    jwt_secret: str | None
    oidc_issuer: str | None
    oidc_audience: str | None
    cors_origins: tuple[str, ...]
    public_url: str
    write_rate_per_minute: int
    scheduler: bool
    db_pool_size: int = 20
    token_max_hours: int = 24
    metrics_token: str | None = None
    metrics_port: int | None = None
    max_body_bytes: int = 5 * 1024 * 1024
    statement_cache_size: int = 100  # 0 behind PgBouncer < 1.21 in transaction mode
    # Processes serving HTTP (`flexpool serve --workers`): one per core uses the machine; background work is
    # shared between them through PostgreSQL locks.
    workers: int = 1

    @property
    def production(self) -> bool:
        return self.env == "production"


DEV_SECRET = "flexpool-development-secret-change-me"
MIN_SECRET_BYTES = 32  # HS256 with a shorter secret can be brute-forced offline from one token (RFC 7518 3.2)


def _usable_cores() -> int:
    """The cores this process may run on (a cpuset narrows them); a container's CPU quota is not seen here,
    so deployments set FLEXPOOL_WORKERS to their CPU limit (deploy/k8s)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    mode = env.get("FLEXPOOL_ENV", "development")
    if mode not in ("development", "production", "test"):
        raise ConfigError(f"FLEXPOOL_ENV must be development, production or test, not {mode!r}")
    secret = env.get("FLEXPOOL_JWT_SECRET") or None
    issuer = env.get("FLEXPOOL_OIDC_ISSUER") or None
    database_url = env.get("FLEXPOOL_DATABASE_URL") or None
    if mode == "production":
        missing = []
        if not database_url:
            missing.append("FLEXPOOL_DATABASE_URL (the embedded database is for development only)")
        if not issuer and not secret:
            missing.append("FLEXPOOL_OIDC_ISSUER (or FLEXPOOL_JWT_SECRET)")
        if secret == DEV_SECRET:
            missing.append("FLEXPOOL_JWT_SECRET must not be the development default")
        elif secret and len(secret.encode()) < MIN_SECRET_BYTES:
            missing.append(f"FLEXPOOL_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        if missing:
            raise ConfigError("production settings missing: " + "; ".join(missing))
    elif not secret:
        secret = DEV_SECRET
    try:
        port = int(env.get("FLEXPOOL_PORT", "8000"))
        rate = int(env.get("FLEXPOOL_WRITE_RATE_PER_MINUTE", "120"))
        pool_size = int(env.get("FLEXPOOL_DB_POOL_SIZE", "20"))
        token_max_hours = int(env.get("FLEXPOOL_TOKEN_MAX_HOURS", "24"))
        metrics_port = int(env["FLEXPOOL_METRICS_PORT"]) if env.get("FLEXPOOL_METRICS_PORT") else None
        max_body = int(env.get("FLEXPOOL_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
        statement_cache = int(env.get("FLEXPOOL_DB_STATEMENT_CACHE", "100"))
        workers = int(env.get("FLEXPOOL_WORKERS") or _usable_cores())
    except ValueError as exc:
        raise ConfigError(
            "FLEXPOOL_PORT, FLEXPOOL_WRITE_RATE_PER_MINUTE, FLEXPOOL_DB_POOL_SIZE, FLEXPOOL_TOKEN_MAX_HOURS, "
            f"FLEXPOOL_METRICS_PORT, FLEXPOOL_MAX_BODY_BYTES and FLEXPOOL_WORKERS must be integers: {exc}"
        ) from None
    if not 1 <= token_max_hours <= 24 * 31:
        raise ConfigError("FLEXPOOL_TOKEN_MAX_HOURS must be between 1 and 744")
    metrics_token = env.get("FLEXPOOL_METRICS_TOKEN") or None
    if metrics_token is not None and len(metrics_token) < 16:
        raise ConfigError("FLEXPOOL_METRICS_TOKEN must be at least 16 characters")
    if not 1 <= workers <= 64:
        raise ConfigError("FLEXPOOL_WORKERS must be between 1 and 64")
    if not 2 <= pool_size <= 500:
        raise ConfigError("FLEXPOOL_DB_POOL_SIZE must be between 2 and 500")
    host = env.get("FLEXPOOL_HOST", "127.0.0.1")
    origins = tuple(o.strip() for o in env.get("FLEXPOOL_CORS_ORIGINS", "").split(",") if o.strip())
    return Settings(
        env=mode,
        database_url=database_url,
        data_dir=Path(env.get("FLEXPOOL_DATA_DIR", ".flexpool")).resolve(),
        host=host,
        port=port,
        jwt_secret=secret,
        oidc_issuer=issuer,
        oidc_audience=env.get("FLEXPOOL_OIDC_AUDIENCE") or None,
        cors_origins=origins,
        public_url=env.get("FLEXPOOL_PUBLIC_URL", f"http://{host}:{port}").rstrip("/"),
        write_rate_per_minute=rate,
        scheduler=env.get("FLEXPOOL_SCHEDULER", "1") not in ("0", "false", "no"),
        db_pool_size=pool_size,
        token_max_hours=token_max_hours,
        metrics_token=metrics_token,
        metrics_port=metrics_port,
        max_body_bytes=max(1024, max_body),
        statement_cache_size=max(0, statement_cache),
        workers=workers,
    )
