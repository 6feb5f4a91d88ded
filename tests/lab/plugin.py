"""pytest plugin: a session-wide real Keystone + Glance (``lab``) and the conformance backend.

Registered from tests/conftest.py. The lab starts only when a test asks for it and stops
at the end of the session, leaving no process behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from imagedeck.stores.clouds import CloudConfig, get_cloud
from imagedeck.stores.glance import GlanceStore

from . import Lab

#: Conformance identities -> the lab's clouds and projects.
CLOUD_FOR = {"alpha": "lab-alice", "beta": "lab-bob", "admin": "lab-admin"}
PROJECT_FOR = {"alpha": "alpha", "beta": "beta", "admin": "admin"}


def lab_cloud(lab: Lab, name: str) -> CloudConfig:
    """One of the lab's clouds, read from its clouds.yaml the way users' clouds are read."""
    return get_cloud(name, environ={"OS_CLIENT_CONFIG_FILE": str(lab.clouds_yaml)})


#: Fixtures that start the lab; a test using any of them is marked ``lab`` at collection.
LAB_FIXTURES = {"lab", "lab_token_dir", "glance_backend"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if LAB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lab)


@pytest.fixture(scope="session")
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    if "not lab" in (request.config.getoption("markexpr") or ""):
        pytest.fail("a test that is not marked 'lab' needs the real Keystone + Glance: mark it")
    started = Lab.start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def lab_token_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Token cache for the lab's stores, so each test does not sign in again."""
    return tmp_path_factory.mktemp("lab-tokens")


class GlanceBackend:
    """The conformance suite's view of the lab: alpha=alice, beta=bob, admin=admin."""

    name = "glance"

    def __init__(self, lab: Lab, token_dir: Path) -> None:
        self.lab = lab
        self.token_dir = token_dir

    async def store(self, who: str) -> GlanceStore:
        store = GlanceStore(lab_cloud(self.lab, CLOUD_FOR[who]), token_cache=self.token_dir)
        await store.open()
        return store

    def project_id(self, who: str) -> str:
        return self.lab.project_ids[PROJECT_FOR[who]]


@pytest.fixture(scope="session")
def glance_backend(lab: Lab, lab_token_dir: Path) -> GlanceBackend:
    return GlanceBackend(lab, lab_token_dir)
