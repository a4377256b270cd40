from .catalog import DEMO_SEED, DEMO_WEEKS
from .plants import ALL_PLANTS, Planted
from .scenarios import simulate_scenario
from .simulate import DemoData, simulate_demo, simulate_panel
from .southwest import SOUTHWEST
from .world import HELD_OUT_SEED, WORLD_SEED, World, simulate_world
from .worldspec import WorldSpec

__all__ = [
    "simulate_world",
    "WorldSpec",
    "World",
    "SOUTHWEST",
    "Planted",
    "WORLD_SEED",
    "HELD_OUT_SEED",
    "ALL_PLANTS",
    "DEMO_SEED",
    "DEMO_WEEKS",
    "DemoData",
    "simulate_demo",
    "simulate_panel",
    "simulate_scenario",
]
