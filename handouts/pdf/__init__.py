"""Stage 5: flowables -> tagged PDF bytes; seam.py is the one seam to reportlab."""
