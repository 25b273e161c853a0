"""Import path for the teams adapter package (the ``roomkit[teams]`` extra)."""
