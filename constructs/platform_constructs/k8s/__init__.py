"""Kubernetes workloads on EKS.

- :mod:`.rolling_deployment` – ``RollingDeployment``, one application; :mod:`.cluster_access` – the
  kubernetes provider from the cluster looked up by name; :mod:`.release_inputs` – the per-app
  image and change-cause variables.
- Props without cdktf (the configuration loads them in well under a second): :mod:`.rollout_props`
  (the ``[rollout]`` tier preset), :mod:`.workload_props` (``[apps.<name>]``), and the value objects
  :mod:`.strategy`, :mod:`.scale`, :mod:`.probes`, :mod:`.resources`, :mod:`.duration`,
  :mod:`.image_policy`; :mod:`.rto` computes the recovery-time budget.
"""
