"""Audio signal processing for RoomKit voice: the numpy algorithms in ``roomkit_audio.dsp``, and
the same algorithms as voice pipeline stages (adapters of the stage ports) in
``roomkit_audio.stages``, registered through the ``roomkit`` entry point."""
