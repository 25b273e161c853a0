"""Import path for the telnyx adapter package (the roomkit[telnyx] extra)."""
