"""Following the national division codes as they change."""

from __future__ import annotations

from songnuan.geo import code_changes, districts
from songnuan.geo.code_changes import Change


def test_a_renamed_code_leads_to_its_successor_only_when_the_data_has_it():
    change = code_changes.successor("370282", {"370215", "370211"})
    assert change is not None and change.new_name == "即墨区" and change.change == Change.RENAMED
    assert code_changes.successor("370282", {"370211"}) is None
    assert code_changes.successor("370202", {"370215"}) is None


def test_every_successor_is_in_the_packaged_national_data_and_no_old_code_is():
    for change in code_changes.CHANGES:
        city = change.new_code[:4] + "00"
        present = {d.code for d in districts.load_city(city).districts}
        assert change.new_code in present, change
        assert change.old_code not in present, change
