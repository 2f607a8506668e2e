"""The package's PEP 517 build backend: standard library only, so ``pip install ./sdk/python``
works offline in a fresh virtual environment (no setuptools or wheel to download; a fresh venv of
Python 3.12+ has neither, and setuptools before 70.1 cannot build a wheel without ``wheel``).

It builds a pure-Python wheel (PEP 427) of the ``voisnap`` package, an sdist (PEP 625), and an
editable wheel (PEP 660, a ``.pth`` file pointing at this folder). The package's metadata
(core metadata 2.1, https://packaging.python.org/en/latest/specifications/core-metadata/) is
written here, and the version is read from ``voisnap/_transport.py`` so it has one home.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "voisnap"

METADATA: List[Tuple[str, str]] = [
    ("Metadata-Version", "2.1"),
    ("Name", PACKAGE),
    ("Summary", "Python client for the Voisnap Outbound Calls API: calls, campaigns, suppressions and webhooks."),
    ("Requires-Python", ">=3.9"),
    ("License", "MIT"),
    ("Project-URL", "Repository, https://github.com/voisnap/outbound-calls-service"),
    ("Project-URL", "Documentation, https://github.com/voisnap/outbound-calls-service/tree/main/sdk/python"),
    ("Classifier", "License :: OSI Approved :: MIT License"),
    ("Classifier", "Programming Language :: Python :: 3"),
    ("Classifier", "Typing :: Typed"),
    ("Description-Content-Type", "text/markdown"),
]


def version() -> str:
    """``__version__`` of voisnap/_transport.py."""
    match = re.search(r'^__version__ = "([^"]+)"$', (ROOT / PACKAGE / "_transport.py").read_text("utf-8"), re.M)
    if match is None:
        raise RuntimeError("voisnap/_transport.py has no __version__ line")
    return match.group(1)


def _metadata() -> bytes:
    lines = [f"{name}: {value}" for name, value in METADATA[:2]] + [f"Version: {version()}"]
    lines += [f"{name}: {value}" for name, value in METADATA[2:]]
    lines.append("License-File: LICENSE")
    return ("\n".join(lines) + "\n\n" + (ROOT / "README.md").read_text("utf-8")).encode("utf-8")


def _package_files() -> List[Path]:
    return sorted(path for path in (ROOT / PACKAGE).iterdir() if path.suffix == ".py" or path.name == "py.typed")


def _dist_info() -> str:
    return f"{PACKAGE}-{version()}.dist-info"


def _write_wheel(wheel_directory: str, files: List[Tuple[str, bytes]]) -> str:
    dist_info = _dist_info()
    files = files + [
        (f"{dist_info}/METADATA", _metadata()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: voisnap_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{dist_info}/LICENSE", (ROOT / "LICENSE").read_bytes()),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode()),
    ]
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files] + [f"{dist_info}/RECORD,,"]
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    name = f"{PACKAGE}-{version()}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return name


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None, metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, [(f"{PACKAGE}/{path.name}", path.read_bytes()) for path in _package_files()])


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None, metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, [(f"{PACKAGE}.pth", f"{ROOT}\n".encode())])


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    base = f"{PACKAGE}-{version()}"
    members = ["pyproject.toml", "README.md", "LICENSE", "build_backend/voisnap_build.py"]
    members += [f"{PACKAGE}/{path.name}" for path in _package_files()]
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        for member in members:
            sdist.add(ROOT / member, arcname=f"{base}/{member}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata()
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))
    return name
