"""A token only travels where it belongs, a broken token cache never stops a run, no secret leaks.

The unit tests run against an in-memory Keystone + Glance (httpx.MockTransport); the ``lab``
ones against the real services, with a recording listener on 127.0.0.1 standing in for a
place the token must not go.
"""

from __future__ import annotations

import json
import os
import stat
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from glance_faults import FaultyTransport, respond
from imagedeck.model import AuthFailed, Invalid, NotFound
from imagedeck.stores.clouds import CloudConfig
from imagedeck.stores.glance import GlanceStore
from imagedeck.stores.keystone import InsecureConnectionWarning
from tests.lab.listener import Listener, Seen
from tests.lab.plugin import lab_cloud

# -- an in-memory cloud ---------------------------------------------------------------

KEYSTONE = "http://keystone.test/v3"
GLANCE = "http://glance.test"


def fake_cloud(**settings: object) -> CloudConfig:
    return CloudConfig(
        name="fake",
        auth_url=KEYSTONE,
        region_name="R",
        auth={"username": "ann", "password": "pw-ann", "project_name": "ops"},
        **settings,
    )  # type: ignore[arg-type]


class FakeCloud:
    """Keystone issues ``fresh-N`` tokens with a catalog naming GLANCE; Glance lists nothing."""

    def __init__(self, images: dict[str, object] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.issued = 0
        self.images = images or {"images": []}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v3/auth/tokens":
            self.issued += 1
            expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
            catalog = [
                {"type": "image", "endpoints": [{"interface": "public", "region_id": "R", "url": GLANCE}]}
            ]
            body = {
                "token": {
                    "expires_at": expires,
                    "project": {"id": "p1", "name": "ops"},
                    "user": {"id": "u1", "name": "ann"},
                    "roles": [{"name": "member"}],
                    "catalog": catalog,
                }
            }
            return httpx.Response(201, headers={"X-Subject-Token": f"fresh-{self.issued}"}, json=body)
        if request.url.host == "glance.test" and request.url.path == "/v2/images":
            last_page = "marker" in request.url.params  # a next link is followed at most once
            return httpx.Response(200, json={"images": []} if last_page else self.images)
        return httpx.Response(404, json={"message": "nothing here"})

    def hosts(self) -> set[str]:
        return {r.url.host for r in self.requests}


async def run_once(directory: Path, fake: FakeCloud, cloud: CloudConfig | None = None) -> str:
    """Open a store on the fake cloud with the token cache in ``directory``; the token it used."""
    store = GlanceStore(cloud or fake_cloud(), transport=httpx.MockTransport(fake), token_cache=directory)
    try:
        await store.open()
        await store.all_images()
        assert store._auth is not None
        return (await store._auth.token()).value
    finally:
        await store.close()


def edit_entry(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        entry = json.loads(path.read_text())
        change(entry)
        path.write_text(json.dumps(entry))

    return apply


def symlink_to_a_valid_entry(path: Path) -> None:
    elsewhere = path.parent.parent / "elsewhere.json"
    elsewhere.write_text(path.read_text())
    path.unlink()
    path.symlink_to(elsewhere)


def empty_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


HOSTILE_ENTRIES: dict[str, Callable[[Path], None]] = {
    "not JSON": lambda p: p.write_text("{not json"),
    "not UTF-8": lambda p: p.write_bytes(b'{"value": "\xff\xfe"}'),
    "a list": lambda p: p.write_text("[]"),
    "expires_at a number": edit_entry(lambda e: e.update(expires_at=5)),
    "token a list": edit_entry(lambda e: e.update(token=[])),
    "catalog text": edit_entry(lambda e: e["token"].update(catalog="x")),
    "endpoints text": edit_entry(lambda e: e["token"].update(catalog=[{"type": "image", "endpoints": "x"}])),
    "endpoint url a number": edit_entry(lambda e: e["token"]["catalog"][0]["endpoints"][0].update(url=5)),
    "value a list": edit_entry(lambda e: e.update(value=[])),
    "roles a mapping": edit_entry(lambda e: e["token"].update(roles={"name": "admin"})),
    "a directory": empty_directory,
    "a symlink": symlink_to_a_valid_entry,
}


@pytest.mark.parametrize("spoil", HOSTILE_ENTRIES.values(), ids=HOSTILE_ENTRIES.keys())
async def test_a_broken_cache_entry_is_ignored_and_replaced(tmp_path: Path, spoil) -> None:
    directory = tmp_path / "tokens"
    fake = FakeCloud()
    assert await run_once(directory, fake) == "fresh-1"
    assert await run_once(directory, fake) == "fresh-1"  # the cache works
    (path,) = directory.iterdir()
    spoil(path)
    outside = {p: p.read_bytes() for p in tmp_path.glob("*.json")}
    assert await run_once(directory, fake) == "fresh-2"
    assert path.is_file() and not path.is_symlink()
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["value"] == "fresh-2"
    assert {p: p.read_bytes() for p in tmp_path.glob("*.json")} == outside  # never written through
    assert [p.name for p in directory.iterdir()] == [path.name]  # no stray temporary files
    assert await run_once(directory, fake) == "fresh-2"


@pytest.mark.parametrize(
    "change",
    [
        {"image_endpoint_override": GLANCE + "/"},
        {"region_name": "R2"},
        {"interface": "internal"},
        {"auth_url": "http://keystone.test:5000/v3"},
        {"verify": False},
    ],
    ids=lambda c: next(iter(c)),
)
async def test_each_routing_setting_gets_a_token_of_its_own(tmp_path: Path, change: dict) -> None:
    fake = FakeCloud()
    await run_once(tmp_path, fake)
    other = fake_cloud()
    for key, value in change.items():
        setattr(other, key, value)
    store = GlanceStore(other, transport=httpx.MockTransport(fake), token_cache=tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConnectionWarning)
        try:
            await store.open()
        except NotFound:
            pass  # no endpoint for that region or interface here: what matters is the token
        finally:
            await store.close()
    assert fake.issued == 2


@pytest.mark.parametrize(
    "link",
    [
        "http://evil.test/v2/images?marker=1",
        "@evil.test/v2/images?marker=1",
        "https://glance.test/v2/images?marker=1",
        "http://glance.test:8080/v2/images?marker=1",
    ],
)
async def test_a_next_link_off_the_catalog_never_gets_the_token(tmp_path: Path, link: str) -> None:
    fake = FakeCloud({"images": [{"id": "i1", "name": "one", "status": "active"}], "next": link})
    store = GlanceStore(fake_cloud(), transport=httpx.MockTransport(fake), token_cache=False)
    try:
        await store.open()
        with pytest.raises(Invalid, match="will not send the token"):
            await store.all_images()
    finally:
        await store.close()
    assert fake.hosts() == {"keystone.test", "glance.test"}
    assert all(r.url.port is None and r.url.scheme == "http" for r in fake.requests)


# -- the real Keystone + Glance -----------------------------------------------------------


async def open_lab(cloud: CloudConfig, directory: Path | bool, **kwargs) -> GlanceStore:
    store = GlanceStore(cloud, token_cache=directory, **kwargs)
    await store.open()
    return store


async def used_token(store: GlanceStore) -> str:
    assert store._auth is not None
    return (await store._auth.token()).value


@pytest.mark.lab
async def test_another_endpoint_override_never_receives_the_cached_token(lab, tmp_path: Path) -> None:
    first = await open_lab(lab_cloud(lab, "lab-alice"), tmp_path)
    cached = await used_token(first)
    await first.whoami()
    await first.close()
    with Listener() as spy:
        cloud = lab_cloud(lab, "lab-alice")
        cloud.image_endpoint_override = spy.url
        second = await open_lab(cloud, tmp_path)
        try:
            await second.all_images()
            fresh = await used_token(second)
        finally:
            await second.close()
    assert fresh != cached
    assert spy.tokens() and set(spy.tokens()) == {fresh}  # issued for this very configuration


@pytest.mark.lab
async def test_another_region_gets_its_own_token_too(lab, tmp_path: Path) -> None:
    with Listener() as spy:
        tokens = []
        for region in ("RegionOne", "RegionTwo"):
            cloud = lab_cloud(lab, "lab-alice")
            cloud.image_endpoint_override, cloud.region_name = spy.url, region
            store = await open_lab(cloud, tmp_path)
            try:
                await store.all_images()
                tokens.append(await used_token(store))
            finally:
                await store.close()
    assert tokens[0] != tokens[1]
    assert spy.tokens() == tokens


def keystone_that_echoes(status: int) -> Callable[[Seen], tuple[int, str, object]]:
    """An impostor Keystone that repeats the request back in its message and reason phrase."""

    def reply(seen: Seen) -> tuple[int, str, object]:
        text = seen.body.decode()
        return status, f"Refused {text}", {"error": {"code": status, "message": f"bad request: {text}"}}

    return reply


@pytest.mark.lab
@pytest.mark.parametrize("status", [400, 401])
async def test_another_auth_url_gets_the_password_it_was_given_never_a_token(
    lab, tmp_path: Path, status: int
) -> None:
    first = await open_lab(lab_cloud(lab, "lab-alice"), tmp_path)
    cached = await used_token(first)
    await first.close()
    with Listener(keystone_that_echoes(status)) as spy:
        cloud = lab_cloud(lab, "lab-alice")
        cloud.auth_url = spy.url + "/v3"
        with pytest.raises((AuthFailed, Invalid)) as raised:
            await open_lab(cloud, tmp_path)
    assert spy.tokens() == []
    assert [(s.method, s.path) for s in spy.requests] == [("POST", "/v3/auth/tokens")]
    sent = json.loads(spy.requests[0].body)["auth"]["identity"]["password"]["user"]["password"]
    assert sent == "alice-secret"  # the configured password to the configured auth URL
    assert cached not in spy.requests[0].body.decode()
    assert "alice-secret" not in str(raised.value) and "***" in str(raised.value)


@pytest.mark.lab
async def test_application_credential_secret_echoed_back_stays_out_of_the_message(lab) -> None:
    secret = lab_cloud(lab, "lab-alice-appcred").auth["application_credential_secret"]
    with Listener(keystone_that_echoes(401)) as spy:
        cloud = lab_cloud(lab, "lab-alice-appcred")
        cloud.auth_url = spy.url
        with pytest.raises(AuthFailed) as raised:
            await open_lab(cloud, False)
    assert secret in spy.requests[0].body.decode()
    assert secret not in str(raised.value)


@pytest.mark.lab
async def test_a_wrong_password_is_not_repeated_in_the_error(lab) -> None:
    cloud = lab_cloud(lab, "lab-bob")
    cloud.auth["password"] = "wrong-Pa55word-for-bob"
    with pytest.raises(AuthFailed) as raised:
        await open_lab(cloud, False)
    assert "wrong-Pa55word-for-bob" not in str(raised.value)


@pytest.mark.lab
async def test_glance_echoing_the_token_does_not_put_it_in_the_error(lab) -> None:
    transport = FaultyTransport()
    transport.on(
        "GET",
        "/v2/images/echo",
        lambda req, n: respond(
            400, json.dumps({"message": f"bad token {req.headers['X-Auth-Token']}"}).encode()
        ),
    )
    store = await open_lab(lab_cloud(lab, "lab-alice"), False, transport=transport)
    try:
        token = await used_token(store)
        with pytest.raises(Invalid) as raised:
            await store.get_image("echo")
    finally:
        await store.close()
    assert token not in str(raised.value) and "bad token ***" in str(raised.value)
