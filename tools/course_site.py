"""Build the course site and its PDF handouts.

Usage::

    python -m tools.course_site build [--out _site] [--hub https://hub.example.edu]
    python -m tools.course_site handouts [--site _site] [--out handouts]

``build`` runs Jupyter Book 1 on the repository with ``site/_config.yml`` and
``site/_toc.yml``: every lesson is executed (myst-nb, with a cache under
``build/site/_build/.jupyter_cache``, so an unchanged lesson is not run again), quizzes
show their static form, and the finished HTML is copied to ``--out``. Quiz answers
given while building go to a throw-away progress file, not the builder's own.

A lesson that the test suite's nbval run has just executed is not executed again: that
run leaves each passing lesson with its outputs in ``build/executed/`` (the root
conftest.py calls :func:`keep_executed`), and ``build`` puts every copy whose
:func:`lesson_digest` still matches into the execution cache first.

``handouts`` prints each lesson page of a built site to one PDF with headless
Chromium (``--print-to-pdf``); the print rules in ``site/_static/course.css`` drop the
buttons and navigation, add page numbers and keep the Sources with their addresses.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "site"
BUILD_DIR = ROOT / "build" / "site"
# where the root conftest.py keeps the lessons nbval executed, and which notebooks count as
# lessons (ALLIES_EXECUTED_DIR, ALLIES_LESSONS_DIR: elsewhere, for the tests of this)
EXECUTED_DIR = Path(os.environ.get("ALLIES_EXECUTED_DIR") or ROOT / "build" / "executed")
LESSONS_DIR = Path(os.environ.get("ALLIES_LESSONS_DIR") or ROOT / "lessons").resolve()
DEFAULT_OUT = ROOT / "_site"
DEFAULT_HANDOUTS = ROOT / "handouts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-pdf-header-footer"]


class SiteError(RuntimeError):
    """The site or a handout could not be built (the message says why)."""


def lesson_pages(site: Path) -> list[Path]:
    return sorted((site / "lessons").glob("[0-9][0-9]_*.html"))


def _inputs_digest() -> str:
    """A digest of what lesson outputs depend on besides their own code cells: helpers/,
    datasets/, every lesson's metadata (lesson 00's syllabus reads them all), the package's
    ranges and Binder's pins (every `make` install is constrained by them), and the Python
    version."""
    import hashlib
    import json

    h = hashlib.sha256()
    for folder in ("helpers", "datasets"):
        for f in sorted((ROOT / folder).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.relative_to(ROOT).as_posix().encode())
                h.update(f.read_bytes())
    for lesson in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        try:
            meta = json.loads(lesson.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            meta = "unreadable"
        h.update(lesson.name.encode() + json.dumps(meta, sort_keys=True).encode())
    for f in ("pyproject.toml", "binder/requirements.txt"):
        h.update((ROOT / f).read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def lesson_digest(lesson: Path, inputs: str | None = None) -> str:
    """A digest of a lesson's file and of everything else its outputs depend on
    (``inputs``: :func:`_inputs_digest`, when the caller has it already)."""
    import hashlib

    return hashlib.sha256((inputs or _inputs_digest()).encode() + Path(lesson).read_bytes()).hexdigest()


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def keep_executed(lesson: Path, nb, outputs: dict[int, list] | None, digest: str,
                  folder: Path = EXECUTED_DIR) -> Path | None:
    """Write the notebook ``nb`` that nbval ran from ``lesson``, with ``outputs`` (code cell
    number -> the outputs nbval received), to ``folder``, stamped with ``digest`` (the
    :func:`lesson_digest` taken when its run began). No copy, and any earlier one removed,
    when ``outputs`` is None (a cell failed, was skipped or left out), when the lesson or its
    inputs changed during the run, when a cell has printed text beside other outputs (nbval
    joins a cell's printed text into one output, so their order could differ from a real
    run), or when nbformat rejects the result. Returns the copy's path, or None."""
    import copy

    import nbformat

    target = Path(folder) / Path(lesson).name
    if outputs is not None:
        nb = copy.deepcopy(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        for n, cell in enumerate(code, 1):
            cell.execution_count = n
            cell.outputs = [nbformat.from_dict(dict(o)) for o in outputs.get(n - 1, [])]
            kinds = {o.output_type == "stream" for o in cell.outputs}
            if len(kinds) > 1:
                outputs = None
                break
            for out in cell.outputs:
                if out.output_type == "execute_result":
                    out.execution_count = n
    if outputs is not None:
        try:
            unchanged = (lesson_digest(lesson) == digest
                         and _code(nbformat.read(lesson, as_version=4)) == _code(nb))
            nb.metadata["executed"] = {"by": "nbval", "digest": digest}
            nbformat.validate(nb)
        except (OSError, ValueError, nbformat.ValidationError):
            unchanged = False
        if not unchanged:
            outputs = None
    if outputs is None:
        target.unlink(missing_ok=True)  # the site build executes this lesson itself
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        nbformat.write(nb, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _seed_execution_cache(build_dir: Path, executed: Path = EXECUTED_DIR) -> list[str]:
    """Put each lesson's fresh executed copy (see :func:`keep_executed`) into the site's
    execution cache; return the names of the lessons so provided."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = None
    seeded = []
    inputs = _inputs_digest()  # once, not once per lesson: it reads all of helpers/ and datasets/
    for lesson in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb")):
        copy = Path(executed) / lesson.name
        try:
            nb = nbformat.read(copy, as_version=4)
        except (OSError, ValueError):
            continue  # no copy, or a damaged one: myst-nb executes the lesson
        if nb.metadata.get("executed", {}).get("digest") != lesson_digest(lesson, inputs):
            continue
        if cache is None:
            cache = get_cache(str(Path(build_dir) / "_build" / ".jupyter_cache"))
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(lesson), data={"executed_by": "nbval"}),
                                    check_validity=False, overwrite=True)
        seeded.append(lesson.name)
    return seeded


def _drop_stale_cache(build_dir: Path) -> None:
    """The execution cache is keyed on each notebook's code only: when anything else a
    lesson's outputs depend on changes (:func:`_inputs_digest`), drop it so every lesson
    runs again."""
    stamp = build_dir / "inputs.sha256"
    digest = _inputs_digest()
    if not stamp.is_file() or stamp.read_text().strip() != digest:
        # the whole build: Sphinx's own environment would otherwise skip the unchanged
        # notebooks without asking the execution cache
        shutil.rmtree(build_dir / "_build", ignore_errors=True)
        build_dir.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)


def build(out: Path = DEFAULT_OUT, build_dir: Path = BUILD_DIR, hub_url: str | None = None,
          quiet: bool = False) -> Path:
    """Build the site into ``out`` (replaced); return ``out``."""
    jb = Path(sys.executable).with_name("jupyter-book")
    if not jb.exists():
        raise SiteError("jupyter-book is not installed: run `make site` (it installs the 'site' extra)")
    progress = tempfile.mkdtemp(prefix="allies-site-")
    env = {**os.environ,
           "ALLIES_PROGRESS_FILE": str(Path(progress) / "progress.json"),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if hub_url:
        env["COURSE_HUB_URL"] = hub_url
    _drop_stale_cache(Path(build_dir))
    seeded = _seed_execution_cache(Path(build_dir))
    if not quiet:
        print(f"lessons already executed by the test suite's nbval run: {len(seeded)}")
    cmd = [str(jb), "build", str(ROOT), "--config", str(CONFIG_DIR / "_config.yml"),
           "--toc", str(CONFIG_DIR / "_toc.yml"), "--path-output", str(build_dir)]
    if quiet:
        cmd.append("--quiet")
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=quiet, text=True, check=False)
    finally:
        shutil.rmtree(progress, ignore_errors=True)
    if done.returncode:
        tail = (done.stdout or "")[-4000:] + (done.stderr or "")[-4000:] if quiet else ""
        raise SiteError(f"jupyter-book failed (exit {done.returncode}){': ' + tail if tail else ''}")
    html = build_dir / "_build" / "html"
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(html, out)
    (out / ".nojekyll").touch()  # GitHub Pages: serve _static/ and _sources/ as they are
    return out


def handout(page: Path, pdf: Path, timeout: float = 120) -> Path:
    """Print one built page to ``pdf`` with headless Chromium."""
    if not CHROMIUM.exists():
        raise SiteError(f"{CHROMIUM} is not installed (Debian: apt-get install chromium)")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="allies-pdf-")
    try:
        done = subprocess.run(
            [str(CHROMIUM), *CHROMIUM_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
             page.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode or not pdf.is_file() or pdf.stat().st_size == 0:
        raise SiteError(f"Chromium could not print {page.name}: {done.stderr[-2000:]}")
    return pdf


def handouts(site: Path = DEFAULT_OUT, out: Path = DEFAULT_HANDOUTS, jobs: int = 2) -> list[Path]:
    """One PDF per lesson page of the built ``site``, named like the lesson."""
    pages = lesson_pages(Path(site))
    if not pages:
        raise SiteError(f"no lesson pages in {site}/lessons: run `make site` first")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda p: handout(p, Path(out) / f"{p.stem}.pdf"), pages))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Build the course site or its PDF handouts.")
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("build", help="build the site with Jupyter Book")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT)
    b.add_argument("--hub", default=os.environ.get("HUB_URL") or None,
                   help="JupyterHub for the launch button (default: site/_config.yml's)")
    h = sub.add_parser("handouts", help="print each lesson page to PDF")
    h.add_argument("--site", type=Path, default=DEFAULT_OUT)
    h.add_argument("--out", type=Path, default=DEFAULT_HANDOUTS)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        if args.what == "build":
            out = build(args.out, hub_url=args.hub)
            print(f"Site built in {time.perf_counter() - t0:.0f} s: open {out / 'index.html'}")
        else:
            pdfs = handouts(args.site, args.out)
            print(f"{len(pdfs)} handouts in {args.out} ({time.perf_counter() - t0:.0f} s)")
    except SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
