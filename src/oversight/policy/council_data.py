"""Loading the councils' data files that sit beside the packs in other packages (the guard's
readings, the audit tools, the supervision file's kinds ...): one YAML file per pack, named
after it, validated by a Pydantic model, each error naming the file and the YAML path. Pure: no
Django import (the engine's own rule, tests/test_engine_is_pure.py)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import TypeVar

from pydantic import ValidationError

T = TypeVar("T")


def first_error(error: ValidationError) -> str:
    """The first error of a validation as 'kinds.0.source: Field required' (the YAML path, dotted;
    '(top level)' for the document itself), without Pydantic's 'Value error, ' prefix."""
    first = error.errors()[0]
    path = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{path}: {first['msg'].removeprefix('Value error, ')}"


def shipped_by_pack(
    package: str,
    parse: Callable[[str, str], T],
    pack_of: Callable[[T], str],
    error: Callable[[str], Exception],
) -> dict[str, T]:
    """Every ``<pack-id>.yaml`` in ``package``'s ``data`` folder, parsed by ``parse(text, file
    name)``, by pack id; a file whose ``pack:`` is not its own name is refused with ``error``."""
    found: dict[str, T] = {}
    directory = resources.files(package).joinpath("data")
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            loaded = parse(entry.read_text(encoding="utf-8"), entry.name)
            pack = pack_of(loaded)
            if f"{pack}.yaml" != entry.name:
                raise error(f"{entry.name}: pack: says {pack!r}, not the file's name")
            found[pack] = loaded
    return found
