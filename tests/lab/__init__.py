"""A real Keystone + Glance on 127.0.0.1 for tests and benchmarks.

    with Lab.start() as lab:
        lab.clouds_yaml          # clouds lab-admin, lab-alice, lab-bob, lab-alice-appcred (RegionOne)
                                 # and lab-admin-r2, lab-alice-r2, lab-bob-r2, lab-carol (RegionTwo)
        lab.project_ids["alpha"]

Both Glances keep an image cache for the admin. RegionOne's has two file stores, ``fast``
(the default) and ``cheap``, and enables copy-image. RegionTwo's, behind the same Keystone
with its own database and store, enables glance-download from RegionOne and enforces quotas
through Keystone unified limits: generous defaults for every project, and ``GAMMA_LIMITS``
for carol's project gamma, low enough to hit.

From a shell: ``python -m tests.lab up`` starts one and prints its clouds.yaml path.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from . import configs
from .services import START_TIMEOUT_S, LabError, Services, ensure_venv

__all__ = ["Lab", "LabError"]

REGIONS = ("RegionOne", "RegionTwo")
PASSWORDS = {
    "alice": "alice-secret",
    "bob": "bob-secret",
    "carol": "carol-secret",
    "glance": "glance-secret",
}
#: The region whose Glance enforces quotas. Not RegionOne, which most tests use: with limits
#: on, every create and upload asks Keystone first (a create takes ~150 ms instead of 20-50).
QUOTA_REGION = "RegionTwo"
#: RegionTwo's registered (default) limits, per Glance resource (sizes in MiB): far above what tests use.
DEFAULT_LIMITS = {
    "image_size_total": 1_000_000,
    "image_stage_total": 1_000_000,
    "image_count_total": 100_000,
    "image_count_uploading": 1_000,
}
#: Project gamma's limits: two images, 4 MiB in all.
GAMMA_LIMITS = {
    "image_size_total": 4,
    "image_stage_total": 4,
    "image_count_total": 2,
    "image_count_uploading": 2,
}


@dataclass
class Lab:
    services: Services
    clouds_yaml: Path
    project_ids: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def keystone_url(self) -> str:
        return self.services.keystone_url

    @property
    def glance_url(self) -> str:
        return self.services.glance_url

    @property
    def glance2_url(self) -> str:
        return self.services.glance2_url

    @classmethod
    def start(cls, root: Path | None = None) -> Lab:
        """Install if needed, start PostgreSQL, Keystone and Glance, bootstrap the identities."""
        t0 = time.monotonic()
        venv = ensure_venv()
        t_install = time.monotonic() - t0
        root = root or Path(tempfile.mkdtemp(prefix="imagedeck-lab-"))
        services = Services(root=root, venv=venv)
        try:
            services.start_postgres()
            services.start_keystone()
            _wait_http(f"{services.keystone_url}", services)
            with httpx.Client(timeout=30) as http:
                admin = _token(http, services.keystone_url, "admin", services.admin_password, "admin")
                lab = cls(services=services, clouds_yaml=root / "clouds.yaml")
                _bootstrap(http, lab, admin)
            services.start_glance(PASSWORDS["glance"])
            _wait_http(f"{services.glance_url}/healthcheck", services)
            _wait_http(f"{services.glance2_url}/healthcheck", services)
            with httpx.Client(timeout=30) as http:
                appcred = _app_credential(http, lab)
            lab.clouds_yaml.write_text(yaml.safe_dump(_clouds(lab, appcred)))
        except BaseException:
            services.stop()
            raise
        lab.timings = {"install_s": t_install, "start_s": time.monotonic() - t0 - t_install}
        return lab

    def stop(self) -> None:
        self.services.stop()
        shutil.rmtree(self.services.root, ignore_errors=True)

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def cloud(self, name: str) -> dict:
        """One cloud's entry of the written clouds.yaml."""
        return yaml.safe_load(self.clouds_yaml.read_text())["clouds"][name]


def _wait_http(url: str, services: Services) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        for process in services.processes:
            if process.popen.poll() is not None:
                raise LabError(f"{process.name} exited early\n{services.logs()}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code < 500:
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.25)
    raise LabError(f"{url} did not answer in {START_TIMEOUT_S} s ({last})\n{services.logs()}")


def _token(http: httpx.Client, url: str, user: str, password: str, project: str) -> str:
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": user, "domain": {"id": "default"}, "password": password}},
            },
            "scope": {"project": {"name": project, "domain": {"id": "default"}}},
        }
    }
    response = http.post(f"{url}/auth/tokens", json=body)
    response.raise_for_status()
    return response.headers["X-Subject-Token"]


