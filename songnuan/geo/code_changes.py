"""Changes to the national division codes (GB/T 2260 区划代码变更) that a deployment's districts
may have to follow: a county-level city turned into a district (撤市设区) keeps its land under a
new code and name; one absorbed by a neighbour (撤销并入) hands its land to the neighbour.

A deployment set up from an older edition of the national data holds the old codes; when the
packaged data no longer has a district and this table names its successor, `songnuan setup-city`
moves the registry over instead of refusing (see network.city). Only changes whose successor is a
single district are listed: a split needs a person to say which records go where.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Change(StrEnum):
    RENAMED = "renamed"  # the same land under a new code and name
    MERGED = "merged"  # the land joined an existing district


@dataclass(frozen=True)
class CodeChange:
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    year: int
    change: Change


CHANGES = [
    CodeChange("370282", "即墨市", "370215", "即墨区", 2017, Change.RENAMED),
    CodeChange("370284", "胶南市", "370211", "黄岛区", 2012, Change.MERGED),
    CodeChange("230181", "阿城市", "230112", "阿城区", 2006, Change.RENAMED),
    CodeChange("230182", "双城市", "230113", "双城区", 2014, Change.RENAMED),
    CodeChange("230121", "呼兰县", "230111", "呼兰区", 2004, Change.RENAMED),
    CodeChange("530122", "晋宁县", "530115", "晋宁区", 2016, Change.RENAMED),
]

_BY_OLD = {change.old_code: change for change in CHANGES}


def successor(old_code: str, present: set[str]) -> CodeChange | None:
    """The change that took `old_code` to a code among `present` (following a chain of
    changes), or None."""
    change, seen = _BY_OLD.get(old_code), set()
    while change is not None and change.new_code not in present and change.new_code not in seen:
        seen.add(change.new_code)
        change = _BY_OLD.get(change.new_code)
    return change if change is not None and change.new_code in present else None
