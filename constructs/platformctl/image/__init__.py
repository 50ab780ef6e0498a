"""Container images: registry login for image builds."""
