"""The login state machine: pure Python, no Qt, no I/O, no clock reads.

`step(state, event) -> (state', effects)` decides; `view(state) -> View` is what the screen
shows. The shell (`greeter.app`) runs the effects and feeds their results back as events.
"""

from greeter.flow.state import FlowSettings, State, initial_state
from greeter.flow.step import step
from greeter.flow.view import view

__all__ = ["FlowSettings", "State", "initial_state", "step", "view"]
