"""The grouping engine: tables with one member of each line, rounds without repeated encounters.

Pure Python, no Django: plain data in, plain data out (the rules are in planner.py and
docs/grouping.md). ``plan_rounds`` plans a session, ``table_options`` lists the table counts it
chooses between, ``repair_round`` fixes one round on the day, ``evaluate`` recounts a plan
edited by hand. ``ERROR_CODES`` is every code a ``GroupingError`` can carry.
"""

from .model import ERROR_CODES, GroupingError, Plan, Report
from .planner import plan_rounds, table_options
from .repair import repair_round
from .report import evaluate

__all__ = [
    "ERROR_CODES",
    "GroupingError",
    "Plan",
    "Report",
    "evaluate",
    "plan_rounds",
    "repair_round",
    "table_options",
]
