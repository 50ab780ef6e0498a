"""Small stacks for Terraform drills against the local AWS emulator.

A small stack keeps the ``terraform`` (S3 backend with KMS and lock file) and ``provider``
(assumed deploy role, allowed account, default tags) blocks of a synthesized stack of the same
name, so state, locking, role assumption and account pinning behave exactly as for the real
stack; its resources are an SSM parameter and an S3 bucket (stateful: the plan guard protects it),
which a drill can change at will. Used by tests/integration/platformctl and bench/rollback_drill.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from platform_constructs.ci.ci_props import ROLE_VARIABLE

#: The application whose synthesized stack serves as the template of every application stand-in.
TEMPLATE_APP = "api"


def create_state_bucket(aws: Any, state: Any) -> None:
    """The versioned, KMS-encrypted state bucket the bootstrap stack creates, in the caller's account.

    When it already exists every version of every object is deleted instead (a clean slate).
    """
    s3, kms = aws.client("s3"), aws.client("kms")
    if state.bucket in {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=state.bucket):
            for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=state.bucket, Key=version["Key"], VersionId=version["VersionId"])
        return
    s3.create_bucket(Bucket=state.bucket, CreateBucketConfiguration={"LocationConstraint": state.region})
    s3.put_bucket_versioning(Bucket=state.bucket, VersioningConfiguration={"Status": "Enabled"})
    key = kms.create_key(Description="Terraform state")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=state.kms_alias, TargetKeyId=key)


class SmallStacks:
    """A ``cdktf.out`` holding small stacks that wear the synthesized stacks' backend and provider blocks.

    Args:
        outdir: the ``cdktf.out`` to write.
        synthesized: stack name -> parsed ``cdk.tf.json`` of the real synth.
        run_id: makes bucket names unique per run.
    """

    def __init__(self, outdir: Path, synthesized: Any, run_id: str) -> None:
        self.outdir = outdir
        self._synthesized = synthesized
        self.run_id = run_id
        (outdir / "stacks").mkdir(parents=True, exist_ok=True)

    def write(self, name: str, *, marker: str, bucket_suffix: str = "a", extra_parameter: bool = False) -> None:
        """Write stack ``name``: parameter ``/cli-test/<name>/marker`` = ``marker``, bucket ``…-<bucket_suffix>``."""
        synthesized = self._synthesized(name)
        parameters = {"marker": {"name": f"/cli-test/{name}/marker", "type": "String", "value": marker}}
        if extra_parameter:
            parameters["extra"] = {"name": f"/cli-test/{name}/extra", "type": "String", "value": "added later"}
        document = {
            "terraform": synthesized["terraform"],
            "provider": synthesized["provider"],
            # the providers assume var.platform_role_arn: the deploy role unless a read-only plan passes the planner
            "variable": {ROLE_VARIABLE: synthesized["variable"][ROLE_VARIABLE]},
            "resource": {
                "aws_ssm_parameter": parameters,
                "aws_s3_bucket": {"data": {"bucket": f"acme-{name}-cli-{self.run_id}-{bucket_suffix}"}},
            },
        }
        directory = self.outdir / "stacks" / name
        directory.mkdir(exist_ok=True)
        (directory / "cdk.tf.json").write_text(json.dumps(document, indent=1))
        names = sorted(path.name for path in (self.outdir / "stacks").iterdir())
        (self.outdir / "manifest.json").write_text(json.dumps({"stacks": {stack: {} for stack in names}}))

    def write_app(self, env: str, app: str, *, extra_parameter: bool = False) -> str:
        """Write the stand-in of ``<env>-app-<app>`` and return its name.

        Parameter ``/cli-test/<stack>/image`` holds the release (image and change cause); the
        ``<app>_image`` output reads it back from the state, as the real stack's output reads the
        Deployment's image. Built from ``<env>-app-api``'s backend, provider and variables, renamed.
        """
        name = f"{env}-app-{app}"
        template = json.loads(re.sub(rf"(?<![a-z0-9]){TEMPLATE_APP}(?![a-z0-9])", app,
                                     json.dumps(self._synthesized(f"{env}-app-{TEMPLATE_APP}"))))
        terraform = {**template["terraform"],
                     "required_providers": {"aws": template["terraform"]["required_providers"]["aws"]}}
        parameters = {"image": {"name": f"/cli-test/{name}/image", "type": "String",
                                "insecure_value": f"${{var.image_{app}}}",
                                "description": f"${{var.change_cause_{app}}}"}}
        if extra_parameter:
            parameters["extra"] = {"name": f"/cli-test/{name}/extra", "type": "String", "value": "configuration change"}
        document = {
            "terraform": terraform,
            "provider": {"aws": template["provider"]["aws"]},
            "variable": template["variable"],
            "resource": {"aws_ssm_parameter": parameters},
            "output": {f"{app}_image": {"value": "${aws_ssm_parameter.image.insecure_value}"}},
        }
        directory = self.outdir / "stacks" / name
        directory.mkdir(exist_ok=True)
        (directory / "cdk.tf.json").write_text(json.dumps(document, indent=1))
        names = sorted(path.name for path in (self.outdir / "stacks").iterdir())
        (self.outdir / "manifest.json").write_text(json.dumps({"stacks": {stack: {} for stack in names}}))
        return name
