"""A read-only home folder puts no matplotlib warning into a lesson."""
from __future__ import annotations

import os
import subprocess
import sys


from helpers import environment

CODE = (
    "import helpers, os; from helpers import figures; figures.course_figure_class(); "
    "import matplotlib; matplotlib.get_cachedir(); print(os.environ.get('MPLCONFIGDIR', ''))"
)


def test_an_unwritable_config_folder_prints_no_matplotlib_warning(tmp_path):
    # A config "folder" that is a file cannot be created by anyone, root included: the
    # same failure matplotlib meets under a read-only home.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where matplotlib expects a folder")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CACHE_HOME")}
    env["XDG_CONFIG_HOME"] = str(blocker)
    bare = subprocess.run([sys.executable, "-c", "import matplotlib; matplotlib.get_cachedir()"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert "mkdir -p failed" in bare.stderr or "not a writable directory" in bare.stderr, "the setup reproduces the warning"
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "mkdir -p failed" not in out.stderr and "temporary cache directory" not in out.stderr, out.stderr
    assert out.stdout.strip(), "the course chose a writable cache folder"


def test_an_unwritable_default_moves_the_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "ro" / "config"))
    monkeypatch.setattr(environment, "_writable", lambda folder: False)
    folder = environment.use_writable_caches()
    assert folder and os.environ["MPLCONFIGDIR"] == folder and os.access(folder, os.W_OK)


def test_a_writable_default_or_an_explicit_setting_is_left_alone(monkeypatch, tmp_path):
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert environment.use_writable_caches() is None and "MPLCONFIGDIR" not in os.environ
    monkeypatch.setenv("MPLCONFIGDIR", "/somewhere/chosen")
    assert environment.use_writable_caches() is None and os.environ["MPLCONFIGDIR"] == "/somewhere/chosen"


def test_writable_reads_real_permissions(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert environment._writable(tmp_path / "new" / "deeper")
        if os.geteuid() != 0:
            assert not environment._writable(ro / "matplotlib")
    finally:
        ro.chmod(0o700)


def test_a_folder_that_cannot_be_looked_into_counts_as_unwritable(monkeypatch, tmp_path):
    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(environment.Path, "exists", refuse)
    assert environment._writable(tmp_path / "matplotlib") is False
