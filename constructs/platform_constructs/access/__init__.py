"""Applications reach their data, and nothing else: declared uses, pod-role grants, endpoints, network policies,
and the grants inside the data stores."""
