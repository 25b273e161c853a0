"""Import path for the voicemeup adapter package (pip install roomkit[voicemeup])."""
