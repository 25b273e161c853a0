"""Import path for the voicemeup adapter package (the roomkit[voicemeup] extra)."""
