"""The first-deploy warning of a workload whose service image is served from the stack's own registry
(issue 18, recovery data; both clouds' composers)."""

from __future__ import annotations

import pulumi

from blueprint.footprint import WorkloadPlacement

FIRST_DEPLOY_DOC = "docs/deploying.md, 'First deploy of a stack with images'"


def first_deploy_warning(placement: WorkloadPlacement, repository_prefix: str) -> None:
    """Shown on every preview and up (Pulumi diagnostics): a service (or its fallback's) image that names one of the workload's
    ``images`` is pulled from the repository this stack creates, which holds it only once pushed there. A
    first ``pulumi up`` (or a stack moving from another registry) before the push leaves the pods in
    ImagePullBackOff; the procedure is FIRST_DEPLOY_DOC. Digests and other registries' images: no warning."""
    service = placement.workload.service
    if service is None:
        return
    fallback = service.fallback
    for role, reference in (("service", service.image), ("fallback", fallback.image if fallback else None)):
        if reference is None or "@sha256:" in reference:
            continue
        image, tag = reference.rsplit(":", 1)
        if image not in placement.intent.recovery.images:
            continue
        pulumi.log.warn(f"{placement.name}: the {role} pulls {repository_prefix}{image}:{tag}, from a repository this stack creates; "
                        f"push the image there before the pods can start (first deploy: {FIRST_DEPLOY_DOC})")
