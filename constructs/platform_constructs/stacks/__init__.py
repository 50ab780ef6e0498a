"""The stacks of the platform: bootstrap, shared, one platform stack and one apps stack per environment."""
