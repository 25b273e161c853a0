"""roomkit_fastrtc."""
