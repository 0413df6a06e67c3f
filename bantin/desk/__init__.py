"""The editing desk: Decap CMS in the browser over the same Markdown files."""
