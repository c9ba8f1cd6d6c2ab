"""The resolver against the demo gazetteer: what callers really say finds the right place."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from songnuan.places import resolver
from songnuan.places.keys import SearchKey, normalise
from songnuan.places.models import Place
from songnuan.places.resolver import Entry, Gazetteer, is_confident, resolve

UNDERPASS = "台东步行街东口地下通道"


def top(text: str, **kwargs) -> str:
    found = resolve(text, **kwargs)
    assert found, f"nothing found for {text!r}"
    return found[0].name


@pytest.mark.parametrize(("typed", "place"), [
    ("台东步行街东口地下通道", UNDERPASS),  # the exact name
    ("台东东口地下通道", UNDERPASS),  # an alias
    ("青岛火车站", "青岛站"),  # an alias
    ("台东步行街东口地下通到", UNDERPASS),  # a typo
    ("台东步行街东口地下通逍", UNDERPASS),  # a typo that is no homophone
    ("taidong buxingjie dongkou", UNDERPASS),  # pinyin
    ("wusi guangchang", "五四广场"),  # pinyin
    ("tdbxj", "台东步行街"),  # initials
    ("在台東步行街東口的地下通道附近", UNDERPASS),  # filler, traditional characters
    ("  台东步行街东口，地下通道旁边！", UNDERPASS),  # punctuation, spaces
    ("ＬＩＣＵＮ", "李村商圈"),  # full-width pinyin of an alias
])
def test_it_finds_the_place_people_mean(gazetteer, typed, place):
    assert top(typed) == place


def test_an_exact_name_is_confident_and_carries_its_point_and_district(gazetteer):
    found = resolve(UNDERPASS)
    place = Place.objects.get(name=UNDERPASS)
    assert is_confident(found)
    assert (found[0].lat, found[0].lon, found[0].district_id) == (place.lat, place.lon,
                                                                  place.district_id)
    assert found[0].score == 1.0
    assert found[0].source == "gazetteer"
    assert found[0].key == f"gazetteer:{place.pk}"


def test_a_typo_is_still_confident(gazetteer):
    assert is_confident(resolve("台东步行街东口地下通到"))


def test_a_vague_text_is_not_confident(gazetteer):
    found = resolve("地下通道")
    assert len(found) >= 2
    assert not is_confident(found)


def test_nothing_is_found_for_an_unknown_place(gazetteer):
    assert resolve("北京天安门广场") == []
    assert not is_confident([])


def test_a_district_limits_the_candidates(gazetteer):
    shinan = Place.objects.get(name="五四广场").district_id
    found = resolve("地下通道", district_id=shinan)
    assert found and {match.district_id for match in found} == {shinan}


def test_relief_sites_and_hotspots_are_found_too(cast):
    found = resolve("琴岛驿家八大关")
    assert found[0].name == "琴岛驿家·八大关"
    assert found[0].source == "site"
    assert found[0].key == f"site:{cast.shinan_point.pk}"


def test_a_saved_place_is_found_at_once(gazetteer):
    assert top("汇泉广场") == "汇泉广场"
    place = Place.objects.get(name="汇泉广场")
    place.aliases = ["汇泉湾广场"]
    place.save()
    assert top("汇泉湾广场") == "汇泉广场"
    place.is_active = False
    place.save()
    assert all(match.name != "汇泉广场" for match in resolve("汇泉湾广场"))


def test_the_keys_are_kept_in_sync_on_save(gazetteer):
    place = Place.objects.get(name="五四广场")
    assert place.search_text == ["五四广场", "五月风"]
    assert place.search_pinyin[0] == "wusiguangchang"
    assert place.search_initials[0] == "wsgc"


# ---------------------------------------------------------------------------------------------
# Properties


@given(st.text(max_size=60))
@hypothesis_settings(max_examples=300)
def test_normalising_never_raises(text):
    assert isinstance(normalise(text), str)


@given(st.text(max_size=40))
@hypothesis_settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_resolving_never_raises_on_any_text(gazetteer, text):
    found = resolve(text)
    assert all(0 <= match.score <= 1 for match in found)


NAME = st.text(alphabet=st.characters(whitelist_categories=["Lo", "Lu", "Ll", "Nd"]),
               min_size=1, max_size=12)


@given(st.lists(NAME, min_size=1, max_size=15), st.data())
@hypothesis_settings(max_examples=200)
def test_a_places_exact_name_is_always_its_own_top_match(names, data):
    keys: dict[str, str] = {}
    for name in names:
        key = SearchKey.of(name)
        if key.text and key.text not in keys:
            keys[key.text] = name
    if not keys:
        return
    entries = [Entry(name, "other", 36.0 + number * 0.01, 120.3, None, "gazetteer",
                     f"gazetteer:{number}", (SearchKey.of(name),))
               for number, name in enumerate(keys.values())]
    chosen = data.draw(st.sampled_from(list(keys.values())))
    found = Gazetteer(entries).rank(chosen)
    assert found[0].name == chosen
    assert found[0].score == 1.0
    assert all(match.score < 1.0 for match in found[1:])


def test_the_cache_is_dropped_by_forget(gazetteer):
    first = resolver.gazetteer()
    assert resolver.gazetteer() is first
    resolver.forget()
    assert resolver.gazetteer() is not first
