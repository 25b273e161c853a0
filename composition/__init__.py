"""RoomKit: rooms, channels, hooks and AI over one inbound pipeline."""
