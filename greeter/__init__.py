"""The kiosk side: reads card taps, drives the login flows on screen, runs user sessions."""
