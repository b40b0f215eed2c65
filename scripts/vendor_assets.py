"""Copy the front-end assets Kopdes serves from node_modules/ into the web app's static folder.

Villages have weak connections, so nothing is loaded from a CDN: each file is copied, with its
package's licence, into src/kopdes/web/static/vendor/<name>/, and vendor/README.md is rewritten
to list what is there. Versions are pinned exactly in package.json / package-lock.json.

Update:  npm install --save-exact --omit-lockfile-registry-resolved pkg@x.y.z, then
         npm ci && python scripts/vendor_assets.py
and commit package.json, package-lock.json and src/kopdes/web/static/vendor/.
"""

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "kopdes" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Asset:
    package: str  # npm name
    folder: str  # folder under static/vendor/
    files: tuple[str, ...]  # paths inside the package
    licence_file: str
    purpose: str


ASSETS = (
    Asset(
        package="htmx.org",
        folder="htmx.org",
        files=("dist/htmx.min.js",),
        licence_file="LICENSE",
        purpose="partial page updates from HTML attributes (hx-get, hx-post, ...)",
    ),
    Asset(
        package="@picocss/pico",
        folder="pico",
        # The red theme: Merah Putih. Semantic HTML is styled without classes.
        files=("css/pico.red.min.css",),
        licence_file="LICENSE.md",
        purpose="base stylesheet for semantic HTML (red theme)",
    ),
    Asset(
        package="@noble/ed25519",
        folder="noble-ed25519",
        # One ES module, no dependencies (SHA-512 through Web Crypto); audited.
        files=("index.js",),
        licence_file="LICENSE",
        purpose="Ed25519 signatures on the verification page for browsers whose Web Crypto lacks Ed25519 (static/web/verify.js imports it only then)",
    ),
    Asset(
        package="axe-core",
        folder="axe-core",
        files=("axe.min.js",),
        licence_file="LICENSE",
        purpose="accessibility checks in the browser tests (tests/browser inject it); no page loads it",
    ),
)


def _fail(message: str) -> None:
    print(f"vendor_assets: {message}", file=sys.stderr)
    sys.exit(1)


def _locked_version(lock: dict, package: str) -> str:
    entry = lock.get("packages", {}).get(f"node_modules/{package}")
    if entry is None:
        _fail(
            f"{package} is not in package-lock.json; run `npm install --save-exact {package}@<version>`."
        )
    return entry["version"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    lock_path = ROOT / "package-lock.json"
    if not lock_path.exists():
        _fail("package-lock.json is missing.")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))

    rows = []
    for asset in ASSETS:
        source = NODE_MODULES / asset.package
        manifest_path = source / "package.json"
        if not manifest_path.exists():
            _fail(f"{asset.package} is not installed; run `npm ci` first.")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        version = manifest["version"]
        if version != _locked_version(lock, asset.package):
            _fail(
                f"{asset.package} {version} in node_modules differs from package-lock.json; run `npm ci`."
            )

        target = VENDOR / asset.folder
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        copied = []
        for name in (*asset.files, asset.licence_file):
            src = source / name
            if not src.exists():
                _fail(f"{asset.package} {version} has no {name}.")
            dst = target / Path(name).name
            shutil.copyfile(src, dst)
            copied.append(dst)
        rows.append((asset, version, manifest.get("license", "?"), copied))
        print(f"{asset.package} {version} -> {target.relative_to(ROOT)}")

    lines = [
        "# Vendored front-end assets",
        "",
        "Copied from the npm registry at pinned versions by `scripts/vendor_assets.py`; do not edit by",
        "hand. Served by the app itself (no CDN: villages have weak connections).",
        "",
        "| package | version | licence | files | used for |",
        "|---|---|---|---|---|",
    ]
    for asset, version, licence, copied in rows:
        files = ", ".join(f"`{p.relative_to(VENDOR)}`" for p in copied)
        lines.append(f"| `{asset.package}` | {version} | {licence} | {files} | {asset.purpose} |")
    lines += [
        "",
        "SHA-256 of the copied files:",
        "",
        "```",
        *(f"{_sha256(p)}  {p.relative_to(VENDOR)}" for *_, copied in rows for p in copied),
        "```",
        "",
        "## Updating",
        "",
        "1. `npm install --save-exact --omit-lockfile-registry-resolved <package>@<version>`",
        "   (the lockfile keeps versions and integrity hashes, not registry addresses).",
        "2. `npm ci && python scripts/vendor_assets.py`",
        "3. Check the release notes for breaking changes, run the tests (including `tests/browser`),",
        "   and commit `package.json`, `package-lock.json` and this folder together.",
        "",
    ]
    (VENDOR / "README.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
