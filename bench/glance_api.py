"""A minimal Glance v2 client on a held token: seeding, the raw-API listing baseline, curl targets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

JSON = {"Accept": "application/json"}


@dataclass
class Held:
    """A project-scoped token and the Glance endpoint, got once and reused."""

    token: str
    glance: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Auth-Token": self.token, **JSON}


def sign_in(cloud: dict, glance_url: str) -> Held:
    """Password auth with a clouds.yaml entry's ``auth`` block."""
    auth = cloud["auth"]
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": auth["username"],
                        "domain": {"name": auth["user_domain_name"]},
                        "password": auth["password"],
                    }
                },
            },
            "scope": {
                "project": {"name": auth["project_name"], "domain": {"name": auth["project_domain_name"]}}
            },
        }
    }
    response = httpx.post(f"{auth['auth_url']}/auth/tokens", json=body, headers=JSON, timeout=30)
    response.raise_for_status()
    return Held(response.headers["X-Subject-Token"], glance_url)


def list_all(held: Held, client: httpx.Client) -> int:
    """Every image visible to the project, all pages of 1000, parsed: the raw API cost."""
    url: str | None = f"{held.glance}/v2/images?limit=1000"
    count = 0
    while url:
        body = client.get(url, headers=held.headers).raise_for_status().json()
        count += len(body["images"])
        url = f"{held.glance}{body['next']}" if body.get("next") else None
    return count


async def _create_many(held: Held, names: list[str], concurrency: int) -> list[str]:
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as client:

        async def one(name: str) -> str:
            async with gate:
                for attempt in range(3):  # a busy lab may drop a connection; records are cheap to retry
                    try:
                        response = await client.post(
                            f"{held.glance}/v2/images",
                            headers=held.headers,
                            json={"name": name, "disk_format": "qcow2", "container_format": "bare"},
                        )
                        if response.status_code < 500 or attempt == 2:
                            return response.raise_for_status().json()["id"]
                    except httpx.TransportError:
                        if attempt == 2:
                            raise
                    await asyncio.sleep(0.5)
                raise AssertionError("unreachable")

        return await asyncio.gather(*(one(name) for name in names))


async def _delete_many(held: Held, ids: list[str], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as client:

        async def one(image_id: str) -> None:
            async with gate:
                await client.delete(f"{held.glance}/v2/images/{image_id}", headers=held.headers)

        await asyncio.gather(*(one(image_id) for image_id in ids))


def create_records(held: Held, names: list[str], concurrency: int = 8) -> list[str]:
    """Image records only (no data), created concurrently but bounded; returns their ids."""
    return asyncio.run(_create_many(held, names, concurrency))


def delete_many(held: Held, ids: list[str], concurrency: int = 8) -> None:
    asyncio.run(_delete_many(held, ids, concurrency))


def create_image(held: Held, name: str, disk_format: str = "raw") -> str:
    response = httpx.post(
        f"{held.glance}/v2/images",
        headers=held.headers,
        timeout=60,
        json={"name": name, "disk_format": disk_format, "container_format": "bare"},
    )
    return response.raise_for_status().json()["id"]


def get_image(held: Held, image_id: str) -> dict:
    return (
        httpx.get(f"{held.glance}/v2/images/{image_id}", headers=held.headers, timeout=60)
        .raise_for_status()
        .json()
    )


def delete_image(held: Held, image_id: str) -> None:
    httpx.delete(f"{held.glance}/v2/images/{image_id}", headers=held.headers, timeout=120)
