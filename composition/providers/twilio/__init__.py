"""Import path for the twilio adapter package (pip install roomkit[twilio])."""
