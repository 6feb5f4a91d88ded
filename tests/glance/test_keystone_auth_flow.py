"""The Keystone auth flow on an in-memory Keystone + Glance (httpx.MockTransport).

A refused token is renewed once and the request sent again; a streamed body is never sent
twice; a token goes nowhere it does not belong; the expiry is the one Keystone wrote in the
token, with one margin, and a token without one is used until refused and never cached.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from imagedeck.model import AuthFailed, Invalid
from imagedeck.stores.clouds import CloudConfig
from imagedeck.stores.glance import GlanceStore
from imagedeck.stores.glance_auth import KeystoneAuth
from imagedeck.stores.glance_errors import glance_message
from imagedeck.stores.keystone import KeystoneSession
from imagedeck.stores.token_cache import EXPIRY_MARGIN, TokenCache

KEYSTONE = "http://keystone.test/v3"
GLANCE = "http://glance.test"
IMAGE = {"id": "i1", "name": "one", "status": "queued", "disk_format": "raw", "container_format": "bare"}


def cloud() -> CloudConfig:
    return CloudConfig(
        name="fake",
        auth_url=KEYSTONE,
        region_name="R",
        auth={"username": "ann", "password": "pw-ann", "project_name": "ops"},
    )


class Cloud:
    """Keystone issues ``fresh-N``; Glance refuses the tokens in ``refused`` with 401."""

    def __init__(self, lifetime: timedelta | None = timedelta(hours=1)) -> None:
        self.lifetime = lifetime
        self.issued = 0
        self.refused: Callable[[str], bool] = lambda token: False
        #: (method, path, token, body) of every request Glance received.
        self.glance: list[tuple[str, str, str | None, bytes]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "keystone.test":
            return self.keystone(request)
        token = request.headers.get("X-Auth-Token")
        self.glance.append((request.method, request.url.path, token, request.content))
        if token is None or self.refused(token):
            return httpx.Response(401, json={"message": "The request you have made requires authentication."})
        if request.method == "PUT":
            return httpx.Response(204)
        if request.url.path == "/v2/images":
            return httpx.Response(
                201 if request.method == "POST" else 200,
                json=IMAGE if request.method == "POST" else {"images": [IMAGE]},
            )
        return httpx.Response(200, json=IMAGE)

    def keystone(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v3/auth/tokens" and "X-Auth-Token" not in request.headers
        self.issued += 1
        token: dict[str, object] = {
            "project": {"id": "p1", "name": "ops"},
            "user": {"id": "u1", "name": "ann"},
            "roles": [{"name": "member"}],
            "catalog": [
                {"type": "image", "endpoints": [{"interface": "public", "region_id": "R", "url": GLANCE}]}
            ],
        }
        if self.lifetime is not None:
            token["expires_at"] = (datetime.now(UTC) + self.lifetime).isoformat()
        return httpx.Response(201, headers={"X-Subject-Token": f"fresh-{self.issued}"}, json={"token": token})

    def tokens(self, method: str | None = None) -> list[str | None]:
        return [token for m, _, token, _ in self.glance if method in (None, m)]


@pytest.fixture
async def opened() -> AsyncIterator[Callable[..., Awaitable[GlanceStore]]]:
    stores: list[GlanceStore] = []

    async def make(fake: Cloud, token_cache: bool | Path = False) -> GlanceStore:
        store = GlanceStore(cloud(), transport=httpx.MockTransport(fake), token_cache=token_cache)
        await store.open()
        stores.append(store)
        return store

    yield make
    for store in stores:
        await store.close()


async def chunks(data: bytes, pulls: list[int]) -> AsyncIterator[bytes]:
    """``data`` in two pieces, counting in ``pulls`` how often the stream is read."""
    for piece in (data[:4], data[4:]):
        pulls.append(len(piece))
        yield piece


async def test_a_refused_token_is_renewed_and_the_request_sent_once_more(opened) -> None:
    fake = Cloud()
    fake.refused = lambda token: token == "fresh-1"
    store = await opened(fake)
    assert [image.id for image in await store.all_images()] == ["i1"]
    assert fake.tokens() == ["fresh-1", "fresh-2"] and fake.issued == 2
    await store.get_image("i1")
    assert fake.issued == 2  # the renewed token is kept


async def test_a_json_body_is_sent_again_whole_after_renewal(opened) -> None:
    fake = Cloud()
    fake.refused = lambda token: token == "fresh-1"
    store = await opened(fake)
    await store.create_image({"name": "one", "disk_format": "raw"})
    (first, second) = [body for m, _, _, body in fake.glance if m == "POST"]
    assert first == second and json.loads(second)["name"] == "one"
    assert fake.tokens("POST") == ["fresh-1", "fresh-2"]


async def test_a_second_401_is_auth_failed_after_one_renewal(opened) -> None:
    fake = Cloud()
    fake.refused = lambda token: True
    store = await opened(fake)
    with pytest.raises(AuthFailed, match=r"refused even after signing in again.*requires authentication"):
        await store.get_image("i1")
    assert fake.tokens() == ["fresh-1", "fresh-2"] and fake.issued == 2


async def test_a_streamed_upload_refused_is_never_replayed_and_its_retry_goes_through(opened) -> None:
    fake = Cloud()
    fake.refused = lambda token: token == "fresh-1"
    store = await opened(fake)
    pulls: list[int] = []
    with pytest.raises(AuthFailed, match=r"upload data to image i1: .*refused.*retry the transfer"):
        await store.upload("i1", chunks(b"0123456789", pulls), 10)
    assert fake.tokens("PUT") == ["fresh-1"]  # sent once, never again from a spent stream
    assert pulls == [4, 6]
    assert fake.issued == 2  # already signed in again for the retry
    await store.upload("i1", chunks(b"0123456789", pulls), 10)
    assert fake.tokens("PUT") == ["fresh-1", "fresh-2"] and fake.issued == 2
    assert [body for m, _, _, body in fake.glance if m == "PUT"] == [b"0123456789"] * 2


async def test_a_streamed_upload_starts_with_a_renewed_token_when_the_old_one_is_expiring(opened) -> None:
    fake = Cloud()
    store = await opened(fake)
    token = await store._auth.token()
    token.expires_at = datetime.now(UTC) + EXPIRY_MARGIN / 2
    await store.stage("i1", chunks(b"0123456789", []), 10)
    assert fake.tokens("PUT") == ["fresh-2"]


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.test/v2/images",
        "https://glance.test/v2/images",
        "http://glance.test:8080/v2/images",
        "http://ann@glance.test/v2/images",
        "http://keystone.test:5000/v3/auth/tokens",
    ],
)
async def test_the_flow_never_puts_the_token_on_a_foreign_url(url: str) -> None:
    fake = Cloud()
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake)) as client:
        session = KeystoneSession(cloud(), client)
        await session.token()
        with pytest.raises(Invalid, match="will not send the token to"):
            await client.get(url, auth=KeystoneAuth(session, "cloud:fake: test"))
        await client.get(GLANCE + "/v2/images", auth=KeystoneAuth(session, "cloud:fake: test"))
    assert fake.glance == [("GET", "/v2/images", "fresh-1", b"")]


async def test_the_renewal_margin_is_the_cache_margin(opened) -> None:
    fake = Cloud(lifetime=EXPIRY_MARGIN * 3 / 4)  # inside the margin from the start
    store = await opened(fake)
    await store.get_image("i1")
    await store.get_image("i1")
    assert fake.issued == 3 and fake.tokens() == ["fresh-2", "fresh-3"]


async def test_a_token_without_an_expiry_is_used_until_refused_and_never_cached(
    opened, tmp_path: Path
) -> None:
    fake = Cloud(lifetime=None)
    store = await opened(fake, token_cache=tmp_path)
    assert (await store._auth.token()).expires_at is None
    for _ in range(3):
        await store.get_image("i1")
    assert fake.issued == 1 and list(tmp_path.iterdir()) == []
    fake.refused = lambda token: token == "fresh-1"
    await store.get_image("i1")
    assert fake.issued == 2 and fake.tokens()[-2:] == ["fresh-1", "fresh-2"]
    await opened(fake, token_cache=tmp_path)
    assert fake.issued == 3  # the next run signs in again


async def test_a_token_without_an_expiry_replaces_a_cached_one(opened, tmp_path: Path) -> None:
    fake = Cloud()
    await opened(fake, token_cache=tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    fake.lifetime = None
    store = await opened(fake, token_cache=tmp_path)
    fake.refused = lambda token: token == "fresh-1"  # the cached token has been revoked
    await store.get_image("i1")
    assert fake.issued == 2 and list(tmp_path.iterdir()) == []


async def test_an_expiry_in_the_cache_reads_as_keystone_wrote_it(opened, tmp_path: Path) -> None:
    fake = Cloud(lifetime=timedelta(minutes=10))
    await opened(fake, token_cache=tmp_path)
    (path,) = tmp_path.iterdir()
    expires = datetime.fromisoformat(json.loads(path.read_text())["expires_at"])
    assert timedelta(minutes=9) < expires - datetime.now(UTC) <= timedelta(minutes=10)
    cache = TokenCache("fake", cloud().token_binding(), tmp_path)
    assert cache.load() is not None


def test_the_token_a_request_carried_stays_out_of_the_message() -> None:
    request = httpx.Request("GET", GLANCE + "/v2/images/x", headers={"X-Auth-Token": "old-token"})
    resp = httpx.Response(400, json={"message": "bad token old-token"}, request=request)
    assert glance_message(resp) == "bad token ***"
