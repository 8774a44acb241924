"""The class folder: every student's progress where the instructor can read it, with no hand-in.

On a shared JupyterHub the instructor sets ``ALLIES_CLASS_DIR`` for every server (in the
hub's configuration or the image; see ``docs/jupyterhub.md``) to a folder that students
can write to and the instructor can read. Each time a student's answer is saved, their
whole progress is copied there as one CSV file named after their hub user name, in the
columns ``quiz.export_progress`` writes, so ``helpers.classroom`` reads the folder exactly
as it reads handed-in exports.

The copy follows the progress file's rules (``helpers.quiz.store``): written under an
exclusive lock on ``<file>.lock`` and replaced atomically, so a reader never sees half a
file and two kernels of one student cannot interleave. Each student writes only their own
file; the file name is made from the user name so that no two names give the same file
and none can point outside the folder. A missing or read-only class folder never stops
the quiz: the answer stays saved in the student's own progress file and the student sees
a plain note, once per session.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from helpers.quiz import store

ENV_CLASS_DIR = "ALLIES_CLASS_DIR"
ENV_HUB_USER = "JUPYTERHUB_USER"
#: Mirror files are readable by the folder's group (the instructors) and not by other
#: students; docs/jupyterhub.md shows the folder permissions that go with it.
MIRROR_MODE = 0o640

# A name made only of these (and not starting with a dot) is used as it is; anything else
# gets a readable stem plus a hash of the exact name, marked by "~", which plain names
# cannot contain, so two different names never share a file.
_PLAIN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_told: set[tuple[str, str]] = set()


def class_dir() -> Path | None:
    """Return the class folder named by $ALLIES_CLASS_DIR, or None when it is not set."""
    setting = os.environ.get(ENV_CLASS_DIR, "").strip()
    if not setting:
        return None
    try:
        return Path(setting).expanduser()
    except RuntimeError:  # an unknown ~user: keep the path as written, it will not exist
        return Path(setting)


def owner() -> str:
    """Return whose progress this is: the hub user name ($JUPYTERHUB_USER), else the student id."""
    return os.environ.get(ENV_HUB_USER, "").strip() or store.student_id()


def file_name(user: str) -> str:
    """Return the class-folder file name for ``user``: ``alice.csv``, or a safe stem plus a hash.

    Plain lower-case names (``alice``, ``s.kim-2``) are kept as they are. Any other name
    (capitals, spaces, slashes, ``..``, NUL, non-Latin letters, more than 64 characters)
    becomes ``<readable stem>~<16 hex digits of its SHA-256>.csv``: never a path, never
    hidden, at most 61 characters, and different for different names.
    """
    text = str(user)
    if _PLAIN.fullmatch(text):
        return f"{text}.csv"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    stem = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:40] or "student"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{stem}~{digest}.csv"


def mirror_path(user: str | None = None) -> Path | None:
    """Return this student's file in the class folder, or None when there is no class folder."""
    folder = class_dir()
    return None if folder is None else folder / file_name(owner() if user is None else user)


def _once(folder: Path, kind: str, text: str) -> str | None:
    key = (str(folder), kind)
    if key in _told:
        return None
    _told.add(key)
    return text


def mirror(records: list[dict], user: str | None = None) -> str | None:
    """Write ``records`` (the student's whole progress) to their class-folder file.

    Returns None when done or when no class folder is set, else a one-line note for the
    student (only the first time in a session for each problem). Never raises.
    """
    folder = class_dir()
    if folder is None:
        return None
    user = owner() if user is None else user
    if not folder.is_dir():
        return _once(folder, "missing", (
            f"Your answer is saved in your own progress file, but the class folder {folder} "
            f"(set by {ENV_CLASS_DIR}) does not exist, so your instructor cannot see your progress "
            "yet. Tell your instructor; nothing is lost."
        ))
    path = folder / file_name(user)
    try:
        with store._locked(path):
            store.write_text_atomic(path, store.export_csv(records, user), mode=MIRROR_MODE)
    except (OSError, ValueError, TypeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return _once(folder, "unwritable", (
            f"Your answer is saved in your own progress file, but it could not be copied to the "
            f"class folder {folder} ({reason}), so your instructor cannot see your progress yet. "
            "Tell your instructor; nothing is lost."
        ))
    return None
