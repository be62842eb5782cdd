"""Stage 1-2: YAML with line marks -> validated, typed models (content, clinic, layout, labels)."""
