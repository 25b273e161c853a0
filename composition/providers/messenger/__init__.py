"""Import path for the messenger adapter package (pip install roomkit[messenger])."""
