"""Import path for the telegram adapter package (the ``roomkit[telegram]`` extra)."""
