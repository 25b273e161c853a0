"""roomkit_local_audio."""
