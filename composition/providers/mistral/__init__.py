"""Import path for the mistral adapter package (pip install roomkit[mistral])."""
