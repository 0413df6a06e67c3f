"""The editing desk (placeholder docstring, rewritten below)."""
