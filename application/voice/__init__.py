"""Voice use cases: the audio pipeline engine, sessions, turn taking, interruption, playback."""
