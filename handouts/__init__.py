"""Printable, branded patient handouts from YAML content, layouts and clinic profiles."""

__version__ = "0.1.0"
