"""Exercise figures: poses written in YAML (model), solved into bodies (body), drawn as vectors (draw)."""
