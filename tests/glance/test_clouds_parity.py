"""imagedeck reads clouds.yaml, secure.yaml, clouds-public.yaml and OS_* as openstacksdk does.

Each variant's files go into a directory of their own (the working directory, and a HOME
inside it); the same files and environment go to imagedeck's loader here and to openstacksdk's
loader in the lab virtualenv (tests/lab/sdk_cloud.py, one process for every variant). What is
compared is what decides a connection: the Keystone token request (URL and JSON body: who,
with which secret, scoped to what), region, interface, image endpoint override and TLS checks.

The comparison is marked ``lab``: it starts no service, but it needs the lab's virtualenv
(openstacksdk and keystoneauth), whose first install takes minutes and needs the network,
which ``-m "not lab"`` promises not to do. The plain tests at the end pin the same rules
without openstacksdk, so they run everywhere.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from imagedeck.config import load_settings
from imagedeck.model import ImageDeckError, Invalid
from imagedeck.stores.clouds import get_cloud
from imagedeck.stores.keystone import auth_body, tokens_url
from tests.lab.services import ensure_venv

HELPER = Path(__file__).resolve().parents[1] / "lab" / "sdk_cloud.py"
KS = "auth_url: https://keystone.example/v3"


@dataclass(frozen=True)
class Variant:
    #: relative path -> text; ``{dir}`` in a text or an env value is the variant's directory
    files: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    cloud: str | None = "c"
    #: why imagedeck deliberately reads this differently (then the two must differ)
    differs: str | None = None


def cloud(settings: str, name: str = "c") -> str:
    """A clouds file with one cloud whose settings are ``settings`` (YAML, indented 4)."""
    return f"clouds:\n  {name}:\n" + "".join(f"    {line}\n" for line in settings.splitlines())


def password(extra: str = "", name: str = "c") -> str:
    """A password cloud for user ann; ``extra`` lines indented by 2 go under ``auth:``."""
    return cloud(f"auth:\n  {KS}\n  username: ann\n  password: pw\n" + extra, name)


def user(user_id: str) -> str:
    """A cloud that signs in as the user with id ``user_id``."""
    return cloud(f"auth:\n  {KS}\n  user_id: {user_id}\n  password: pw")


OPENRC = {
    "OS_AUTH_URL": "https://keystone.example/v3",
    "OS_USERNAME": "ann",
    "OS_PASSWORD": "pw",
    "OS_USER_DOMAIN_NAME": "Users",
    "OS_PROJECT_DOMAIN_NAME": "Projects",
    "OS_PROJECT_NAME": "ops",
}
PUBLIC = (
    "public-clouds:\n  vendor:\n    auth:\n      auth_url: https://{region_name}.vendor.example/v3\n"
    "    regions: [north, south]\n    image_endpoint_override: https://img.{region_name}.example\n"
)

VARIANTS: dict[str, Variant] = {
    # -- password --------------------------------------------------------------------------
    "password, domains by name": Variant(
        {"clouds.yaml": password("  project_name: ops\n  user_domain_name: U\n  project_domain_name: P")}
    ),
    "password, domains by id": Variant(
        {"clouds.yaml": password("  project_name: ops\n  user_domain_id: u1\n  project_domain_id: p1")}
    ),
    "user id and project id": Variant(
        {"clouds.yaml": cloud(f"auth:\n  {KS}\n  user_id: u9\n  password: pw\n  project_id: p9")}
    ),
    "dashes in key names": Variant(
        {
            "clouds.yaml": cloud(
                "auth:\n  auth-url: https://k.example/v3\n  user-name: ann\n  username: ann\n"
                "  password: pw\n  project-name: ops\n  user-domain-id: u\n"
                "  project-domain-id: p\nregion-name: R"
            )
        }
    ),
    "domain_name shared by user and project": Variant(
        {"clouds.yaml": password("  project_name: ops\n  domain_name: Shared")}
    ),
    "top-level domain_id shared": Variant({"clouds.yaml": password("  project_name: ops\ndomain_id: d7")}),
    "domain scope": Variant({"clouds.yaml": password("  user_domain_id: u\n  domain_id: d7")}),
    "system scope": Variant({"clouds.yaml": password("  user_domain_id: u\n  system_scope: all")}),
    "default_domain_id fills both": Variant(
        {"clouds.yaml": password("  project_name: ops\n  default_domain_id: dd")}
    ),
    "default_domain_name fills only what is missing": Variant(
        {"clouds.yaml": password("  project_name: ops\n  user_domain_name: U\n  default_domain_name: D")}
    ),
    "top-level project_name": Variant(
        {"clouds.yaml": password("  user_domain_name: U\n  project_domain_name: Pr\nproject_name: ops")}
    ),
    "top-level project_name beats auth's": Variant(
        {
            "clouds.yaml": password(
                "  project_name: inner\n  user_domain_id: u\n  project_domain_id: p\nproject_name: outer"
            )
        }
    ),
    "tenant_name in auth": Variant(
        {"clouds.yaml": password("  tenant_name: ops\n  user_domain_id: u\n  project_domain_id: p")}
    ),
    "tenant_id in auth": Variant({"clouds.yaml": password("  tenant_id: t1\n  user_domain_id: u")}),
    "top-level tenant_name loses to auth project_name": Variant(
        {
            "clouds.yaml": password(
                "  project_name: p2\n  user_domain_id: u\n  project_domain_id: p\ntenant_name: t2"
            )
        }
    ),
    "auth settings next to auth:": Variant(
        {
            "clouds.yaml": cloud(
                f"auth:\n  {KS}\nusername: ann\npassword: pw\nuser_domain_id: u\n"
                "project_id: p1\nauth_url: https://ignored.example/v3"
            )
        }
    ),
    # -- application credentials and tokens ----------------------------------------------
    "application credential by id": Variant(
        {
            "clouds.yaml": cloud(
                f"auth_type: v3applicationcredential\nauth:\n  {KS}\n"
                "  application_credential_id: ac1\n  application_credential_secret: s"
            )
        }
    ),
    "application credential by name": Variant(
        {
            "clouds.yaml": cloud(
                f"auth_type: v3applicationcredential\nauth:\n  {KS}\n  username: ann\n"
                "  user_domain_name: Users\n  application_credential_name: ac\n"
                "  application_credential_secret: s"
            )
        }
    ),
    "token with project id": Variant(
        {"clouds.yaml": cloud(f"auth_type: token\nauth:\n  {KS}\n  token: t0k\n  project_id: p1")}
    ),
    "v3token with project name": Variant(
        {
            "clouds.yaml": cloud(
                f"auth_type: v3token\nauth:\n  {KS}\n  token: t0k\n  project_name: ops\n"
                "  project_domain_id: p"
            )
        }
    ),
    # -- where the files are ---------------------------------------------------------------
    "secure.yaml next to clouds.yaml in HOME": Variant(
        {
            "home/.config/openstack/clouds.yaml": cloud(
                f"auth:\n  {KS}\n  username: ann\n  user_domain_id: u"
            ),
            "home/.config/openstack/secure.yaml": cloud("auth:\n  password: from-secure"),
        }
    ),
    "OS_CLIENT_SECURE_FILE": Variant(
        {
            "clouds.yaml": cloud(f"auth:\n  {KS}\n  user_id: u1"),
            "elsewhere/s.yaml": cloud("auth:\n  password: s2"),
        },
        env={"OS_CLIENT_SECURE_FILE": "{dir}/elsewhere/s.yaml"},
    ),
    "a cloud only secure.yaml names": Variant(
        {"clouds.yaml": cloud(f"auth:\n  {KS}", "other"), "secure.yaml": user("u")}
    ),
    "current directory wins over HOME": Variant(
        {"clouds.yaml": user("here"), "home/.config/openstack/clouds.yaml": user("home")}
    ),
    "OS_CLIENT_CONFIG_FILE wins": Variant(
        {"clouds.yaml": user("here"), "x/y.yaml": user("y")}, env={"OS_CLIENT_CONFIG_FILE": "{dir}/x/y.yaml"}
    ),
    # -- OS_* (an openrc file) -------------------------------------------------------------
    "openrc password": Variant(
        {}, env={**OPENRC, "OS_REGION_NAME": "R2", "OS_INTERFACE": "internal"}, cloud=None
    ),
    "openrc tenant name and endpoint type": Variant(
        {},
        cloud=None,
        env={
            "OS_AUTH_URL": "https://k.example:5000",
            "OS_USERNAME": "ann",
            "OS_PASSWORD": "pw",
            "OS_TENANT_NAME": "ops",
            "OS_USER_DOMAIN_ID": "u",
            "OS_PROJECT_DOMAIN_ID": "p",
            "OS_ENDPOINT_TYPE": "internalURL",
        },
    ),
    "openrc application credential": Variant(
        {},
        cloud=None,
        env={
            "OS_AUTH_URL": "https://k.example/v3",
            "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_APPLICATION_CREDENTIAL_ID": "ac1",
            "OS_APPLICATION_CREDENTIAL_SECRET": "s",
        },
    ),
    "openrc token": Variant(
        {},
        cloud=None,
        env={
            "OS_AUTH_URL": "https://k.example/v3",
            "OS_AUTH_TYPE": "token",
            "OS_TOKEN": "t0k",
            "OS_PROJECT_ID": "p",
        },
    ),
    "openrc default domain and override": Variant(
        {},
        cloud=None,
        env={
            **OPENRC,
            "OS_USER_DOMAIN_NAME": "",
            "OS_PROJECT_DOMAIN_NAME": "",
            "OS_DEFAULT_DOMAIN_ID": "dd",
            "OS_IMAGE_ENDPOINT_OVERRIDE": "https://img.example:9292",
        },
    ),
    "OS_CLOUD_NAME names the openrc cloud": Variant({}, env={**OPENRC, "OS_CLOUD_NAME": "mine"}, cloud=None),
    "OS_CLOUD_NAME cloud asked for by name": Variant(
        {}, env={**OPENRC, "OS_CLOUD_NAME": "mine"}, cloud="mine"
    ),
    "OS_INSECURE=true": Variant({}, env={**OPENRC, "OS_INSECURE": "true"}, cloud=None),
    "OS_INSECURE=1 is not true": Variant({}, env={**OPENRC, "OS_INSECURE": "1"}, cloud=None),
    "OS_CACERT": Variant({}, env={**OPENRC, "OS_CACERT": "/etc/ssl/ca.pem"}, cloud=None),
    "clouds.yaml and OS_*: OS_* without OS_CLOUD": Variant(
        {"clouds.yaml": password("  user_domain_id: file")}, env=OPENRC, cloud=None
    ),
    "clouds.yaml and OS_*: OS_CLOUD picks the file": Variant(
        {"clouds.yaml": password("  user_domain_id: file")}, env={**OPENRC, "OS_CLOUD": "c"}, cloud=None
    ),
    "clouds.yaml and OS_* both named envvars": Variant(
        {"clouds.yaml": password("  user_domain_id: u", "envvars")}, env=OPENRC, cloud="envvars"
    ),
    # -- regions, interface, endpoint ------------------------------------------------------
    "region_name text": Variant({"clouds.yaml": password("  user_id: u\nregion_name: R1")}),
    "region_name a list": Variant({"clouds.yaml": password("  user_id: u\nregion_name: [r1, r2]")}),
    "region_name with commas": Variant({"clouds.yaml": password("  user_id: u\nregion_name: r1,r2")}),
    "regions of names beat region_name": Variant(
        {"clouds.yaml": password("  user_id: u\nregions: [first, second]\nregion_name: other")}
    ),
    "regions with values": Variant(
        {
            "clouds.yaml": password(
                "  user_id: u\nregions:\n  - name: r1\n    values:\n      image_endpoint_override: https://img.r1\n"
                "      interface: internal\n  - r2"
            )
        }
    ),
    "image_endpoint_override": Variant(
        {"clouds.yaml": password("  user_id: u\nimage_endpoint_override: http://127.0.0.1:9292/")}
    ),
    "top-level interface": Variant({"clouds.yaml": password("  user_id: u\ninterface: admin")}),
    "endpoint_type": Variant({"clouds.yaml": password("  user_id: u\nendpoint_type: internalURL")}),
    "image_interface beats interface": Variant(
        {"clouds.yaml": password("  user_id: u\ninterface: internal\nimage_interface: admin")}
    ),
    # -- TLS -------------------------------------------------------------------------------
    "verify false": Variant({"clouds.yaml": password("  user_id: u\nverify: false")}),
    "cacert": Variant({"clouds.yaml": password("  user_id: u\ncacert: /etc/ssl/ca.pem")}),
    "cacert under ~": Variant({"clouds.yaml": password("  user_id: u\ncacert: ~/ca.pem")}),
    "insecure true beats cacert": Variant(
        {"clouds.yaml": password("  user_id: u\ninsecure: true\ncacert: /x")}
    ),
    "verify a CA bundle path": Variant({"clouds.yaml": password("  user_id: u\nverify: /etc/ssl/b.pem")}),
    # -- profiles --------------------------------------------------------------------------
    "profile from clouds-public.yaml": Variant(
        {
            "clouds-public.yaml": PUBLIC,
            "clouds.yaml": cloud("profile: vendor\nregion_name: south\nauth:\n  user_id: u\n  password: pw"),
        }
    ),
    "profile's first region": Variant(
        {
            "home/.config/openstack/clouds-public.yaml": PUBLIC,
            "clouds.yaml": cloud("profile: vendor\nauth:\n  user_id: u\n  password: pw"),
        }
    ),
    "old `cloud:` key names the profile": Variant(
        {
            "clouds-public.yaml": PUBLIC,
            "clouds.yaml": cloud("cloud: vendor\ninterface: internal\nauth:\n  user_id: u\n  password: pw"),
        }
    ),
    # -- refusals both make ----------------------------------------------------------------
    "unknown cloud": Variant({"clouds.yaml": password("  user_id: u")}, cloud="nope"),
    "missing auth_url": Variant({"clouds.yaml": cloud("auth:\n  user_id: u\n  password: pw")}),
    "a placeholder naming nothing": Variant(
        {
            "clouds.yaml": cloud(
                "auth:\n  auth_url: https://{nowhere}.example/v3\n  user_id: u\n  password: pw"
            )
        }
    ),
    # -- deliberate differences ------------------------------------------------------------
    "no domain for a user name": Variant(
        {"clouds.yaml": password("  project_name: ops")},
        differs="imagedeck uses the default domain as the openstack command does (OS_DEFAULT_DOMAIN); "
        "bare openstacksdk names no domain and Keystone refuses the request",
    ),
    "token without auth_type": Variant(
        {"clouds.yaml": cloud(f"auth:\n  {KS}\n  token: t0k\n  project_id: p1")},
        differs="a token and no password means token auth, as the openstack command guesses; "
        "openstacksdk tries password auth and fails",
    ),
    "application credential without auth_type": Variant(
        {
            "clouds.yaml": cloud(
                f"auth:\n  {KS}\n  application_credential_id: a\n  application_credential_secret: s"
            )
        },
        differs="a credential secret means application credential auth; openstacksdk tries a password",
    ),
    "a lone cloud is not picked": Variant(
        {"clouds.yaml": password("  user_id: u")},
        cloud=None,
        differs="no cloud named means the local store in imagedeck, never a guessed cloud",
    ),
    "a file cloud named envvars without OS_*": Variant(
        {"clouds.yaml": password("  user_id: u", "envvars")},
        cloud="envvars",
        differs="openstacksdk refuses the name even when no OS_* variable makes a cloud; "
        "nothing is ambiguous",
    ),
    "built-in vendor profile": Variant(
        {"clouds.yaml": cloud("profile: citycloud\nauth:\n  user_id: u\n  password: pw")},
        differs="openstacksdk's built-in vendor files are not shipped; imagedeck says where to define it",
    ),
    "unknown profile": Variant(
        {"clouds.yaml": cloud(f"profile: nosuch\nauth:\n  {KS}\n  user_id: u\n  password: pw")},
        differs="openstacksdk warns and goes on without the profile; imagedeck refuses in one line",
    ),
}


def prepare(root: Path, variant: Variant) -> dict[str, str]:
    """Write the variant's files under ``root``; its environment, with ``{dir}`` filled in."""
    (root / "home").mkdir(parents=True, exist_ok=True)
    for relative, text in variant.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{dir}", str(root)))
    return {key: value.replace("{dir}", str(root)) for key, value in variant.env.items()}


