"""Fixtures shared by tests/greeter's modules."""

from tests.appliance.spine_fixtures import spine_server, ssb  # noqa: F401
from tests.greeter.spine_rig import ticket_runtime  # noqa: F401
