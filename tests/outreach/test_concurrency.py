"""Two dispatchers assign the same lead at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from songnuan.outreach import dispatch
from songnuan.outreach.models import Task
from songnuan.refusals import Conflict
from tests.leads.factories import report
from tests.outreach.factories import make_squad


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_give_one_task(cast):
    lead = report()
    squads = [make_squad("一队"), make_squad("二队")]
    users = [cast.shinan_dispatcher, cast.centre_dispatcher]
    start = threading.Barrier(2)
    results: list[object] = []

    def assign(index: int) -> None:
        try:
            start.wait()
            results.append(dispatch.assign_lead(lead, squads[index], by=users[index]))
        except Conflict as refused:
            results.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if isinstance(r, Task)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert "Another dispatcher" in losers[0].message or "Already assigned" in losers[0].message
    assert Task.objects.filter(lead=lead).count() == 1
