"""Command groups of ``platformctl``: each module registers its subcommands and their handlers."""
