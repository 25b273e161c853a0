"""Import path for the openai adapter package (the ``roomkit[openai]`` extra)."""
