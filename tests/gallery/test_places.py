"""Places: one word names a cloud region, a backend store or a local store; a down place never
blocks the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery_support import settings_for
from imagedeck.gallery import Place, close_places, open_places, parse_place
from imagedeck.model import Invalid


@pytest.mark.parametrize(
    ("word", "place"),
    [
        ("cloud:prod", Place("cloud", "prod")),
        ("prod", Place("cloud", "prod")),
        ("cloud:prod:RegionTwo", Place("cloud", "prod", "RegionTwo")),
        ("prod:RegionTwo", Place("cloud", "prod", "RegionTwo")),
        ("prod@cheap", Place("cloud", "prod", None, "cheap")),
        ("cloud:prod:RegionOne@cheap", Place("cloud", "prod", "RegionOne", "cheap")),
        ("local:/srv/images", Place("local", "/srv/images")),
        ("/srv/images", Place("local", "/srv/images")),
    ],
)
def test_words_name_places_and_labels_read_back(word: str, place: Place) -> None:
    assert parse_place(word) == place
    assert parse_place(place.label) == place


@pytest.mark.parametrize("word", ["", "  ", "prod:", "prod@", "cloud:", "a:b:c", "local:"])
def test_a_word_that_names_no_place_is_one_clear_error(word: str) -> None:
    with pytest.raises(Invalid, match="place"):
        parse_place(word)


def test_a_backend_store_is_the_same_service_as_its_cloud() -> None:
    assert parse_place("prod@cheap").same_service(parse_place("prod"))
    assert not parse_place("prod:RegionTwo").same_service(parse_place("prod"))


async def test_a_down_place_carries_its_error_and_the_others_open(tmp_path: Path, monkeypatch) -> None:
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  down:\n    auth:\n      auth_url: http://127.0.0.1:9/v3\n"
        "      username: u\n      password: p\n      project_name: p\n"
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    places = [parse_place("down"), parse_place("nosuchcloud"), parse_place(f"local:{tmp_path / 'east'}")]
    opened = await open_places(places, settings_for(tmp_path))
    try:
        assert [handle.label for handle in opened] == [p.label for p in places]
        down, unknown, local = opened
        assert down.store is None and down.error
        assert unknown.store is None and "nosuchcloud" in (unknown.error or "")
        assert local.error is None and local.store is not None
        assert await local.store.all_images() == []
    finally:
        await close_places(opened)
