"""Configuration files for the lab's Keystone, Glance and uWSGI, as text."""

from __future__ import annotations

from pathlib import Path


def keystone_conf(conf_dir: Path) -> str:
    return f"""\
[DEFAULT]
log_file = {conf_dir}/keystone-app.log

[database]
connection = sqlite:///{conf_dir}/keystone.db

[token]
provider = fernet
expiration = 3600

[fernet_tokens]
key_repository = {conf_dir}/fernet-keys

[fernet_receipts]
key_repository = {conf_dir}/fernet-keys

[credential]
key_repository = {conf_dir}/credential-keys

[identity]
# the default bcrypt cost makes every password check take ~250 ms
password_hash_rounds = 4

[cache]
enabled = true
backend = oslo_cache.dict
"""


#: RegionOne's file stores (the first is the default): copy-image moves images between them.
REGION_ONE_STORES = ("fast", "cheap")
#: RegionTwo's single file store.
REGION_TWO_STORES = ("fs",)


def _stores(conf_dir: Path, stores: tuple[str, ...]) -> str:
    sections = "".join(
        f"""
[{store}]
filesystem_store_datadir = {conf_dir}/images-{store}
store_description = {store} file store
"""
        for store in stores
    )
    return f"""\
[glance_store]
default_backend = {stores[0]}
{sections}"""


def glance_conf_options(*, region_two: bool = False) -> dict[str, tuple[str, ...]]:
    """Stores and extra import methods: RegionTwo pulls from RegionOne with glance-download."""
    if region_two:
        return {"stores": REGION_TWO_STORES, "import_methods": ("glance-download",)}
    return {"stores": REGION_ONE_STORES, "import_methods": ()}


def glance_conf(
    conf_dir: Path,
    venv: Path,
    glance_url: str,
    keystone_url: str,
    password: str,
    database: str,
    *,
    stores: tuple[str, ...] = REGION_ONE_STORES,
    import_methods: tuple[str, ...] = (),
) -> str:
    auth_root = keystone_url.removesuffix("/v3")
    backends = ", ".join(f"{store}:file" for store in stores)
    methods = ",".join(("glance-direct", "web-download", "copy-image", *import_methods))
    return f"""\
[DEFAULT]
enabled_backends = {backends}
enabled_import_methods = [{methods}]
worker_self_reference_url = {glance_url}
public_endpoint = {glance_url}
log_file = {conf_dir}/glance-app.log
# the admin's image cache API (/v2/cache); downloads fill it through the paste flavor below
image_cache_dir = {conf_dir}/cache

{_stores(conf_dir, stores)}
[os_glance_staging_store]
filesystem_store_datadir = {conf_dir}/staging

[os_glance_tasks_store]
filesystem_store_datadir = {conf_dir}/tasks

[database]
connection = {database}

[keystone_authtoken]
auth_url = {auth_root}
www_authenticate_uri = {auth_root}
auth_type = password
username = glance
password = {password}
project_name = service
user_domain_id = default
project_domain_id = default
service_token_roles_required = true

[oslo_concurrency]
# without it the cache's clean and prune answer 500
lock_path = {conf_dir}/locks

[paste_deploy]
flavor = keystone+cachemanagement
config_file = {conf_dir}/glance-api-paste.ini

[image_format]
require_image_format_match = true

[wsgi]
python_interpreter = {venv}/bin/python
"""


def glance_limits_conf(keystone_url: str, password: str, endpoint_id: str, region: str) -> str:
    """Quotas through Keystone unified limits, appended to a Glance's conf (a repeated section merges).

    ``endpoint_id`` is the Glance's image endpoint (its region is the limits'); ``region`` is
    where the limit client finds Keystone in the catalog.
    """
    return f"""
[DEFAULT]
use_keystone_limits = True

[oslo_limit]
auth_url = {keystone_url.removesuffix("/v3")}
auth_type = password
user_domain_id = default
username = glance
password = {password}
system_scope = all
endpoint_id = {endpoint_id}
region_name = {region}
"""


def glance_import_conf(allowed_ports: tuple[int, ...] = ()) -> str:
    """Import URI filtering: loopback allowed, on ``allowed_ports`` (none listed: any port)."""
    ports = ",".join(str(port) for port in allowed_ports)
    return f"""\
[import_filtering_opts]
allowed_hosts = [127.0.0.1]
allowed_ports = [{ports}]
disallowed_ports = []
"""


def uwsgi_ini(port: int, module: str, venv: Path, env: dict[str, str]) -> str:
    envs = "\n".join(f"env = {key}={value}" for key, value in env.items())
    return f"""\
[uwsgi]
http-socket = 127.0.0.1:{port}
module = {module}
virtualenv = {venv}
master = true
processes = 1
threads = 4
lazy-apps = true
die-on-term = true
buffer-size = 65535
add-header = Connection: close
http-chunked-input = true
{envs}
"""
