"""Stage 4: rendered blocks -> styled reportlab flowables (theme, styles, fonts, pictures)."""
