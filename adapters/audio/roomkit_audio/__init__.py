"""Audio signal processing for RoomKit voice; the numpy algorithms live in ``roomkit_audio.dsp``."""
