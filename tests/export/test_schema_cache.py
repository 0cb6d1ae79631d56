"""The export's attribute schemas are built once per (type, resource, depth) (speed, issue 15)."""

from __future__ import annotations

import pulumi_aws as aws

from blueprint.export import schema


def test_nested_schemas_are_built_once_and_shared():
    schema._object_schema.cache_clear()
    schema.resource_schema.cache_clear()
    waf = schema.resource_schema("aws:wafv2/webAcl:WebAcl", "aws_wafv2_web_acl")
    info = schema._object_schema.cache_info()
    # WAFv2's recursive statement types: every (class, depth) once, not once per path to it.
    assert info.currsize == info.misses and info.hits > 0
    assert waf is not None and waf.props["rules"].nested is not None
    again = schema._object_schema(aws.wafv2.outputs.WebAclRule, "aws_wafv2_web_acl", 1)
    assert again is schema._object_schema(aws.wafv2.outputs.WebAclRule, "aws_wafv2_web_acl", 1)
