"""Import path for the sinch adapter package (the roomkit[sinch] extra)."""
