"""Kubernetes workloads on EKS."""
