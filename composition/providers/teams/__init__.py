"""Import path for the teams adapter package (pip install roomkit[teams])."""
