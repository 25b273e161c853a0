"""Provider import paths; vendor providers come from adapter packages."""
