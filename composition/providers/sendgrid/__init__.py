"""Import path for the sendgrid adapter package (the ``roomkit[sendgrid]`` extra)."""
