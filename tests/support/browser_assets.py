"""What the browser tests inject into pages, fetched from the npm registry with `npm ci`.

tests/browser/package.json and its lock pin the packages (axe-core); they are installed once into
var/browser-assets/ and fetched again only when the lock changes. `make install` runs this module so
that a test run needs no network; the fixtures call it too, for a tree installed before it existed.
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "tests" / "browser"
CACHE_DIR = ROOT / "var" / "browser-assets"
MANIFESTS = ("package.json", "package-lock.json")


class AssetsUnavailable(RuntimeError):
    """npm is missing or could not fetch the pinned packages."""


def _lock_digest() -> str:
    return hashlib.sha256(b"".join((PACKAGE_DIR / name).read_bytes() for name in MANIFESTS)).hexdigest()


def installed_dir() -> Path:
    """node_modules of the pinned packages, installed with `npm ci` unless the cache matches the lock. Under a
    lock file: the workers of a parallel test run (pytest-xdist) may all ask at once, and one `npm ci` must not
    empty node_modules while another worker reads it."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR.with_name("browser-assets.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _installed_dir()


def _installed_dir() -> Path:
    stamp = CACHE_DIR / ".lock-sha256"
    digest = _lock_digest()
    if stamp.is_file() and stamp.read_text() == digest:
        return CACHE_DIR / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsUnavailable("npm is not installed (Debian: apt-get install npm)")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for name in MANIFESTS:
        shutil.copyfile(PACKAGE_DIR / name, CACHE_DIR / name)
    # --ignore-scripts: nothing a package ships runs here; it is only read and injected into pages.
    done = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                          cwd=CACHE_DIR, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssetsUnavailable(f"npm ci failed in {CACHE_DIR}: {done.stderr.strip()[-2000:]}")
    stamp.write_text(digest)
    return CACHE_DIR / "node_modules"


def axe_script() -> Path:
    """axe-core's axe.min.js at the version the lock pins."""
    return installed_dir() / "axe-core" / "axe.min.js"


if __name__ == "__main__":
    try:
        print(axe_script().relative_to(ROOT))
    except AssetsUnavailable as exc:
        sys.exit(str(exc))
