"""Realtime (speech-to-speech) voice: the channel, its sessions and the audio relay."""
