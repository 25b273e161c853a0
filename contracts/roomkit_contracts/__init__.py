"""Contract suites for RoomKit ports."""
