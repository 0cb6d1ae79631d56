"""Cloud-specific ComponentResources (components.aws today; components.gcp and components.k8s follow)."""
