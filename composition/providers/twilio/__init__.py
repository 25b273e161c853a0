"""Import path for the twilio adapter package (the ``roomkit[twilio]`` extra)."""
