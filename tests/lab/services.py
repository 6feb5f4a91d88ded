"""Install and run a real Keystone + Glance (and a private PostgreSQL) on 127.0.0.1.

Everything lives in one temporary directory and on free ports, so several labs can run
side by side. The services' virtualenv is cached under the user cache directory, keyed
on the hash of ``constraints.txt``; a missing one is installed (about 80 s cold).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from . import configs

HERE = Path(__file__).resolve().parent
CONSTRAINTS = HERE / "constraints.txt"
REQUIREMENTS = [
    "keystone==30.0.0",
    "glance==33.0.0",
    "uWSGI==2.0.31",
    "psycopg2-binary",
    "python-openstackclient==10.5.0",
]
START_TIMEOUT_S = 120


class LabError(RuntimeError):
    """The lab could not be installed or started; the message carries log tails."""


def venv_path() -> Path:
    digest = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()[:12]
    return Path(platformdirs.user_cache_dir("imagedeck")) / f"lab-venv-{digest}"


def ensure_venv() -> Path:
    """The cached services virtualenv, installed first if missing (guarded by a file lock)."""
    target = venv_path()
    marker = target / ".complete"
    if marker.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / "lab-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return target
        # built in place: a venv's scripts carry absolute paths, so it cannot be moved
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        done = subprocess.run(
            [
                str(target / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-c",
                str(CONSTRAINTS),
                *REQUIREMENTS,
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise LabError(f"installing the OpenStack services failed:\n{done.stderr[-3000:]}")
        marker.touch()
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


@dataclass
class Services:
    """The running processes and where they listen."""

    root: Path
    venv: Path
    keystone_port: int = field(default_factory=free_port)
    glance_port: int = field(default_factory=free_port)
    glance2_port: int = field(default_factory=free_port)
    postgres_port: int = field(default_factory=free_port)
    processes: list[Process] = field(default_factory=list)
    admin_password: str = field(default_factory=lambda: "admin-" + os.urandom(6).hex())
    #: Text appended to a Glance's conf, by its name ("glance", "glance2").
    extra_glance_conf: dict[str, str] = field(default_factory=dict)

    @property
    def keystone_url(self) -> str:
        return f"http://127.0.0.1:{self.keystone_port}/v3"

    @property
    def glance_url(self) -> str:
        return f"http://127.0.0.1:{self.glance_port}"

    @property
    def glance2_url(self) -> str:
        """RegionTwo's Glance: its own database and stores, the same Keystone."""
        return f"http://127.0.0.1:{self.glance2_port}"

    # -- processes ---------------------------------------------------------------

    def _bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Process:
        log = self.root / f"{name}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(
                argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,
                cwd=self.root,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def _run(self, argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
        done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **(env or {})})
        if done.returncode != 0:
            raise LabError(
                f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            )

    def stop(self) -> None:
        """Stop every process group, politely then firmly."""
        for process in reversed(self.processes):
            if process.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
        self.processes.clear()

    # -- PostgreSQL ----------------------------------------------------------------

    def start_postgres(self) -> None:
        bindir = _postgres_bindir()
        data = self.root / "pgdata"
        sockets = self.root / "pgsock"
        as_postgres: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            as_postgres = ["runuser", "-u", "postgres", "--"]
            os.chmod(self.root, 0o755)
        data.mkdir()
        sockets.mkdir()
        if as_postgres:
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(sockets, "postgres", "postgres")
        self._run(
            [
                *as_postgres,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            "initdb",
        )
        self._spawn(
            "postgres",
            [
                *as_postgres,
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.postgres_port),
                "-k",
                str(sockets),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ],
        )
        deadline = time.monotonic() + 30
        if not wait_for_port(self.postgres_port, deadline):
            raise LabError("PostgreSQL did not start:\n" + self.processes[-1].tail())
        for database in ("glance", "glance2"):
            self._createdb(bindir, database, deadline)

    def _createdb(self, bindir: Path, database: str, deadline: float) -> None:
        while True:
            done = subprocess.run(
                [
                    str(bindir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.postgres_port),
                    "-U",
                    "postgres",
                    database,
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise LabError(f"creating the {database} database failed: " + done.stderr)
            time.sleep(0.2)

    # -- Keystone and Glance ---------------------------------------------------------

    def start_keystone(self) -> None:
        conf_dir = self.root / "keystone"
        conf_dir.mkdir()
        for sub in ("fernet-keys", "credential-keys"):
            (conf_dir / sub).mkdir(mode=0o700)
        conf = conf_dir / "keystone.conf"
        conf.write_text(configs.keystone_conf(conf_dir))
        user = _current_user()
        manage = [self._bin("keystone-manage"), "--config-file", str(conf)]
        self._run([*manage, "db_sync"], "keystone-manage db_sync")
        self._run(
            [*manage, "fernet_setup", "--keystone-user", user[0], "--keystone-group", user[1]],
            "keystone-manage fernet_setup",
        )
        self._run(
            [*manage, "credential_setup", "--keystone-user", user[0], "--keystone-group", user[1]],
            "keystone-manage credential_setup",
        )
        self._run(
            [
                *manage,
                "bootstrap",
                "--bootstrap-password",
                self.admin_password,
                "--bootstrap-region-id",
                "RegionOne",
                "--bootstrap-admin-url",
                self.keystone_url,
                "--bootstrap-internal-url",
                self.keystone_url,
                "--bootstrap-public-url",
                self.keystone_url,
            ],
            "keystone-manage bootstrap",
        )
        ini = conf_dir / "uwsgi.ini"
        ini.write_text(
            configs.uwsgi_ini(
                self.keystone_port,
                "keystone.wsgi.api:application",
                self.venv,
                {"OS_KEYSTONE_CONFIG_DIR": str(conf_dir)},
            )
        )
        self._spawn("keystone", [self._bin("uwsgi"), "--ini", str(ini)])

    def start_glance(self, glance_password: str) -> None:
        """Both regions' Glance: RegionOne (stores fast, cheap) and RegionTwo (glance-download).

        Their database migrations run side by side, the slowest part of a start.
        """
        regions = [
            self._prepare_glance(
                "glance", self.glance_port, glance_password, "glance", configs.glance_conf_options(), ()
            ),
            self._prepare_glance(
                "glance2",
                self.glance2_port,
                glance_password,
                "glance2",
                configs.glance_conf_options(region_two=True),
                (80, 443, self.glance_port),
            ),
        ]
        with ThreadPoolExecutor(len(regions)) as pool:
            for failure in pool.map(self._db_sync, regions):
                if failure:
                    raise LabError(failure)
        for name, port, conf_dir in regions:
            ini = conf_dir / "uwsgi.ini"
            ini.write_text(
                configs.uwsgi_ini(
                    port, "glance.wsgi.api:application", self.venv, {"OS_GLANCE_CONFIG_DIR": str(conf_dir)}
                )
            )
            self._spawn(name, [self._bin("uwsgi"), "--ini", str(ini)])

    def _prepare_glance(
        self,
        name: str,
        port: int,
        glance_password: str,
        database: str,
        options: dict[str, tuple[str, ...]],
        allowed_ports: tuple[int, ...],
    ) -> tuple[str, int, Path]:
        conf_dir = self.root / name
        conf_dir.mkdir()
        for sub in ("staging", "tasks", *(f"images-{store}" for store in options["stores"])):
            (conf_dir / sub).mkdir()
        paste = (self.venv / "etc" / "glance" / "glance-api-paste.ini").read_text()
        paste = paste.replace("/etc/glance/healthcheck_disable", str(conf_dir / "healthcheck_disable"))
        (conf_dir / "glance-api-paste.ini").write_text(paste)
        (conf_dir / "glance-api.conf").write_text(
            configs.glance_conf(
                conf_dir,
                self.venv,
                f"http://127.0.0.1:{port}",
                self.keystone_url,
                glance_password,
                f"postgresql+psycopg2://postgres@127.0.0.1:{self.postgres_port}/{database}",
                **options,
            )
            + self.extra_glance_conf.get(name, "")
        )
        (conf_dir / "glance-image-import.conf").write_text(configs.glance_import_conf(allowed_ports))
        return name, port, conf_dir

    def _db_sync(self, region: tuple[str, int, Path]) -> str | None:
        name, _, conf_dir = region
        try:
            self._run(
                [self._bin("glance-manage"), "--config-file", str(conf_dir / "glance-api.conf"), "db_sync"],
                f"{name}: glance-manage db_sync",
            )
            if name == "glance":
                self._load_metadefs(conf_dir, name)
        except LabError as exc:
            return str(exc)
        return None

    def _load_metadefs(self, conf_dir: Path, database: str) -> None:
        """Glance's bundled metadata definitions, checked by count: the loader exits 0 even
        when it finds no files."""
        self._run(
            [
                self._bin("glance-manage"),
                "--config-file",
                str(conf_dir / "glance-api.conf"),
                "db",
                "load_metadefs",
                "--path",
                str(self.venv / "etc" / "glance" / "metadefs"),
            ],
            f"{database}: glance-manage db load_metadefs",
        )
        count = subprocess.run(
            [
                self._bin("python"),
                "-c",
                "import sys, psycopg2; c = psycopg2.connect(sys.argv[1]).cursor(); "
                "c.execute('select count(*) from metadef_namespaces'); print(c.fetchone()[0])",
                f"host=127.0.0.1 port={self.postgres_port} user=postgres dbname={database}",
            ],
            capture_output=True,
            text=True,
        )
        if count.returncode != 0 or not count.stdout.strip().isdigit() or int(count.stdout) == 0:
            raise LabError(
                f"{database}: no metadata definitions were loaded: {count.stdout}{count.stderr[-500:]}"
            )

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} log ---\n{p.tail()}" for p in self.processes)


def _postgres_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise LabError("PostgreSQL is not installed (Debian package: postgresql)")
    return found[-1].parent


def _current_user() -> tuple[str, str]:
    import grp
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
