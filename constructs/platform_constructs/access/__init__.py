"""Applications reach their data, and nothing else: from an application's declared uses (``[apps.<name>.uses]``,
props in :mod:`platform_constructs.k8s.app_uses`), its pod-role grants, endpoints, network policies, and the
grants inside the data stores."""
