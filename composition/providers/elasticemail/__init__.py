"""Import path for the elasticemail adapter package (the ``roomkit[elasticemail]`` extra)."""
