"""The kiosk side: reads card taps, drives the login flows on screen, runs user sessions."""

# the distribution's version (pyproject.toml reads it from here): the start line of the event
# log carries it, so IT can tell which greeter a kiosk ran
__version__ = "0.1.0"
