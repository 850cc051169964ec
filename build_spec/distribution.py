"""The download users get: the one-folder build, zipped (it starts 2-4x faster than the one-file exe,
which unpacks itself on every start, and unsigned one-file PyInstaller executables draw antivirus
false positives), and the winget and Scoop manifests for that zip (integrations/).

    python -m build_spec.distribution --onedir dist/onedir/DumpDoctor [--url-base URL]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "integrations"
PACKAGE_MANAGERS = ("scoop", "winget")  # integrations/ also holds fleet tools' files (intune, ...)


def zip_name(version: str) -> str:
    return f"DumpDoctor-{version}-windows-x64.zip"


def make_zip(onedir: Path, out: Path) -> Path:
    """`out` holds the folder `DumpDoctor/` with both exes and `_internal/`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for item in sorted(onedir.rglob("*")):
            if item.is_file():
                zf.write(item, (Path(onedir.name) / item.relative_to(onedir)).as_posix())
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest().upper()


def fill_manifests(zip_path: Path, version: str, url_base: str, homepage: str, out: Path) -> list[Path]:
    values = {"{{VERSION}}": version, "{{URL}}": f"{url_base.rstrip('/')}/{zip_path.name}",
              "{{SHA256}}": sha256(zip_path), "{{HOMEPAGE}}": homepage}
    written = []
    for template in sorted(p for folder in PACKAGE_MANAGERS for p in (TEMPLATES / folder).glob("*")):
        if template.suffix not in (".yaml", ".json"):
            continue
        text = template.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        target = out / template.parent.name / template.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    from core.version import __version__

    parser = argparse.ArgumentParser(prog="python -m build_spec.distribution", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onedir", type=Path, default=ROOT / "dist" / "onedir" / "DumpDoctor")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--url-base", default=f"https://example.invalid/releases/download/v{__version__}",
                        help="where the release zip will be downloaded from")
    parser.add_argument("--homepage", default="https://example.invalid/dumpdoctor")
    args = parser.parse_args(argv)
    if not (args.onedir / "dumpdoctor-cli.exe").exists() and not (args.onedir / "dumpdoctor-cli").exists():
        print(f"no one-folder build in {args.onedir}: run `python -m build_spec --mode onedir` first",
              file=sys.stderr)
        return 2
    archive = make_zip(args.onedir, args.dist / zip_name(__version__))
    print(f"{archive} ({archive.stat().st_size / 1e6:.1f} MB, sha256 {sha256(archive)})")
    for path in fill_manifests(archive, __version__, args.url_base, args.homepage, args.dist / "manifests"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
