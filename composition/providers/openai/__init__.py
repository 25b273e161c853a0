"""Import path for the openai adapter package (pip install roomkit[openai])."""
