from __future__ import annotations


def populate(ctx) -> None:
    pass
