"""The requests the live server is still answering. A browser test closes its pages and waits
for none to be left before the database is emptied: on PostgreSQL a poll still in flight holds
locks that deadlock with the flush's TRUNCATE."""

from __future__ import annotations

import threading

_answering = 0
_changed = threading.Condition()


class InFlight:
    """Middleware counting the requests being answered."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        global _answering
        with _changed:
            _answering += 1
        try:
            return self.get_response(request)
        finally:
            with _changed:
                _answering -= 1
                _changed.notify_all()


def wait_until_idle(timeout_s: float = 10.0) -> bool:
    with _changed:
        return _changed.wait_for(lambda: _answering == 0, timeout_s)
