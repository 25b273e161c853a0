"""The inbound steps, one job each. Only ``roomkit.application.inbound.pipeline`` knows their
order; the modules here never import one another (an import-linter contract checks it)."""
