"""Stage 3: typed content -> rendered text (sandboxed jinja2, escaped), and its reading level."""
