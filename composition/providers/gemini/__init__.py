"""Import path for the gemini adapter package (the ``roomkit[gemini]`` extra)."""
