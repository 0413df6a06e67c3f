"""Tooling of Bản tin that is not a Pelican plugin: build, preview, lint, import, checks, publish."""
