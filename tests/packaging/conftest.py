from tests.rig.pcsc import pcscd, pcscd_socket_dir

__all__ = ["pcscd", "pcscd_socket_dir"]
