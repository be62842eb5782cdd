"""Many clinics x handouts x languages x papers from a manifest, on worker processes."""
