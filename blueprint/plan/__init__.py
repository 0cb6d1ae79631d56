"""The offline plan: engine (the program under the SDK mocks), mocks, placement, model, rendering."""

# Set by the `blueprint` console script (blueprint.cli.run), a process that exits soon after its
# plan: the engine then leaves what a plan built frozen out of the garbage collector's way instead
# of handing it back, so no full collection rescans a heap the process is about to drop (0.3-0.4 s
# for prod, benchmarks/README.md). In-process callers (tests, benchmarks, users' scripts) keep the
# default: memory is collected as usual after each plan.
freeze_after_plans = False
