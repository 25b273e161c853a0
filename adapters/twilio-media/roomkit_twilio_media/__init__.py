"""roomkit_twilio_media."""
