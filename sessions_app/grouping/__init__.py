"""The grouping engine: tables with one member of each line, rounds without repeated encounters.

Pure Python, no Django: plain data in, plain data out (DESIGN.md, "The grouping problem,
precisely"). ``plan_rounds`` plans a session, ``repair_round`` fixes one round on the day,
``evaluate`` recounts a plan edited by hand.
"""

from .model import GroupingError, Plan, Report
from .planner import plan_rounds
from .repair import repair_round
from .report import evaluate

__all__ = ["GroupingError", "Plan", "Report", "evaluate", "plan_rounds", "repair_round"]
