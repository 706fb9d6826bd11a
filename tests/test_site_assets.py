"""tools/fetch_assets.py: the browser assets are pinned, checksummed and unpacked offline."""
from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
import yaml

from helpers import ROOT, load_tool

fetch_assets = load_tool("fetch_assets")


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def fake_registry(tmp_path, monkeypatch):
    """fetch_assets with its cache and vendor folders in tmp_path and one small package."""
    data = _tarball({"dist/widget.js": b"define([], {})", "dist/font.woff2": b"font", "README.md": b"x"})
    pkg = fetch_assets.Package("@scope/widget", "1.2.3", hashlib.sha256(data).hexdigest(), "widget",
                               ("dist/*.js", "dist/*.woff2"))
    monkeypatch.setattr(fetch_assets, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(fetch_assets, "VENDOR", tmp_path / "npm")
    monkeypatch.setattr(fetch_assets, "STAMP", tmp_path / "npm" / "versions.json")
    monkeypatch.setattr(fetch_assets, "PACKAGES", (pkg,))
    served = {"bytes": data, "calls": 0}

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(url, timeout):
        served["calls"] += 1
        assert url == "https://registry.npmjs.org/@scope/widget/-/widget-1.2.3.tgz"
        return Response(served["bytes"])

    monkeypatch.setattr(fetch_assets.urllib.request, "urlopen", urlopen)
    return tmp_path, served


def test_unpacks_only_the_wanted_files_and_then_stays_offline(fake_registry):
    tmp_path, served = fake_registry
    fetch_assets.ensure(log=lambda line: None)
    files = sorted(p.relative_to(tmp_path / "npm").as_posix() for p in (tmp_path / "npm").rglob("*") if p.is_file())
    assert files == ["versions.json", "widget/dist/font.woff2", "widget/dist/widget.js"]
    fetch_assets.ensure(log=lambda line: None)  # unchanged: nothing fetched again
    assert served["calls"] == 1


def test_a_tarball_with_the_wrong_checksum_is_refused(fake_registry):
    tmp_path, served = fake_registry
    served["bytes"] = _tarball({"dist/widget.js": b"tampered"})
    with pytest.raises(fetch_assets.AssetError, match="sha256 .* expected"):
        fetch_assets.ensure(log=lambda line: None)
    assert not (tmp_path / "npm" / "widget").exists()
    assert not list(tmp_path.glob("cache/*.tgz"))  # a bad download is never cached


def test_a_corrupt_cached_tarball_is_fetched_again(fake_registry):
    tmp_path, served = fake_registry
    fetch_assets.ensure(log=lambda line: None)
    (cached,) = (tmp_path / "cache").glob("*.tgz")
    cached.write_bytes(b"garbage")
    (tmp_path / "npm" / "versions.json").unlink()
    fetch_assets.ensure(log=lambda line: None)
    assert served["calls"] == 2 and (tmp_path / "npm" / "widget" / "dist" / "widget.js").exists()


def test_a_wanted_file_missing_from_the_tarball_is_an_error(fake_registry):
    """Every glob must match: a page would otherwise load a file the site does not have."""
    data = _tarball({"dist/widget.js": b"define([], {})"})  # no font
    pkg = fetch_assets.Package("@scope/widget", "1.2.3", hashlib.sha256(data).hexdigest(), "widget",
                               ("dist/*.js", "dist/*.woff2"))
    with pytest.raises(fetch_assets.AssetError, match=r"nothing in its tarball matches \['dist/\*.woff2'\]"):
        fetch_assets.unpack(pkg, data)


def test_the_pages_load_the_pinned_files():
    """_config.yml names files that the pinned packages provide, under _static."""
    sphinx = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert sphinx["html_static_path"] == ["site"]
    provided = {f"npm/{p.folder}/{g}" for p in fetch_assets.PACKAGES for g in p.files}
    for path in [sphinx["mathjax_path"], *sphinx["nb_ipywidgets_js"]]:
        assert "://" not in path, f"{path} is not served by the site"
        assert path in provided or (ROOT / "site" / path).is_file(), f"nothing provides _static/{path}"
