"""`blueprint queue`: operating a workload's queues after an incident (issue 18): replay its dead
letters into the work queue (replay.py), in the region given, with the queues read from the plan."""
