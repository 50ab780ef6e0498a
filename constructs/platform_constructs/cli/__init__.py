"""Command-line entry points (``platformctl`` and ``main.py``)."""
