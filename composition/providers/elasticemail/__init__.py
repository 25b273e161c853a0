"""Import path for the elasticemail adapter package (pip install roomkit[elasticemail])."""
