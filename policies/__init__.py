"""blueprint's policy pack: the rules (``policies.rules``) ``blueprint check`` runs on a plan, and the
CrossGuard pack (``__main__.py``) that runs the same rules under ``pulumi preview --policy-pack policies``.

Installed with the project (pyproject.toml packages ``policies*``), so ``import policies.rules``
works from any directory without path patches.
"""
