"""``platformctl``: the operator's front door to the platform (synth, gates, deploys, releases, rollbacks).

Built on the construct library (``platform_constructs``) and boto3; it never imports the local
AWS emulator (``local_aws``), and only ``platformctl synth`` imports cdktf.
"""
