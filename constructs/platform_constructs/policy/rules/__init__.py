"""Guardrail rules, one per module, grouped by service (``rules/<service>/<rule>.py``).

Each service package lists its rules in ``RULES``; the packs in ``policy/packs.py`` pick from them.
"""
