"""Import path for the http adapter package (pip install roomkit[http])."""
