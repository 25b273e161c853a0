"""roomkit_rtp."""
