"""A clouds.yaml or secure.yaml of any shape ends in one Invalid naming the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagedeck.model import ImageDeckError, Invalid
from imagedeck.stores.clouds import cloud_names, get_cloud
from imagedeck.stores.keystone import auth_body

GOOD = "clouds:\n  prod:\n    auth:\n      auth_url: http://k/v3\n      username: ann\n"


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """clouds.yaml and secure.yaml in a temporary directory, nothing else to find."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    return {"clouds": tmp_path / "clouds.yaml", "secure": tmp_path / "secure.yaml"}


def environ(files: dict[str, Path]) -> dict[str, str]:
    return {"OS_CLIENT_CONFIG_FILE": str(files["clouds"]), "OS_CLIENT_SECURE_FILE": str(files["secure"])}


def entry(text: str) -> str:
    """A clouds file whose cloud ``prod`` has a good auth plus ``text`` (indented as settings)."""
    return GOOD + "".join(f"    {line}\n" for line in text.splitlines())


BAD_CLOUDS = {
    "entry a list": ("clouds:\n  prod: [1, 2]\n", "cloud 'prod' must be a mapping"),
    "entry text": ("clouds:\n  prod: just text\n", "cloud 'prod' must be a mapping"),
    "entry a number": ("clouds:\n  prod: 5\n", "not a number"),
    "auth a list": ("clouds:\n  prod:\n    auth: [a]\n", "`auth` must be a mapping"),
    "auth text": ("clouds:\n  prod:\n    auth: secret\n", "`auth` must be a mapping"),
    "auth a number": ("clouds:\n  prod:\n    auth: 3\n", "`auth` must be a mapping"),
    "password a list": (entry("auth:\n  password: [x]"), "`auth.password` must be text"),
    "auth_url a mapping": ("clouds:\n  prod:\n    auth:\n      auth_url: {a: 1}\n", "`auth.auth_url`"),
    "username true": (entry("auth:\n  user-name: yes"), "`auth.user_name` must be text, not true/false"),
    "regions text": (entry("regions: RegionOne"), "`regions` must be a list"),
    "regions of lists": (entry("regions: [[1]]"), "`regions[0]` must be text"),
    "region name a list": (entry("regions: [{name: [x]}]"), "`regions[0].name` must be text"),
    "region_name a mapping": (entry("region_name: {x: 1}"), "`region_name` must be text"),
    "region_name nested lists": (entry("region_name: [[x]]"), "`region_name[0]` must be text"),
    "region values a list": (entry("regions: [{name: r, values: [1]}]"), "regions[0].values must be a"),
    "region without a name": (entry("regions: [{values: {}}]"), "`regions[0]` has no `name`"),
    "profile a list": (entry("profile: [x]"), "`profile` must be text"),
    "top-level project_name a list": (entry("project_name: [x]"), "`project_name` must be text"),
    "verify a list": (entry("verify: [1]"), "`verify` must be true, false or a CA bundle path"),
    "insecure a number": (entry("insecure: 1.5"), "`insecure`"),
    "cacert a mapping": (entry("cacert: {a: 1}"), "`cacert` must be text"),
    "override a list": (entry("image_endpoint_override: [x]"), "`image_endpoint_override`"),
    "interface a mapping": (entry("interface: {x: 1}"), "`interface` must be text"),
    "auth_type a list": (entry("auth_type: [password]"), "`auth_type` must be text"),
    "clouds a list": ("clouds: [a, b]\n", "`clouds:` must map cloud names"),
    "document a list": ("- a\n- b\n", "expected a mapping"),
    "not YAML": ("clouds: [unclosed\n", "is not valid YAML"),
    "an impossible date": ("clouds:\n  prod:\n    made: 2020-02-30\n", "is not valid YAML"),
}


@pytest.mark.parametrize(("text", "says"), BAD_CLOUDS.values(), ids=BAD_CLOUDS.keys())
@pytest.mark.parametrize("where", ["clouds", "secure"])
def test_a_wrong_shape_is_one_invalid_naming_file_and_key(files, text: str, says: str, where: str) -> None:
    files["clouds"].write_text(GOOD if where == "secure" else text)
    files["secure"].write_text(text if where == "secure" else "clouds: {}\n")
    with pytest.raises(Invalid) as raised:
        get_cloud("prod", environ=environ(files))
    message = str(raised.value)
    assert str(files[where]) in message and says in message
    assert "\n" not in message


@pytest.mark.parametrize("where", ["clouds", "secure"])
def test_a_file_that_is_not_utf8_is_named(files, where: str) -> None:
    files["clouds"].write_text(GOOD)
    files["secure"].write_text("clouds: {}\n")
    files[where].write_bytes(b"clouds:\n  prod:\n    auth: {password: caf\xe9}\n")
    with pytest.raises(Invalid, match=r"is not UTF-8 text \(byte 40\)") as raised:
        cloud_names(environ=environ(files))
    assert str(files[where]) in str(raised.value)


def test_numbers_and_empty_values_still_read_as_before(files) -> None:
    files["clouds"].write_text(
        entry(
            "auth:\n  auth_url: http://k/v3\n  project_id: 1234\n  password:\nregions: [{name: North}, South]"
        )
    )
    files["secure"].write_text("clouds:\n  prod:\n    auth:\n      password: 0999\n")
    cloud = get_cloud("prod", environ=environ(files))
    assert cloud.auth == {"project_id": "1234", "password": "0999"}
    assert cloud.region_name == "North"


# -- anything at all ---------------------------------------------------------------------

#: Keys the loader reads, so random documents hit them often.
KEYS = [
    "clouds",
    "prod",
    "auth",
    "auth_url",
    "auth-url",
    "username",
    "user_id",
    "password",
    "project_name",
    "project_id",
    "token",
    "application_credential_id",
    "application_credential_secret",
    "auth_type",
    "region_name",
    "regions",
    "name",
    "interface",
    "endpoint_type",
    "verify",
    "insecure",
    "cacert",
    "cert",
    "key",
    "image_endpoint_override",
    "system_scope",
    "domain_id",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["http://k/v3", "password", "token", "true", "no"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5) | st.integers(), inner, max_size=4)
    ),
    max_leaves=16,
)
settings_ = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)
documents = st.one_of(
    values,
    st.fixed_dictionaries({"clouds": values}),
    st.fixed_dictionaries({"clouds": st.fixed_dictionaries({"prod": values})}),
    st.fixed_dictionaries(
        {
            "clouds": st.fixed_dictionaries(
                {
                    "prod": settings_.map(
                        lambda s: {**s, "auth": s.get("auth") if "auth" in s else {"auth_url": "http://k/v3"}}
                    )
                }
            )
        }
    ),
)


def read_everything(env: dict[str, str]) -> None:
    """Every path through the loader and what is built from a loaded cloud."""
    try:
        cloud_names(environ=env)
        cloud = get_cloud("prod", environ=env)
        json.dumps(cloud.token_binding())
        auth_body(cloud)
    except ImageDeckError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents, secure=st.booleans())
def test_random_yaml_only_ever_raises_typed_errors(files, document, secure: bool) -> None:
    files["clouds"].write_text(GOOD if secure else yaml.safe_dump(document))
    files["secure"].write_text(yaml.safe_dump(document) if secure else "clouds: {}\n")
    read_everything(environ(files))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_random_bytes_only_ever_raise_typed_errors(files, data: bytes) -> None:
    files["clouds"].write_bytes(data)
    files["secure"].write_text("clouds: {}\n")
    read_everything(environ(files))
