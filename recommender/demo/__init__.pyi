from .catalog import DEMO_SEED, DEMO_WEEKS
from .scenarios import simulate_scenario
from .simulate import DemoData, simulate_demo, simulate_panel

__all__ = [
    "DEMO_SEED",
    "DEMO_WEEKS",
    "DemoData",
    "simulate_demo",
    "simulate_panel",
    "simulate_scenario",
]
