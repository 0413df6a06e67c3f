"""Pelican plugins of Bản tin, one package per feature, each with register()."""
