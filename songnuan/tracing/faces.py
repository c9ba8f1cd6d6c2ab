"""Face embeddings for tracing: the people app's detector (the optional `faces` extra), so a
report's photo and a person's photo are compared by the same 128 numbers."""

from __future__ import annotations

from songnuan.people.faces import available, embedding

__all__ = ["available", "embedding"]
