"""clouds.yaml / secure.yaml / OS_* resolution, with files in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from imagedeck.model import Invalid, NotFound
from imagedeck.stores.clouds import cloud_names, find_file, get_cloud

CLOUDS = {
    "clouds": {
        "prod": {
            "auth": {
                "auth_url": "https://keystone.example:5000/v3",
                "username": "ann",
                "project-name": "ops",
                "user_domain_name": "Default",
            },
            "region_name": "RegionTwo",
            "interface": "internal",
            "cacert": "/etc/ssl/prod-ca.pem",
        },
        "lab": {
            "auth_type": "v3applicationcredential",
            "auth": {"auth_url": "http://127.0.0.1:5000", "application_credential_id": "abc"},
            "verify": False,
            "regions": ["North", "South"],
            "image_endpoint_override": "http://127.0.0.1:9292/",
        },
    }
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated HOME and working directory with no OpenStack files at all."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path / "home"


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))
    return path


def test_user_config_dir_is_found_and_secure_yaml_is_merged(home: Path) -> None:
    write(home / ".config/openstack/clouds.yaml", CLOUDS)
    write(
        home / ".config/openstack/secure.yaml",
        {
            "clouds": {
                "prod": {"auth": {"password": "s3cret"}},
                "lab": {"auth": {"application_credential_secret": "shh"}},
            }
        },
    )
    prod = get_cloud("prod", environ={})
    assert prod.auth_url == "https://keystone.example:5000/v3"
    assert prod.auth == {
        "username": "ann",
        "project_name": "ops",
        "user_domain_name": "Default",
        "password": "s3cret",
    }
    assert (prod.region_name, prod.interface, prod.cacert) == (
        "RegionTwo",
        "internal",
        "/etc/ssl/prod-ca.pem",
    )
    assert prod.verify is True and prod.auth_type == "password"
    lab = get_cloud("lab", environ={})
    assert lab.auth["application_credential_secret"] == "shh"
    assert lab.verify is False and lab.region_name == "North"
    assert lab.image_endpoint_override == "http://127.0.0.1:9292/"


def test_current_directory_wins_over_user_dir(home: Path) -> None:
    write(home / ".config/openstack/clouds.yaml", CLOUDS)
    write(Path.cwd() / "clouds.yaml", {"clouds": {"local-only": {"auth": {"auth_url": "http://x"}}}})
    assert cloud_names(environ={}) == ["local-only"]


def test_os_client_config_file_wins_over_everything(home: Path, tmp_path: Path) -> None:
    write(Path.cwd() / "clouds.yaml", CLOUDS)
    chosen = write(tmp_path / "elsewhere.yaml", {"clouds": {"picked": {"auth": {"auth_url": "http://y"}}}})
    env = {"OS_CLIENT_CONFIG_FILE": str(chosen)}
    assert find_file("clouds", "OS_CLIENT_CONFIG_FILE", env) == chosen
    assert cloud_names(environ=env) == ["picked"]


def test_os_cloud_selects_the_default(home: Path) -> None:
    write(Path.cwd() / "clouds.yaml", CLOUDS)
    assert get_cloud(environ={"OS_CLOUD": "lab"}).name == "lab"
    assert get_cloud("prod", environ={"OS_CLOUD": "lab"}).name == "prod"


def test_openrc_variables_make_a_cloud(home: Path) -> None:
    env = {
        "OS_AUTH_URL": "http://k:5000/v3",
        "OS_USERNAME": "bob",
        "OS_PASSWORD": "pw",
        "OS_PROJECT_NAME": "beta",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_ID": "default",
        "OS_REGION_NAME": "RegionOne",
        "OS_INTERFACE": "public",
        "OS_INSECURE": "true",
    }
    cloud = get_cloud(environ=env)
    assert cloud.name == "envvars" and cloud.auth_url == "http://k:5000/v3"
    assert cloud.auth["project_domain_id"] == "default" and cloud.auth["password"] == "pw"
    assert cloud.region_name == "RegionOne" and cloud.verify is False
    assert "envvars" in cloud_names(environ=env)


def test_unknown_cloud_lists_the_known_ones(home: Path) -> None:
    write(Path.cwd() / "clouds.yaml", CLOUDS)
    with pytest.raises(NotFound, match="no cloud named 'nope'.*known clouds: lab, prod"):
        get_cloud("nope", environ={})
    with pytest.raises(NotFound, match="no cloud selected"):
        get_cloud(environ={})


def test_a_broken_file_is_reported(home: Path) -> None:
    (Path.cwd() / "clouds.yaml").write_text("clouds: [unclosed")
    with pytest.raises(Invalid, match="clouds.yaml"):
        get_cloud("x", environ={})


def test_secrets_stay_out_of_repr_and_identity(home: Path) -> None:
    write(Path.cwd() / "clouds.yaml", CLOUDS)
    write(Path.cwd() / "secure.yaml", {"clouds": {"prod": {"auth": {"password": "s3cret"}}}})
    cloud = get_cloud("prod", environ={})
    assert "s3cret" not in repr(cloud)
    assert "s3cret" not in repr(cloud.identity())
    assert cloud.identity()["username"] == "ann"
