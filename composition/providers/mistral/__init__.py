"""Import path for the mistral adapter package (the ``roomkit[mistral]`` extra)."""
