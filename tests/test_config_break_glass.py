"""blueprint:breakGlassPrincipals (issue 18): optional; IAM ARNs on AWS, IAM members on GCP; every bad
entry reported at its index with the cloud's form; the default (empty) documented."""

from __future__ import annotations

import pytest

from blueprint.config.errors import ConfigError
from blueprint.config.validate import validate_config


def _aws(**extra):
    return {"cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1", "primaryRegion": "us-east-1",
            "secondaryRegion": "us-west-2", "workloads": [{"name": "wl", "tier": "standard"}],
            "deployerCidrs": ["203.0.113.10/32"], **extra}


def _gcp(**extra):
    return {"cloud": "gcp", "environment": "t", "residency": "eu", "gcp:project": "acme-ml-prod", "gcp:region": "europe-west4",
            "primaryRegion": "europe-west4", "secondaryRegion": "europe-west1", "workloads": [{"name": "wl", "tier": "standard"}],
            "deployerCidrs": ["203.0.113.10/32"], **extra}


def test_default_is_empty():
    assert validate_config(_aws()).break_glass_principals == ()


def test_accepts_each_clouds_form():
    aws = validate_config(_aws(breakGlassPrincipals=["arn:aws:iam::123456789012:role/dr", "arn:aws:iam::123456789012:root"]))
    assert aws.break_glass_principals[0].endswith("role/dr")
    assert validate_config(_gcp(breakGlassPrincipals=["group:dr@example.com"])).break_glass_principals == ("group:dr@example.com",)


@pytest.mark.parametrize("raw, bad", [
    (_aws(breakGlassPrincipals=["arn:aws:iam::123456789012:role/dr", "group:dr@example.com"]), "breakGlassPrincipals[1]"),
    (_gcp(breakGlassPrincipals=["arn:aws:iam::123456789012:role/dr"]), "breakGlassPrincipals[0]"),
])
def test_fails_wrong_form_for_the_cloud(raw, bad):
    with pytest.raises(ConfigError) as error:
        validate_config(raw)
    assert f"blueprint:{bad}" in str(error.value)
