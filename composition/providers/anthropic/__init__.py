"""Import path for the anthropic adapter package (pip install roomkit[anthropic])."""
