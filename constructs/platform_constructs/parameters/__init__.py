"""Platform values handed from the platform stack to the application stacks through SSM parameters.

- :mod:`.table` – every value's name, meaning and shape, in one table (no cdktf): the writer and the
  reader take their names from it, so they cannot drift.
- :mod:`.platform_values` – ``PlatformValuesWriter`` (platform stack) and ``PlatformValuesReader``
  (application stacks, ``aws_ssm_parameter`` data sources).
"""
