"""What a job of the service is, as plain JSON: where (a place) and what (the kind's fields).

A spec holds no secret: a cloud is named by its clouds.yaml entry (and the file it came
from), which the service reads itself, exactly as the client would; a local store by its
directory, project and role. The same spec rebuilds the job after the service restarts.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from ..model import Invalid
from ..stores import StoreChoice
from ..transfers.events import TransferKind


@dataclass(frozen=True, slots=True)
class Place:
    """One store: a cloud of a clouds.yaml file, or a local store directory acting as a project.

    It is also a `StoreChoice`, so `open_store` and `open_target` take it as they take settings.
    """

    cloud: str | None = None
    clouds_yaml: str | None = None
    secure_yaml: str | None = None
    region: str | None = None
    token_cache: bool | Path = True
    store_path: Path = Path()
    project: str = "default"
    admin: bool = False
    read_only: bool = False
    #: For a cloud of ``OS_*`` variables only: where its token goes (see `signin`); no secret.
    signed: dict[str, Any] | None = None

    def replace(self, **changes: Any) -> Self:
        if "store_path" in changes:
            changes["store_path"] = Path(changes["store_path"]).expanduser()
        return dataclasses.replace(self, **changes)

    @property
    def key(self) -> str:
        """Which opened store a job of this place may share."""
        if self.signed is not None:
            return f"cloud:{self.cloud}@{self.signed.get('auth_url')}:{self.signed.get('project_id')}"
        if self.cloud:
            return f"cloud:{self.cloud}@{self.clouds_yaml}:{self.region}"
        return f"local:{self.store_path}:{self.project}:{self.admin}"

    @classmethod
    def of(cls, choice: StoreChoice) -> Place:
        """The place some settings select, with the clouds.yaml file read now made explicit."""
        from ..stores.clouds_files import find_file

        token_cache = choice.token_cache
        if choice.cloud:
            from ..stores.clouds import get_cloud, load_clouds

            region = get_cloud(choice.cloud).region_name
            clouds = find_file("clouds", "OS_CLIENT_CONFIG_FILE")
            secure = find_file("secure", "OS_CLIENT_SECURE_FILE")
            place = cls(
                cloud=choice.cloud,
                clouds_yaml=str(clouds.absolute()) if clouds else None,
                secure_yaml=str(secure.absolute()) if secure else None,
                region=region,
                token_cache=token_cache,
                project=choice.project,
            )
            if choice.cloud not in load_clouds(place.environ()):
                return dataclasses.replace(place, clouds_yaml=None, secure_yaml=None, signed={})
            return place
        return cls(
            store_path=Path(os.path.abspath(choice.store_path)),
            project=choice.project,
            admin=choice.admin,
            token_cache=token_cache,
        )

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["store_path"] = str(self.store_path)
        data["token_cache"] = (
            self.token_cache if isinstance(self.token_cache, bool) else str(self.token_cache)
        )
        data.pop("read_only")
        return data

    @classmethod
    def from_json(cls, data: Any) -> Place:
        if not isinstance(data, dict):
            raise Invalid("a transfer's place must be an object")
        known = {f.name for f in dataclasses.fields(cls)} - {"read_only"}
        values = {k: v for k, v in data.items() if k in known}
        values["store_path"] = Path(str(values.get("store_path") or "."))
        cache = values.get("token_cache", True)
        values["token_cache"] = cache if isinstance(cache, bool) else Path(str(cache))
        return cls(**values)

    def environ(self) -> dict[str, str]:
        """The variables that make `get_cloud` read the very files the client read."""
        env = {}
        if self.clouds_yaml:
            env["OS_CLIENT_CONFIG_FILE"] = self.clouds_yaml
        if self.secure_yaml:
            env["OS_CLIENT_SECURE_FILE"] = self.secure_yaml
        return env


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One job: its kind, the place it works in, and what it does there (``what``).

    ``what`` per kind: upload ``path, fields, allow_unsafe, force_format, into``; download
    ``image_id, dest, replace``; import ``url, fields, timeout, allow_unsafe, force_format``;
    copy ``image_id, to`` (a place), ``name, allow_unsafe, force_format``; convert
    ``image_id, out_format`` and ``dest`` (a file) or ``fields`` (back into the store).
    """

    kind: TransferKind
    place: Place
    what: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        what = dict(self.what)
        if isinstance(what.get("to"), Place):
            what["to"] = what["to"].to_json()
        return {"kind": str(self.kind), "place": self.place.to_json(), "what": what}

    @classmethod
    def from_json(cls, data: Any) -> JobSpec:
        if not isinstance(data, dict) or not isinstance(data.get("what"), dict):
            raise Invalid("a transfer spec must be an object with kind, place and what")
        try:
            kind = TransferKind(str(data.get("kind")))
        except ValueError:
            raise Invalid(f"unknown transfer kind {data.get('kind')!r}") from None
        what = dict(data["what"])
        if kind == TransferKind.COPY:
            what["to"] = Place.from_json(what.get("to"))
        return cls(kind, Place.from_json(data.get("place")), what)

    def text(self, key: str) -> str:
        value = self.what.get(key)
        if not isinstance(value, str) or not value:
            raise Invalid(f"a {self.kind} needs {key}")
        return value


__all__ = ["JobSpec", "Place"]
