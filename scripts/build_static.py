#!/usr/bin/env python3
"""Build the front-end static files from npm: ``make static`` runs this.

Installs the exact versions in package-lock.json (``npm ci``) and copies what the
pages need from node_modules into src/oversight/static/ (both output folders are
gitignored; they are built, not committed):

    govuk/govuk-frontend.min.css   GOV.UK Frontend styles, asset URLs made relative
    govuk/govuk-frontend.min.js    GOV.UK Frontend (an ES module exporting initAll) and its source map
    govuk/assets/                  fonts, images and manifest.json
    htmx/htmx.min.js               htmx

GOV.UK Frontend's precompiled CSS points at its fonts and images with absolute
``/assets/...`` URLs. They are rewritten to ``assets/...``, relative to the CSS file,
so they resolve under any STATIC_URL and collectstatic's manifest storage can hash
them. (The CSS source map no longer matches the rewritten file, so it is left out.)

Idempotent and quick when nothing changed: a stamp records a hash of package.json,
package-lock.json and this script; if it matches and every output is present the
script does nothing, without needing npm. ``--force`` rebuilds regardless; ``--check``
only reports (exit 0 up to date, 1 not). Needs Python 3.11+ and, to build, Node 20+ with npm.
Standard library only, so it runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
STATIC = ROOT / "src" / "oversight" / "static"
OUTPUT_DIRS = ("govuk", "htmx")
STAMP = STATIC / "govuk" / ".build-stamp.json"
INPUTS = (ROOT / "package.json", ROOT / "package-lock.json", Path(__file__).resolve())
EXPECTED = (
    "govuk/govuk-frontend.min.css",
    "govuk/govuk-frontend.min.js",
    "govuk/assets/fonts",
    "govuk/assets/images",
    "htmx/htmx.min.js",
)
GOVUK_DIST = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
HTMX_DIST = NODE_MODULES / "htmx.org" / "dist"
ABSOLUTE_ASSET_URL = re.compile(r"""url\((['"]?)/assets/""")
CSS_SOURCE_MAP_COMMENT = re.compile(r"\s*/\*# sourceMappingURL=[^*]*\*/\s*$")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class BuildError(Exception):
    pass


def inputs_key() -> str:
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def up_to_date() -> bool:
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("key") == inputs_key() and all((STATIC / name).exists() for name in EXPECTED)


def npm_ci() -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm not found: install Node.js 20 or later (with npm) to build the static files")
    # --ignore-scripts: none of our packages needs an install script, so none may run one.
    command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    print("build_static: npm " + " ".join(command[1:]), flush=True)
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise BuildError(f"npm ci failed (exit {result.returncode})")


def package_version(name: str) -> str:
    return json.loads((NODE_MODULES / name / "package.json").read_text())["version"]


def rewrite_css(css: str) -> str:
    """Make GOV.UK Frontend's /assets/ URLs relative to the CSS file; drop the stale source map comment."""
    css = ABSOLUTE_ASSET_URL.sub(r"url(\1assets/", css)
    return CSS_SOURCE_MAP_COMMENT.sub("\n", css)


def check_css_urls(css: str, css_dir: Path) -> None:
    """Every url() must be relative, inside our files and present: nothing may be fetched from elsewhere."""
    for _, url in CSS_URL.findall(css):
        if url.startswith("data:"):
            continue
        if url.startswith(("/", "http:", "https:")) or "//" in url:
            raise BuildError(f"govuk-frontend.min.css still refers to {url!r}: update the rewrite in {__file__}")
        target = css_dir / url.split("#")[0].split("?")[0]
        if not target.is_file():
            raise BuildError(f"govuk-frontend.min.css refers to {url!r}, which was not copied")


def copy_outputs(out: Path) -> None:
    if not GOVUK_DIST.is_dir() or not HTMX_DIST.is_dir():
        raise BuildError("node_modules lacks govuk-frontend or htmx.org after npm ci")
    govuk = out / "govuk"
    govuk.mkdir()
    css = rewrite_css((GOVUK_DIST / "govuk-frontend.min.css").read_text(encoding="utf-8"))
    (govuk / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
    for name in ("govuk-frontend.min.js", "govuk-frontend.min.js.map"):
        shutil.copy2(GOVUK_DIST / name, govuk / name)
    shutil.copytree(GOVUK_DIST / "assets" / "fonts", govuk / "assets" / "fonts")
    shutil.copytree(GOVUK_DIST / "assets" / "images", govuk / "assets" / "images")
    if (GOVUK_DIST / "assets" / "manifest.json").is_file():
        shutil.copy2(GOVUK_DIST / "assets" / "manifest.json", govuk / "assets" / "manifest.json")
    check_css_urls(css, govuk)

    htmx = out / "htmx"
    htmx.mkdir()
    shutil.copy2(HTMX_DIST / "htmx.min.js", htmx / "htmx.min.js")
    shutil.copy2(NODE_MODULES / "htmx.org" / "LICENSE", htmx / "LICENSE")

    versions = {name: package_version(name) for name in ("govuk-frontend", "htmx.org")}
    stamp = {"key": inputs_key(), **versions}
    (govuk / STAMP.name).write_text(json.dumps(stamp, indent=2) + "\n")
    print("build_static: built " + ", ".join(f"{k} {v}" for k, v in versions.items()), flush=True)


def build() -> None:
    npm_ci()
    STATIC.mkdir(parents=True, exist_ok=True)
    # Build beside the outputs, then swap each folder in, so a failed build leaves the old files alone.
    with tempfile.TemporaryDirectory(prefix=".build-", dir=STATIC) as tmp:
        copy_outputs(Path(tmp))
        for name in OUTPUT_DIRS:
            target = STATIC / name
            if target.exists():
                shutil.rmtree(target)
            (Path(tmp) / name).rename(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--check", action="store_true", help="only report whether the build is up to date")
    args = parser.parse_args(argv)
    if args.check:
        fresh = up_to_date()
        print("build_static: " + ("up to date" if fresh else "out of date: run `make static`"))
        return 0 if fresh else 1
    # One build at a time (two `make test` runs at once): lock this script's own file.
    with open(__file__, "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not args.force and up_to_date():
            print("build_static: up to date", flush=True)
            return 0
        try:
            build()
        except BuildError as exc:
            print(f"build_static: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
