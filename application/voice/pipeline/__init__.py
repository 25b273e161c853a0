"""The audio pipeline: independent stages, ordered in ``engine``."""
