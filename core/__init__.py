"""The ground of Bản tin: what every other layer stands on and that imports none of them.

Errors as editors read them, Vietnamese text, the model of a source file (its suffixes, its
metadata header, its fields and slugs), the clock, files written whole, and the code's fingerprint.
Plugins (plugins/) import only this; the tooling (bantin/) imports this and the plugins.
"""
