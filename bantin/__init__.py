"""Tooling of Bản tin that is not a Pelican plugin: build, lint, Vietnamese text, import, publish."""
