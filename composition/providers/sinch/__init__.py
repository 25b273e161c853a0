"""Import path for the sinch adapter package (pip install roomkit[sinch])."""
