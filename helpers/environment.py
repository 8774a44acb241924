"""A writable place for the libraries' caches, so no warning reaches a student.

matplotlib keeps its font cache in ``$MPLCONFIGDIR`` or ``~/.config/matplotlib``. On a
machine where the home folder is read-only (some JupyterHubs, locked-down lab
computers) it prints a red "mkdir -p failed ... created a temporary cache directory"
warning into the lesson. Before matplotlib is first imported, :func:`use_writable_caches`
points it at a folder of the course's own in the system's temporary folder instead.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _writable(folder: Path) -> bool:
    """True if ``folder`` exists and can be written, or could be created."""
    probe = folder
    try:
        while not probe.exists():
            if probe.parent == probe:
                return False
            probe = probe.parent
        return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
    except OSError:  # a home folder we may not even look into
        return False


def use_writable_caches() -> str | None:
    """Set MPLCONFIGDIR to a writable folder when the default is not; return it (or None)."""
    if os.environ.get("MPLCONFIGDIR"):
        return None
    try:
        default = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "matplotlib"
    except RuntimeError:  # no home folder at all
        default = None
    if default is not None and _writable(default):
        return None
    folder = Path(tempfile.gettempdir()) / f"allies-at-odds-mpl-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None  # nowhere to write: matplotlib will say so itself
    os.environ["MPLCONFIGDIR"] = str(folder)
    return str(folder)
