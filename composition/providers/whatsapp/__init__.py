"""Import path for the whatsapp adapter package (the ``roomkit[whatsapp]`` extra)."""
