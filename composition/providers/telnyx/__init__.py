"""Import path for the telnyx adapter package (pip install roomkit[telnyx])."""
