"""Import path for the http adapter package (the ``roomkit[http]`` extra)."""
