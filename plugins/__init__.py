"""The plugin registry: pluggy hookspecs through which packages contribute adapters.

Third-party packages import only ``hookimpl`` from here (plus ``roomkit.ports`` and
``roomkit.domain``) and expose their module under the ``roomkit`` entry-point group.
"""

from roomkit.plugins.markers import hookimpl, hookspec

__all__ = ["hookimpl", "hookspec"]
