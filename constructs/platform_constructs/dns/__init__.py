"""DNS of the platform: the parent zone (shared account), each environment's zones and the delegation between them.

- :mod:`.dns_props` – ``[dns]`` of an environment file and ``[parent_zone]`` of ``shared.toml`` (no cdktf).
- :mod:`.hosted_zones` – ``EnvironmentZones``: the public and/or private zone of one environment, and
  the NS delegation written into the parent zone; ``ParentZone``: the shared account's zone.
"""
