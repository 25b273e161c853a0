"""Import path for the sendgrid adapter package (pip install roomkit[sendgrid])."""
