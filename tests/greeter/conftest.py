"""Fixtures shared by tests/greeter's modules."""

from tests.greeter.spine_rig import spine_appliance, spine_ssb, ticket_runtime  # noqa: F401
