"""roomkit_elevenlabs."""
