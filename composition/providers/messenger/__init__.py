"""Import path for the messenger adapter package (the ``roomkit[messenger]`` extra)."""
