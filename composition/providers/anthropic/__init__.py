"""Import path for the anthropic adapter package (the ``roomkit[anthropic]`` extra)."""
