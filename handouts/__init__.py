"""Printable, branded patient handouts from YAML content, layouts and clinic profiles."""

__version__ = "0.2.0"
