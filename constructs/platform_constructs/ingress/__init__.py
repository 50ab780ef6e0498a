"""HTTPS entries of applications: load balancers, target groups, certificates, DNS records and the WAF.

- :mod:`.ingress_props` – the ``[ingress]`` tier preset; :mod:`.entry_props` – ``[apps.<name>.ingress]``;
  :mod:`.urls` – an application's host and URL from configuration (no cdktf: ``platformctl`` and the
  pipelines use it).
- :mod:`.load_balancer` – ``HttpsLoadBalancer`` (security group, ALB, HTTP→HTTPS redirect, HTTPS listener);
  :mod:`.access_logs` – the access-log bucket; :mod:`.web_acl` – ``WebAcl``;
  :mod:`.application_entry` – ``ApplicationEntry``, everything one application needs to be reached;
  :mod:`.target_binding` – how pods join a Terraform-owned target group (EKS Auto Mode or the AWS Load
  Balancer Controller).
"""
