"""One module per pipeline stage; they never import each other (import-linter checks it)."""
