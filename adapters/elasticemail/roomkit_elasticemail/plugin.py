"""Plugin registrations."""
