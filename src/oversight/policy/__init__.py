"""Oversight's policy engine: pure Python, no Django.

from oversight.policy import parse_scenario, evaluate
scenario, pack = parse_scenario(text)
report = evaluate(scenario, pack)
"""

from .engine import evaluate
from .pack import PackError, PolicyPack, get_pack, load_pack_file, shipped_packs
from .scenario import Scenario, ScenarioError, parse_scenario

__all__ = [
    "PackError",
    "PolicyPack",
    "Scenario",
    "ScenarioError",
    "evaluate",
    "get_pack",
    "load_pack_file",
    "parse_scenario",
    "shipped_packs",
]
