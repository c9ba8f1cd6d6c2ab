"""Drills: a generated cold night replayed against a copy of the data (songnuan drill)."""
