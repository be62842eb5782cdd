"""Bounded process caches: a batch of thousands of handouts must not grow them without end."""
from __future__ import annotations

_MAX = 512


def remember(cache: dict, key, value, limit: int = _MAX):
    """cache[key] = value, emptying the cache first when it holds `limit` entries; returns value."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
