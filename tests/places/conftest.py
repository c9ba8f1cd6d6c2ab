from __future__ import annotations

import pytest

from tests.factories import ensure_districts


@pytest.fixture
def gazetteer(db):
    """The demo gazetteer: forty real Qingdao places."""
    from types import SimpleNamespace

    from songnuan.demo import places as demo

    ensure_districts()
    demo.populate(SimpleNamespace(shared={}))
