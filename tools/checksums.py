"""Checksum sidecars for model files: ``<file>.sha256`` beside each, as training writes them.

    python tools/checksums.py                    # every model.pt under data/
    python tools/checksums.py path/model.pt ...  # these files

A file without a sidecar gets one (its bytes are untouched); a file with one is checked
against it, and a mismatch is reported and exits 1 (never overwritten: the file may be
damaged). Used once for the models shipped before checksums existed.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ntmlib.training.files import read_digests, write_checksum  # noqa: E402


def check_or_write(path: Path) -> str:
    """"written", "ok" or "MISMATCH" for one file."""
    digests = read_digests(path)
    if digests is None:
        write_checksum(path)
        return "written"
    return "ok" if hashlib.sha256(path.read_bytes()).hexdigest() in digests else "MISMATCH"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="default: every model.pt under data/")
    args = parser.parse_args(argv)
    files = args.files or sorted((ROOT / "data").rglob("model.pt"))
    failed = 0
    for path in files:
        status = check_or_write(path)
        failed += status == "MISMATCH"
        print(f"{status:>8}  {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
