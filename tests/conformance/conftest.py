"""The store conformance suite runs every test once per backend in `BACKENDS`.

A backend provides stores acting as three identities: ``alpha`` and ``beta`` (ordinary
member projects) and ``admin`` (a project with the admin role), all on one catalog.
To add a backend, append its name to `BACKENDS` and define a ``<name>_backend`` fixture
returning a `Backend`.

The catalog may be shared with other tests and other runs (a real Glance is), so tests
never assume it is empty: every image a test creates carries the test's unique tag and
name prefix, listings are scoped by that tag, and everything created is deleted again.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conformance_kit import Images, new_uid
from imagedeck.stores.base import ImageStore
from imagedeck.stores.local import LocalStore

BACKENDS = ["local", "glance"]
#: The glance backend runs on the real Keystone + Glance: marked ``lab`` so that
#: ``pytest -m "not lab"`` runs the local half of the suite alone.
BACKEND_PARAMS = [
    pytest.param(name, marks=[pytest.mark.lab] if name == "glance" else []) for name in BACKENDS
]

IDENTITIES = ("alpha", "beta", "admin")


class Backend(abc.ABC):
    """Where the conformance suite gets its stores from."""

    name: str

    @abc.abstractmethod
    async def store(self, who: str) -> ImageStore:
        """An opened store acting as ``who`` (alpha, beta or admin); the caller closes it."""

    @abc.abstractmethod
    def project_id(self, who: str) -> str:
        """The project id ``who`` acts in, as the store reports owners and members."""


class LocalBackend(Backend):
    """Three local projects on one store directory; ``admin`` holds the admin role."""

    name = "local"

    def __init__(self, path: Path) -> None:
        self.path = path

    async def store(self, who: str) -> ImageStore:
        assert who in IDENTITIES
        store = LocalStore(self.path, who, admin=who == "admin")
        await store.open()
        return store

    def project_id(self, who: str) -> str:
        return who


@pytest.fixture
def local_backend(tmp_path: Path) -> Backend:
    return LocalBackend(tmp_path / "store")


@pytest.fixture(params=BACKEND_PARAMS)
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.getfixturevalue(f"{request.param}_backend")


async def _opened(backend: Backend, who: str) -> AsyncIterator[ImageStore]:
    store = await backend.store(who)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def alpha(backend: Backend) -> AsyncIterator[ImageStore]:
    async for store in _opened(backend, "alpha"):
        yield store


@pytest.fixture
async def beta(backend: Backend) -> AsyncIterator[ImageStore]:
    async for store in _opened(backend, "beta"):
        yield store


@pytest.fixture
async def admin(backend: Backend) -> AsyncIterator[ImageStore]:
    async for store in _opened(backend, "admin"):
        yield store


@pytest.fixture
def uid() -> str:
    """This test's unique tag and name prefix."""
    return new_uid()


@pytest.fixture
async def images(admin: ImageStore, uid: str) -> AsyncIterator[Images]:
    """Creates tagged images for a test and deletes them (as admin) afterwards."""
    made = Images(uid, admin)
    yield made
    await made.cleanup()
