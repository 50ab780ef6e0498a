"""Per-service adjustments of moto (one module per AWS service), registered by ``local_aws.adjustments``."""
