"""Fetch the browser assets the rendered book serves from its own _static.

The site must read offline: require.js, the ipywidgets HTML manager (with its
fonts), anywidget's front end and MathJax 3 come from the npm registry, each
pinned to a version and to the sha256 of its tarball. Tarballs are cached in
.cache/npm/ (gitignored); the files the pages use are unpacked into
site/npm/ (gitignored), which Sphinx copies to _build/html/_static/npm/.

Run by the book's Sphinx extension (tools/ntm_book_ext.py) before every build,
so `make book` needs no extra step; or by hand: `python tools/fetch_assets.py`.
With the tarballs cached and unchanged it touches no network. See
tools/SITE_ASSETS.md for what each file is and how pages load it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "npm"
VENDOR = ROOT / "site" / "npm"
REGISTRY = "https://registry.npmjs.org"


class Package(NamedTuple):
    name: str  # npm package name
    version: str
    sha256: str  # of the registry tarball
    folder: str  # destination under site/npm/
    files: tuple[str, ...]  # globs inside the tarball's package/ folder

    @property
    def tarball_url(self) -> str:
        base = self.name.rsplit("/", 1)[-1]
        return f"{REGISTRY}/{self.name}/-/{base}-{self.version}.tgz"


FONTS = ("*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg")
PACKAGES = (
    Package("requirejs", "2.3.8",
            "777158e89275e16bd51aec3ef714fbcb5dc45789e7078659933bc814916d7dec",
            "requirejs", ("require.js",)),
    # ipywidgets 8's embed manager (myst-nb's default is 1.0.6 from jsdelivr; 1.0.15 is the
    # release for ipywidgets 8.1, and smaller). The fonts are Font Awesome's, which its CSS asks
    # for next to embed-amd.js.
    Package("@jupyter-widgets/html-manager", "1.0.15",
            "2b9d65cb7913e1c7d671757a10008b32c9c2448d4429513371e55c07d6107638",
            "html-manager", ("dist/embed-amd.js",) + tuple(f"dist/{f}" for f in FONTS)),
    # anywidget's front end (an AMD module named "anywidget") for anywidget 0.11.0 in Python.
    Package("anywidget", "0.11.0",
            "44efed0d0c9999ec94cd3a86e317e902591f01df8edb3c8006b7e390b7e15ed8",
            "anywidget", ("dist/index.js",)),
    # MathJax 3 (Sphinx's default is mathjax@3 from jsdelivr): the component Sphinx uses plus
    # what it loads on demand (TeX extensions, fonts, the menu's accessibility modules).
    Package("mathjax", "3.2.2",
            "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09",
            "mathjax", ("es5/tex-mml-chtml.js", "es5/input/*", "es5/output/*", "es5/ui/*",
                        "es5/a11y/*", "es5/adaptors/*", "es5/sre/*")),
)
STAMP = VENDOR / "versions.json"


class AssetError(RuntimeError):
    """An asset could not be fetched or failed its checksum."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tarball(pkg: Package) -> bytes:
    """The package's tarball, from the cache or the registry; its sha256 checked."""
    cached = CACHE / f"{pkg.folder}-{pkg.version}.tgz"
    if cached.exists() and _sha256(cached.read_bytes()) == pkg.sha256:
        return cached.read_bytes()
    try:
        with urllib.request.urlopen(pkg.tarball_url, timeout=60) as response:
            data = response.read()
    except OSError as exc:
        raise AssetError(f"cannot fetch {pkg.name}@{pkg.version} from {pkg.tarball_url}: {exc}") from None
    if _sha256(data) != pkg.sha256:
        raise AssetError(f"{pkg.tarball_url}: sha256 {_sha256(data)}, expected {pkg.sha256}")
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(cached)
    return data


def unpack(pkg: Package, data: bytes) -> int:
    """Extract the package's wanted files into site/npm/<folder>/; returns how many."""
    dest = VENDOR / pkg.folder
    shutil.rmtree(dest, ignore_errors=True)
    count, matched = 0, set()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            inner = member.name.split("/", 1)[-1]
            globs = {g for g in pkg.files if fnmatch.fnmatch(inner, g)} if member.isfile() else set()
            if not globs:
                continue
            matched |= globs
            target = dest / inner
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
            count += 1
    missing = [g for g in pkg.files if g not in matched]
    if missing:  # a page would load a file that is not there
        raise AssetError(f"{pkg.name}@{pkg.version}: nothing in its tarball matches {missing}")
    return count


def ensure(log=print) -> None:
    """Make site/npm/ hold exactly the pinned packages (fetching only what changed)."""
    wanted = {p.folder: f"{p.name}@{p.version} sha256:{p.sha256}" for p in PACKAGES}
    have = json.loads(STAMP.read_text()) if STAMP.exists() else {}
    for pkg in PACKAGES:
        if have.get(pkg.folder) == wanted[pkg.folder] and (VENDOR / pkg.folder).is_dir():
            continue
        count = unpack(pkg, tarball(pkg))
        log(f"site/npm/{pkg.folder}: {count} files of {pkg.name}@{pkg.version}")
    VENDOR.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(json.dumps(wanted, indent=1) + "\n")


if __name__ == "__main__":
    try:
        ensure()
    except AssetError as exc:
        sys.exit(f"fetch_assets: {exc}")