@pytest.fixture(scope="session")
def sdk_views(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """openstacksdk's reading of every variant, in one run of the lab virtualenv's python."""
    python = ensure_venv() / "bin" / "python"
    cases, roots = [], {}
    for index, (name, variant) in enumerate(VARIANTS.items()):
        root = tmp_path_factory.mktemp(f"variant{index}")
        env = prepare(root, variant)
        roots[name] = root
        cases.append({"cwd": str(root), "cloud": variant.cloud, "env": {"HOME": str(root / "home"), **env}})
    done = subprocess.run(
        [str(python), str(HELPER)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    views = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(views) == len(cases), done.stderr[-2000:]
    return {name: (roots[name], view) for name, view in zip(VARIANTS, views, strict=True)}


def sdk_view(raw: dict[str, Any]) -> dict[str, Any]:
    if not raw["ok"]:
        return {"ok": False}
    view = {
        key: raw[key]
        for key in (
            "name",
            "auth_url",
            "token_url",
            "body",
            "region_name",
            "image_endpoint_override",
            "verify",
        )
    }
    view["interface"] = raw["interface"].removesuffix("URL")  # keystoneauth matches publicURL as public
    return {"ok": True, **view}


def imagedeck_view(name: str | None, env: dict[str, str]) -> dict[str, Any]:
    try:
        cloud = get_cloud(name, environ=env)
        body = auth_body(cloud)
    except ImageDeckError as exc:
        assert "\n" not in str(exc) and "Traceback" not in str(exc)
        return {"ok": False}
    return {
        "ok": True,
        "name": cloud.name,
        "auth_url": cloud.auth_url,
        "token_url": tokens_url(cloud.auth_url),
        "body": body,
        "region_name": cloud.region_name,
        "interface": cloud.interface,
        "image_endpoint_override": cloud.image_endpoint_override,
        "verify": (cloud.cacert or True) if cloud.verify else False,
    }


@pytest.mark.lab
@pytest.mark.parametrize("name", VARIANTS)
def test_imagedeck_reads_clouds_as_openstacksdk_does(name: str, sdk_views, monkeypatch) -> None:
    root, raw = sdk_views[name]
    variant = VARIANTS[name]
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", str(root / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    ours = imagedeck_view(variant.cloud, prepare(root, variant))
    theirs = sdk_view(raw)
    if variant.differs:
        assert ours != theirs, f"no longer differs ({variant.differs}): both give {ours}"
    else:
        assert ours == theirs, raw.get("error")


def test_there_are_enough_variants() -> None:
    assert len([v for v in VARIANTS.values() if not v.differs]) >= 30


# -- the same rules without openstacksdk -------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path


def read(workdir: Path, name: str) -> dict[str, str]:
    env = prepare(workdir, VARIANTS[name])
    return auth_body(get_cloud(VARIANTS[name].cloud, environ=env))["auth"]


def test_a_top_level_project_name_scopes_the_token(workdir: Path) -> None:
    scope = read(workdir, "top-level project_name")["scope"]
    assert scope == {"project": {"name": "ops", "domain": {"name": "Pr"}}}


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("tenant_name in auth", {"project": {"name": "ops", "domain": {"id": "p"}}}),
        ("tenant_id in auth", {"project": {"id": "t1"}}),
    ],
)
def test_tenant_names_are_project_names(workdir: Path, name: str, scope: dict) -> None:
    assert read(workdir, name)["scope"] == scope


def test_a_list_of_region_names_means_the_first(workdir: Path) -> None:
    env = prepare(workdir, VARIANTS["region_name a list"])
    assert get_cloud("c", environ=env).region_name == "r1"


def test_a_region_brings_its_values(workdir: Path) -> None:
    cloud = get_cloud("c", environ=prepare(workdir, VARIANTS["regions with values"]))
    assert (cloud.region_name, cloud.interface, cloud.image_endpoint_override) == (
        "r1",
        "internal",
        "https://img.r1",
    )


def test_os_cloud_name_renames_the_openrc_cloud_the_settings_pick(workdir: Path) -> None:
    env = {**OPENRC, "OS_CLOUD_NAME": "mine"}
    settings = load_settings({}, environ=env)
    assert get_cloud(settings.cloud, environ=env).name == "mine"


def test_a_profile_fills_auth_url_region_and_endpoint(workdir: Path) -> None:
    cloud = get_cloud("c", environ=prepare(workdir, VARIANTS["profile from clouds-public.yaml"]))
    assert cloud.auth_url == "https://south.vendor.example/v3" and cloud.region_name == "south"
    assert cloud.image_endpoint_override == "https://img.south.example"


def test_a_vendor_profile_not_defined_locally_says_where_to_define_it(workdir: Path) -> None:
    env = prepare(workdir, VARIANTS["built-in vendor profile"])
    with pytest.raises(
        Invalid,
        match=r"profile 'citycloud', which no clouds-public.yaml defines.*"
        r"`public-clouds:`",
    ) as raised:
        get_cloud("c", environ=env)
    assert "\n" not in str(raised.value)


def test_an_openrc_cloud_and_a_file_cloud_of_one_name_are_refused(workdir: Path) -> None:
    env = prepare(workdir, VARIANTS["clouds.yaml and OS_* both named envvars"])
    with pytest.raises(Invalid, match="defines a cloud named 'envvars' and the OS_\\* variables"):
        get_cloud("envvars", environ=env)
