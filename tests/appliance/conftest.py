from tests.rig.appliance import appliance_server, appliance_server_shared  # noqa: F401
