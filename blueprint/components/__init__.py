"""Cloud-specific ComponentResources (blueprint.components.aws today; blueprint.components.gcp and blueprint.components.k8s follow)."""