def _bootstrap(http: httpx.Client, lab: Lab, admin_token: str) -> None:
    url = lab.keystone_url
    headers = {"X-Auth-Token": admin_token}

    def post(path: str, key: str, body: dict) -> dict:
        response = http.post(f"{url}/{path}", json={key: body}, headers=headers)
        response.raise_for_status()
        return response.json()[key]

    def role_id(name: str) -> str:
        found = http.get(f"{url}/roles", params={"name": name}, headers=headers).json()["roles"]
        return found[0]["id"] if found else post("roles", "role", {"name": name})["id"]

    for project in ("service", "alpha", "beta", "gamma"):
        lab.project_ids[project] = post("projects", "project", {"name": project, "domain_id": "default"})[
            "id"
        ]
    admin_project = http.get(f"{url}/projects", params={"name": "admin"}, headers=headers).json()
    lab.project_ids["admin"] = admin_project["projects"][0]["id"]
    member, admin, service = role_id("member"), role_id("admin"), role_id("service")
    grants = {
        "alice": ("alpha", [member]),
        "bob": ("beta", [member]),
        "carol": ("gamma", [member]),
        "glance": ("service", [service, admin]),
    }
    for user, (project, roles) in grants.items():
        uid = post("users", "user", {"name": user, "password": PASSWORDS[user], "domain_id": "default"})["id"]
        lab.user_ids[user] = uid
        for role in roles:
            http.put(
                f"{url}/projects/{lab.project_ids[project]}/users/{uid}/roles/{role}", headers=headers
            ).raise_for_status()
    # The whole catalog exists before any token a Glance will see: keystonemiddleware
    # caches each token's catalog, and glance-download finds the source region in it.
    post("regions", "region", {"id": "RegionTwo"})
    image = post("services", "service", {"name": "glance", "type": "image"})["id"]
    public: dict[str, str] = {}
    for region, glance_url in zip(REGIONS, (lab.glance_url, lab.glance2_url), strict=True):
        for interface in ("public", "internal", "admin"):
            endpoint = post(
                "endpoints",
                "endpoint",
                {"service_id": image, "interface": interface, "url": glance_url, "region_id": region},
            )
            public.setdefault(region, endpoint["id"])
    _limits(http, lab, image, role_id("reader"))
    # Keystone's own endpoint is in RegionOne: the limit client finds it there
    lab.services.extra_glance_conf["glance2"] = configs.glance_limits_conf(
        url, PASSWORDS["glance"], public[QUOTA_REGION], REGIONS[0]
    )


def _limits(http: httpx.Client, lab: Lab, service_id: str, reader: str) -> None:
    """RegionTwo's quotas: Glance reads them as a system reader; writing them needs a system token."""
    url = lab.keystone_url
    system = {"X-Auth-Token": _system_token(http, url, lab.services.admin_password)}
    http.put(f"{url}/system/users/{lab.user_ids['glance']}/roles/{reader}", headers=system).raise_for_status()
    region = QUOTA_REGION
    registered = [
        {"service_id": service_id, "region_id": region, "resource_name": name, "default_limit": value}
        for name, value in DEFAULT_LIMITS.items()
    ]
    http.post(
        f"{url}/registered_limits", json={"registered_limits": registered}, headers=system
    ).raise_for_status()
    gamma = [
        {
            "service_id": service_id,
            "region_id": region,
            "project_id": lab.project_ids["gamma"],
            "resource_name": name,
            "resource_limit": value,
        }
        for name, value in GAMMA_LIMITS.items()
    ]
    http.post(f"{url}/limits", json={"limits": gamma}, headers=system).raise_for_status()


def _system_token(http: httpx.Client, url: str, password: str) -> str:
    identity = {"user": {"name": "admin", "domain": {"id": "default"}, "password": password}}
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": identity},
            "scope": {"system": {"all": True}},
        }
    }
    response = http.post(f"{url}/auth/tokens", json=body)
    response.raise_for_status()
    return response.headers["X-Subject-Token"]


def _app_credential(http: httpx.Client, lab: Lab) -> dict[str, str]:
    token = _token(http, lab.keystone_url, "alice", PASSWORDS["alice"], "alpha")
    response = http.post(
        f"{lab.keystone_url}/users/{lab.user_ids['alice']}/application_credentials",
        json={"application_credential": {"name": "imagedeck-lab"}},
        headers={"X-Auth-Token": token},
    )
    response.raise_for_status()
    cred = response.json()["application_credential"]
    return {"id": cred["id"], "secret": cred["secret"]}


def _clouds(lab: Lab, appcred: dict[str, str]) -> dict:
    def password_cloud(user: str, password: str, project: str) -> dict:
        return {
            "auth_type": "password",
            "auth": {
                "auth_url": lab.keystone_url,
                "username": user,
                "password": password,
                "project_name": project,
                "user_domain_name": "Default",
                "project_domain_name": "Default",
            },
            "region_name": "RegionOne",
            "regions": list(REGIONS),
            "interface": "public",
            "identity_api_version": 3,
        }

    def region_two(cloud: dict) -> dict:
        return {**cloud, "region_name": "RegionTwo", "regions": list(reversed(REGIONS))}

    admin = password_cloud("admin", lab.services.admin_password, "admin")
    alice = password_cloud("alice", PASSWORDS["alice"], "alpha")
    bob = password_cloud("bob", PASSWORDS["bob"], "beta")
    carol = region_two(password_cloud("carol", PASSWORDS["carol"], "gamma"))
    return {
        "clouds": {
            "lab-admin": admin,
            "lab-alice": alice,
            "lab-bob": bob,
            "lab-carol": carol,
            "lab-admin-r2": region_two(admin),
            "lab-alice-r2": region_two(alice),
            "lab-bob-r2": region_two(bob),
            "lab-alice-appcred": {
                "auth_type": "v3applicationcredential",
                "auth": {
                    "auth_url": lab.keystone_url,
                    "application_credential_id": appcred["id"],
                    "application_credential_secret": appcred["secret"],
                },
                "region_name": "RegionOne",
                "regions": list(REGIONS),
                "interface": "public",
                "identity_api_version": 3,
            },
        }
    }
