"""The in-session agent: a small always-on-top control in a corner of the user's session that
opens a menu (Spine role, default role, restart, lock, log out; Manage virtual smartcards for
Registration Authorities; a hidden Reset for administrators).

`model` is its data, `step` every decision (pure), `shell` runs what `step` asks for (the
appliance's Spine and RA routes through `greeter.spine_client`, the Spine smartcard through a
`greeter.spine_signer.SpineSigner`) off the UI thread. Qt lives in `greeter.ui.agent_*` and
`qml/agent/`.
"""
