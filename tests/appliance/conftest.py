from collections.abc import Iterator

import pytest

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.spine_fixtures import spine_server, spine_server_any, ssb, ward  # noqa: F401
from tests.rig.appliance import appliance_server, appliance_server_shared  # noqa: F401
from tests.rig.postgres import postgres_server  # noqa: F401


@pytest.fixture
def kiosk(appliance_server: LocalAppliance) -> Iterator[Kiosk]:  # noqa: F811
    client = Kiosk(appliance_server)
    yield client
    client.close()  # an idle TLS connection left open slows the server's stop
