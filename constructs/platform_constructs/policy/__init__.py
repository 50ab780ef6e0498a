"""Guardrail rules checked at synth."""
