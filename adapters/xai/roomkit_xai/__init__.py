"""roomkit_xai."""
