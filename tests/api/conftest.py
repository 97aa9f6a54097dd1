"""The region most API tests share: two organisations, Zonnehuis and Thuiszorg West, a worker each with the
medication skill. A module that needs another region defines its own `region` fixture."""
import pytest

from tests.helpers import Region


@pytest.fixture
async def region(client, pool):
    r = await Region(client).setup(pool)
    await r.worker("Zonnehuis", "own", skills=["medicatie"])
    await r.worker("Thuiszorg West", "lender", skills=["medicatie"])
    return r
