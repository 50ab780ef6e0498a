"""The stacks of the platform: bootstrap, shared, and per environment its platform stack and one
stack per application."""
