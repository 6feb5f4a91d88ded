"""Settings precedence: defaults < config file < environment < command line.

Every test names its own config file and environment, so the developer's real config
and variables never leak in.
"""

from pathlib import Path

import pytest

from imagedeck.config import ConfigError, Settings, config_path, load_settings


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs reads XDG_* at call time: keep the real user's config out of reach."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={})
    assert settings.cloud is None
    assert settings.store_path == tmp_path / "data" / "imagedeck" / "store"
    assert settings.themes_dir == tmp_path / "config" / "imagedeck" / "themes"
    assert settings.theme == "imagedeck-dark"
    assert settings.token_cache is True
    assert settings.max_transfers == 3
    assert settings.admin is False and settings.read_only is False
    assert settings.keymap == {}
    assert settings.config_file is None
    assert settings.project  # the login name


def test_file_overrides_defaults(tmp_path: Path) -> None:
    config = write(
        tmp_path / "config.yaml",
        "store_path: ~/images\nproject: alpha\ntheme: mono\nmax_transfers: 5\n"
        "token_cache: false\nkeymap:\n  accept: a,enter\n  quit: [q, ctrl+q]\n",
    )
    settings = load_settings(environ={"IMAGEDECK_CONFIG": str(config)})
    assert settings.store_path == Path("~/images").expanduser()
    assert settings.project == "alpha"
    assert settings.theme == "mono"
    assert settings.max_transfers == 5
    assert settings.token_cache is False
    assert settings.keymap == {"accept": "a,enter", "quit": "q,ctrl+q"}
    assert settings.config_file == config


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = write(tmp_path / "c.yaml", "store_path: /from/file\nproject: alpha\ncloud: filecloud\n")
    settings = load_settings(
        environ={
            "IMAGEDECK_CONFIG": str(config),
            "IMAGEDECK_STORE": str(tmp_path / "envstore"),
            "IMAGEDECK_PROJECT": "beta",
            "OS_CLOUD": "envcloud",
        }
    )
    assert settings.store_path == tmp_path / "envstore"
    assert settings.project == "beta"
    assert settings.cloud == "envcloud"


def test_command_line_overrides_environment() -> None:
    env = {"IMAGEDECK_PROJECT": "beta", "IMAGEDECK_STORE": "/env/store"}
    settings = load_settings({"project": "gamma", "admin": True, "read_only": None}, environ=env)
    assert settings.project == "gamma"
    assert settings.admin is True
    assert settings.read_only is False  # None means "not given"
    assert settings.store_path == Path("/env/store")


def test_store_on_command_line_means_local_even_with_os_cloud() -> None:
    settings = load_settings({"store_path": "/cli/store"}, environ={"OS_CLOUD": "prod"})
    assert settings.cloud is None
    assert settings.store_path == Path("/cli/store")
    assert load_settings({}, environ={"OS_CLOUD": "prod"}).cloud == "prod"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theme: mono\nproject: [a\n  b: c\n", "not valid YAML at line 3"),
        ("- just\n- a list\n", "must hold a mapping"),
        ("colour: blue\n", "unknown setting 'colour'"),
        ("max_transfers: 0\n", "'max_transfers'"),
        ("max_transfers: many\n", "whole number"),
        ("admin: perhaps\n", "true or false"),
        ("keymap: q\n", "mapping of binding id"),
        ("keymap:\n  quit: 3\n", "keymap entry 'quit'"),
        ("store_path: ''\n", "must be a path"),
    ],
)
def test_broken_file_is_a_clear_config_error(tmp_path: Path, text: str, expected: str) -> None:
    config = write(tmp_path / "bad.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"IMAGEDECK_CONFIG": str(config)})
    assert expected in caught.value.message
    assert str(config) in caught.value.message


def test_named_config_file_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={"IMAGEDECK_CONFIG": str(missing)})


def test_config_path_follows_environment(tmp_path: Path) -> None:
    assert config_path({"IMAGEDECK_CONFIG": str(tmp_path / "x.yaml")}) == tmp_path / "x.yaml"
    assert config_path({}) == tmp_path / "config" / "imagedeck" / "config.yaml"


def test_default_config_file_is_read(tmp_path: Path) -> None:
    default = tmp_path / "config" / "imagedeck" / "config.yaml"
    default.parent.mkdir(parents=True)
    write(default, "theme: imagedeck-light\n")
    settings = load_settings(environ={})
    assert settings.theme == "imagedeck-light"
    assert settings.config_file == default


def test_empty_file_and_yes_no_strings(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.yaml", "")
    assert load_settings(environ={"IMAGEDECK_CONFIG": str(empty)}).read_only is False
    flags = write(tmp_path / "flags.yaml", "read_only: 'yes'\nadmin: 'off'\n")
    settings = load_settings(environ={"IMAGEDECK_CONFIG": str(flags)})
    assert settings.read_only is True and settings.admin is False


def test_replace_checks_values() -> None:
    base = Settings(store_path=Path("/s"), project="p")
    assert base.replace(project="q").project == "q"
    with pytest.raises(ConfigError):
        base.replace(max_transfers=-1)


def test_sourced_openrc_selects_the_environment_cloud(tmp_path: Path) -> None:
    openrc = {"OS_AUTH_URL": "http://127.0.0.1:5000/v3", "OS_USERNAME": "alice"}
    assert load_settings({}, environ=openrc).cloud == "envvars"
    assert load_settings({}, environ={**openrc, "OS_CLOUD": "named"}).cloud == "named"
    assert load_settings({"store_path": str(tmp_path)}, environ=openrc).cloud is None
