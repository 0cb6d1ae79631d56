"""Drills as code (issue 17): `blueprint drill` prints the commands that start a drill of a scenario from the
plan (commands.py), and `blueprint drill record` turns what a drill measured into the figures the resilience
model uses from then on (record.py). docs/runbooks/dr-drill.md."""

from blueprint.drill.commands import MEASURE, Drill, DrillError, drill
from blueprint.drill.record import drills_file, load, read_recorded, validate, write

__all__ = ["MEASURE", "Drill", "DrillError", "drill", "drills_file", "load", "read_recorded", "validate", "write"]
