"""The pure core of RoomKit: models, enums, errors and rules. No I/O, no frameworks."""
