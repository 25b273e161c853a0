"""Import path for the whatsapp adapter package (pip install roomkit[whatsapp])."""
