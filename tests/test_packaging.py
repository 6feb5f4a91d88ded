"""imagedeck installs and runs as ``imagedeck`` with its themes: from a checkout, ``--user`` and a wheel.

Each install goes into a place of its own (a new virtual environment, or a new user base);
the dependencies come from the test environment through PYTHONPATH, so nothing is downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPS = sysconfig.get_paths()["purelib"]
VERSION = next(
    line.split('"')[1]
    for line in (ROOT / "tui" / "__init__.py").read_text().splitlines()
    if line.startswith("__version__")
)
THEMES = sorted(path.name for path in (ROOT / "themes").glob("*.yaml"))
#: Prints where imagedeck was imported from, its version and the themes it ships, as it runs installed.
PROBE = (
    "import imagedeck; from imagedeck.themes import packaged_themes_dir; "
    "print(imagedeck.__file__); print(imagedeck.__version__); "
    "print(sorted(p.name for p in packaged_themes_dir().glob('*.yaml')))"
)


def run(*argv: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, env=env, timeout=300, cwd="/"
    )
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """No trace of the test environment but its dependencies: imagedeck must come from the install."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {**env, "PYTHONPATH": DEPS, "PYTHONNOUSERSITE": "", **extra}


def check_installed(python: Path, where: Path, env: dict[str, str], script: Path) -> None:
    lines = run(python, "-c", PROBE, env=env).splitlines()
    assert Path(lines[0]).is_relative_to(where), lines[0]
    assert lines[1] == VERSION
    assert lines[2] == repr(THEMES)
    assert run(script, "--version", env=env).strip() == f"imagedeck {lines[1]}"
    assert run(python, "-m", "imagedeck", "--version", env=env).strip() == f"imagedeck {lines[1]}"


def new_venv(path: Path) -> Path:
    run(sys.executable, "-m", "venv", path)
    return path / "bin" / "python"


def pip(python: Path, *argv: str | Path, env: dict[str, str]) -> None:
    run(python, "-m", "pip", "--disable-pip-version-check", "-q", "install", "--no-deps", *argv, env=env)


def site_of(python: Path, scheme: str = "purelib") -> Path:
    return Path(run(python, "-c", f"import sysconfig; print(sysconfig.get_paths()[{scheme!r}])").strip())


def test_every_source_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"imagedeck.builtin_themes"} | {
        ".".join(("imagedeck", *path.parent.relative_to(ROOT / "tui").parts))
        for path in (ROOT / "tui").rglob("__init__.py")
    }
    assert listed == found


def test_install_into_a_virtual_environment(tmp_path: Path) -> None:
    python = new_venv(tmp_path / "venv")
    pip(python, ROOT, env=clean_env())
    check_installed(python, site_of(python), clean_env(), tmp_path / "venv" / "bin" / "imagedeck")


def test_install_for_the_user_only(tmp_path: Path) -> None:
    base = tmp_path / "userbase"
    env = clean_env(PYTHONUSERBASE=str(base))
    env.pop("PYTHONNOUSERSITE")
    python = Path(sys._base_executable)  # the user site belongs to the interpreter, not to a venv
    pip(python, "--user", "--no-warn-script-location", ROOT, env=env)
    check_installed(python, base, env, base / "bin" / "imagedeck")


def test_a_wheel_carries_the_package_its_styles_and_themes(tmp_path: Path) -> None:
    run(
        sys.executable,
        "-m",
        "pip",
        "--disable-pip-version-check",
        "-q",
        "wheel",
        "--no-deps",
        "-w",
        tmp_path / "dist",
        ROOT,
        env=clean_env(),
    )
    [wheel] = (tmp_path / "dist").glob("imagedeck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"imagedeck/builtin_themes/{name}" for name in THEMES} <= names
    assert "imagedeck/app.tcss" in names and not any(name.startswith("tui/") for name in names)
    python = new_venv(tmp_path / "venv")
    pip(python, wheel, env=clean_env())
    check_installed(python, site_of(python), clean_env(), tmp_path / "venv" / "bin" / "imagedeck")
