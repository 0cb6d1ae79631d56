"""``python -m blueprint`` and the ``blueprint`` console script (pyproject.toml [project.scripts]):
the ``blueprint`` command (blueprint.cli.run).

The signal handlers (blueprint/interrupt.py) are installed before the CLI's imports, so even a
Ctrl-C during start-up exits 130 with "interrupted" rather than an import traceback.
"""

from blueprint import interrupt


def main() -> None:
    interrupt.install()
    from blueprint.cli import run

    run()


if __name__ == "__main__":
    main()
