"""The course's JupyterLab defaults (binder/labconfig) hold and are installed by
`make lab` and Binder's postBuild: no "Would you like to get notified about official
Jupyter news?" pop-up on a student's first open (issue 16, item 12), and widget messages
handled in the order they were sent (comms over subshells off; helpers/answer_watch.py
says why). The browser tests' JupyterLab reads the same file (tools/screenshots.py).

Checked in Chromium by hand on 1 Dec 2026: JupyterLab 4.6 from `make lab` showed no
news toast within 20 s of opening lesson 00; the same server without the file showed it.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = ROOT / "binder" / "labconfig" / "default_setting_overrides.json"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_defaults_turn_news_off_with_values_the_schema_accepts():
    data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    assert data[NOTIFICATION]["fetchNews"] == "false"
    # the schema JupyterLab validates settings against, installed with jupyterlab
    schema_file = (Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab"
                   / "apputils-extension" / "notification.json")
    props = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]
    assert {"const": "false", "title": "Never"} in props["fetchNews"]["oneOf"]
    assert set(data[NOTIFICATION]) <= set(props)


KERNELS = "@jupyterlab/apputils-extension:kernels-settings"


def test_defaults_keep_widget_messages_on_the_kernels_main_thread():
    # JupyterLab 4.6's default sends a widget's messages to a kernel subshell (a thread):
    # a choice and the Check click right after it could then be handled in either order,
    # and a callback could draw with matplotlib while a cell does (jupyterlab#19719)
    data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    assert data[KERNELS] == {"commsOverSubshells": "disabled"}
    schema_file = (Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab"
                   / "apputils-extension" / "kernels-settings.json")
    prop = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]["commsOverSubshells"]
    assert {"const": "disabled", "title": "Disabled"} in prop["oneOf"]


def test_jupyterlab_reads_the_file_from_a_labconfig_dir(monkeypatch, tmp_path):
    # JupyterLab's own loader, with the course's folder on the config path as the
    # environment's etc/jupyter is after `make lab` or postBuild.
    from jupyterlab_server.settings_utils import _get_overrides

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(DEFAULTS.parent.parent))
    overrides, error = _get_overrides(str(tmp_path))
    assert not error
    assert overrides[NOTIFICATION]["fetchNews"] == "false"
    assert overrides[KERNELS]["commsOverSubshells"] == "disabled"


def test_make_lab_and_postbuild_install_it_into_the_environment():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LAB_DEFAULTS := $(VENV)/etc/jupyter/labconfig/default_setting_overrides.json" in make
    assert re.search(r"^lab: .*\$\(LAB_DEFAULTS\)", make, re.M)
    post = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "binder/labconfig/default_setting_overrides.json" in post
    assert '"$prefix/etc/jupyter/labconfig/default_setting_overrides.json"' in post
