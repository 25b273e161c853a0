"""Pipeline benchmarks. Only the public SPEC API is used, so the same scenarios run against this
roomkit and against the published package installed in its own venv."""
