"""Test fixtures: a real PostgreSQL (FLEXPOOL_TEST_DATABASE_URL, else the embedded one), a fresh database
per test cloned from a migrated template, and the app in-process or on a real port."""
from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("FLEXPOOL_ENV", "test")
os.environ.setdefault("FLEXPOOL_JWT_SECRET", "flexpool-test-secret-at-least-32-bytes-long")
os.environ.setdefault("FLEXPOOL_SCHEDULER", "0")
os.environ.setdefault("FLEXPOOL_WRITE_RATE_PER_MINUTE", "100000")

from flexpool import config as config_module
from flexpool.db import databases, embedded, migrations
from flexpool.db.pool import create_pool

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = "flexpool_test_template"


@pytest.fixture(scope="session")
def server_url():
    """A maintenance URL of a real PostgreSQL server the tests may create databases on."""
    url = os.environ.get("FLEXPOOL_TEST_DATABASE_URL")
    if url:
        yield url
        return
    server, url = embedded.start(ROOT / ".flexpool" / "test", database="postgres")
    yield url
    del server


@pytest.fixture(scope="session")
def template_url(server_url):
    url = asyncio.run(databases.recreate(server_url, TEMPLATE))
    migrations.upgrade(url)
    return url


@pytest.fixture
async def database_url(server_url, template_url):
    name = f"t_{uuid.uuid4().hex[:16]}"
    yield await databases.recreate(server_url, name, template=TEMPLATE)
    await databases.drop(server_url, name)


@pytest.fixture
async def pool(database_url):
    p = await create_pool(database_url, min_size=1, max_size=30)
    yield p
    await p.close()


@pytest.fixture
def settings(database_url):
    env = dict(os.environ, FLEXPOOL_DATABASE_URL=database_url)
    return config_module.load(env)


@pytest.fixture
async def client(settings, pool):
    from litestar.testing import AsyncTestClient

    from api.app import create_app

    # The test client runs the app on its own event loop, so the app owns its pool, like in production.
    app = create_app(settings)
    async with AsyncTestClient(app=app) as c:
        yield c


@pytest.fixture
def fake_fcm():
    from tests.fake_fcm import FakeFcm

    fake = FakeFcm().start()
    yield fake
    fake.stop()


@pytest.fixture
def fcm_sender(fake_fcm, tmp_path):
    """The real firebase-admin client, pointed at the fake through the standard settings."""
    from notifications.fcm import FcmSender
    from tests.fake_fcm import service_account

    path = service_account(tmp_path / "service-account.json", fake_fcm.url + "/token")
    sender = FcmSender.from_environment({"GOOGLE_APPLICATION_CREDENTIALS": path,
                                         "FLEXPOOL_FCM_ENDPOINT": fake_fcm.url, "FLEXPOOL_FCM_TIMEOUT": "5"})
    assert sender is not None
    yield sender
    sender.close()


def pytest_collection_modifyitems(config, items):
    """Tests in tests/service start `flexpool serve` as a user would, in processes of their own: they take
    minutes together, so they are `slow` and `-m "not slow"` leaves them out of the fast loop."""
    service = ROOT / "tests" / "service"
    for item in items:
        if service in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)
