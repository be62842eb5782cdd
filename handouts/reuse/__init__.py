"""What a batch reuses: bounded caches, replayed drawings, incremental rebuild state."""
