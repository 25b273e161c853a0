"""The pluggy markers for the project name ``roomkit``."""

import pluggy

PROJECT = "roomkit"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
