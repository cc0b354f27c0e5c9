"""Reading packs: validating a pack's data or file into a ``PolicyPack`` (errors as
(path, message) pairs), and the packs shipped with Oversight (``packs/<id>.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .model import PolicyPack


class PackError(Exception):
    """A pack that does not validate; ``errors`` are (path, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


def _yaml_load(text: str) -> Any:
    """YAML with libyaml's C loader where it is built in (ten times faster), else the pure one."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def format_loc(loc: tuple[Any, ...]) -> str:
    """('people', 2, 'role') -> 'people[2].role'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_pack(data: Any) -> PolicyPack:
    try:
        return PolicyPack.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            message = err["msg"].removeprefix("Value error, ")
            path = format_loc(loc)
            # A check across fields names its own path: "supervision[1].roles: unknown role 'x'".
            head, sep, rest = message.partition(": ")
            if sep and " " not in head and ("[" in head or "." in head):
                path = f"{path}.{head}" if loc else head
                message = rest
            errors.append((path, message))
        raise PackError(errors) from None


def load_pack_file(path: str | Path) -> PolicyPack:
    """Validate a council's pack file; its templates may sit in ``templates/<same name>`` beside it."""
    path = Path(path)
    try:
        data = _yaml_load(path.read_text(encoding="utf-8"))
        templates = path.parent / "templates" / path.name
        if isinstance(data, dict) and "templates" not in data and templates.is_file():
            data["templates"] = (_yaml_load(templates.read_text(encoding="utf-8")) or {}).get("templates", [])
    except yaml.YAMLError as exc:
        raise PackError([("(yaml)", str(exc).replace("\n", " "))]) from None
    return parse_pack(data)


def _pack_dir() -> Any:
    return resources.files("oversight.policy").joinpath("packs")


@lru_cache(maxsize=1)
def shipped_packs() -> dict[str, PolicyPack]:
    """Every pack shipped with Oversight, by id, validated."""
    packs: dict[str, PolicyPack] = {}
    directory = _pack_dir()
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = _yaml_load(entry.read_text(encoding="utf-8"))
            templates = directory.joinpath("templates", entry.name)
            if templates.is_file() and "templates" not in data:
                data["templates"] = _yaml_load(templates.read_text(encoding="utf-8")).get("templates", [])
            pack = parse_pack(data)
            packs[pack.id] = pack
    return packs


def get_pack(pack_id: str) -> PolicyPack:
    return shipped_packs()[pack_id]
