"""Import path for the telegram adapter package (pip install roomkit[telegram])."""
