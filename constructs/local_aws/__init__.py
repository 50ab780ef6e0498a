"""A local AWS for development and tests: moto on 127.0.0.1 over HTTPS, adjusted where Terraform
needs AWS's real behaviour, and ``deploy`` that applies the synthesized stacks into it.

Dev/test only (the ``local`` extra): neither ``platform_constructs`` nor ``platformctl`` imports it.
"""
