"""Performance benchmark of the course: prints a table, writes docs/benchmarks.md.

Run with ``make bench`` (or ``python -m tools.bench --help``). It is not a test: it
measures, compares each figure with its budget, prints pass/fail beside it, and
exits non-zero when a budget is broken.

Figures (each timed figure is the median of --runs runs, with min and max):
- the floor: start a kernel and import what the lessons import (their import lines
  and the libraries the helpers load on first use);
- per lesson: wall time to execute top to bottom in a fresh kernel, its ratio to
  the floor, and the kernel's peak memory (VmHWM from /proc);
- ``import helpers`` and each helpers submodule, each in a fresh interpreter;
- stored and executed notebook size per lesson; rendered HTML size of each map;
- the size of the runtime and the test environments (fresh venvs; skip with --quick);
- the whole test suite's wall time (what `make test` runs), serial and on two workers
  (``-n 2 --dist loadfile``, as `make test`), with the pass/fail summary line of each
  run (skip with --quick; ``--suite-only`` measures only these two).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
SUBMODULES = ["course", "data", "geo", "maps", "figures", "money", "opinion", "alliance_network", "timeline",
              "positions", "models", "factcheck", "quiz"]
MAPS = ["islets_map", "disputes_map", "forces_map", "overview_map"]

BUDGETS = {
    "lesson_ratio": 2.0,  # lesson wall time / floor
    "lesson_seconds": 10.0,
    "kernel_peak_mb": 400.0,
    "import_helpers_s": 0.1,
    "stored_kb": 100.0,
    "executed_kb": 2048.0,
    "map_kb": 300.0,
}


@dataclass
class Row:
    what: str
    figure: str
    budget: str = ""
    ok: bool | None = None
    values: list[float] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("pass" if self.ok else "FAIL")


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """Median with min and max, formatted."""
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _kernel_rss_peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _kernel_pid(km) -> int | None:
    prov = getattr(km, "provisioner", None)
    proc = getattr(prov, "process", None)
    return getattr(proc, "pid", None)


def run_notebook(path: Path | None, cells: list[str] | None = None) -> tuple[float, float, int]:
    """Execute a notebook (or bare code cells) in a fresh kernel.

    Returns (wall seconds from kernel start to last cell, kernel peak RSS in MB,
    executed notebook size in bytes).
    """
    import nbformat
    from nbclient import NotebookClient

    if path is not None:
        nb = nbformat.read(str(path), as_version=4)
    else:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells or []])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with tempfile.TemporaryDirectory() as progress_dir:
        os.environ["ALLIES_PROGRESS_FILE"] = str(Path(progress_dir) / "progress.json")
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str((path or LESSONS[0]).parent)}},
        )
        start = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            wall = time.perf_counter() - start
            pid = _kernel_pid(client.km)
            peak = _kernel_rss_peak_mb(pid) if pid else float("nan")
    return wall, peak, len(nbformat.writes(nb).encode())


#: Libraries the helpers import lazily, on a lesson's first map, chart or widget: part of
#: "what lessons import" even though no lesson names them.
LAZY_LIBRARIES = [
    "import pandas",
    "import ipywidgets",
    "import folium",
    "import yaml",
    "import geographiclib.geodesic",
    "import matplotlib.figure, matplotlib.backends.backend_agg",
]


def floor_cells() -> list[str]:
    """The imports lessons make: their own import lines plus the libraries helpers load lazily."""
    imports = set(LAZY_LIBRARIES)
    for path in LESSONS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                if line.startswith(("import ", "from ")):
                    imports.add(line.strip())
    return ["\n".join(sorted(imports))]


def time_import(module: str, runs: int) -> list[float]:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = []
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if res.returncode != 0:
            return []
        out.append(float(res.stdout.strip()))
    return out


def map_sizes() -> dict[str, int]:
    try:
        from helpers import maps
    except Exception:
        return {}
    sizes = {}
    for name in MAPS:
        fn = getattr(maps, name, None)
        if fn is not None:
            sizes[name] = len(fn().get_root().render().encode())
    return sizes


def dir_size_mb(path: Path) -> float:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total / 1e6


def env_size(extra: str) -> tuple[float, float]:
    """(seconds to install, MB added) for a fresh venv with the course [+extra]."""
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        base = dir_size_mb(venv)
        spec = f"{ROOT}[{extra}]" if extra else str(ROOT)
        start = time.perf_counter()
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", spec], check=True)
        secs = time.perf_counter() - start
        return secs, dir_size_mb(venv) - base


#: The two ways `make test` can run the suite (Makefile: JOBS=0 and the default JOBS=2).
SUITE_SERIAL = ["-n", "0"]
SUITE_PARALLEL = ["-n", "2", "--dist", "loadfile", "--no-loadscope-reorder"]


def time_pytest(args: list[str]) -> tuple[float, str]:
    """Wall time of the whole suite with ``args``, and pytest's summary line."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    lines = [ln.strip("= ") for ln in proc.stdout.splitlines() if ln.strip()]
    return time.perf_counter() - start, (lines[-1] if lines else f"exit {proc.returncode}")


def suite_rows(runs: int) -> list[Row]:
    rows = []
    for label, args in (("serial", SUITE_SERIAL), ("-n 2 --dist loadfile", SUITE_PARALLEL)):
        results = [time_pytest(args) for _ in range(max(1, runs // 2))]
        values = [r[0] for r in results]
        rows.append(Row(f"pytest, whole suite, {label} (s)", spread(values, "{:.0f}"), values=values))
        rows.append(Row(f"pytest, whole suite, {label}: result", results[-1][1]))
        print(f"pytest whole suite {label}: {spread(values, '{:.0f}')} s ({results[-1][1]})", flush=True)
    return rows


def measure(runs: int, quick: bool) -> list[Row]:
    rows: list[Row] = []
    floor = [run_notebook(None, floor_cells())[0] for _ in range(runs)]
    floor_med = statistics.median(floor)
    rows.append(Row("floor: kernel start + lesson imports (s)", spread(floor), values=floor))

    for path in LESSONS:
        walls, peaks, executed = [], [], 0
        for _ in range(runs):
            wall, peak, executed = run_notebook(path)
            walls.append(wall)
            peaks.append(peak)
        med = statistics.median(walls)
        ratio = med / floor_med
        lesson = path.stem
        rows.append(Row(f"{lesson}: execute (s)", spread(walls), f"<= {BUDGETS['lesson_seconds']:.0f} s",
                        med <= BUDGETS["lesson_seconds"], walls))
        rows.append(Row(f"{lesson}: ratio to floor", f"{ratio:.2f}", f"<= {BUDGETS['lesson_ratio']:.1f}x",
                        ratio <= BUDGETS["lesson_ratio"]))
        peak = max(peaks)
        rows.append(Row(f"{lesson}: kernel peak RSS (MB)", f"{peak:.0f}", f"<= {BUDGETS['kernel_peak_mb']:.0f} MB",
                        peak <= BUDGETS["kernel_peak_mb"]))
        stored_kb = path.stat().st_size / 1024
        rows.append(Row(f"{lesson}: stored notebook (KB)", f"{stored_kb:.1f}", f"< {BUDGETS['stored_kb']:.0f} KB",
                        stored_kb < BUDGETS["stored_kb"]))
        executed_kb = executed / 1024
        rows.append(Row(f"{lesson}: executed notebook (KB)", f"{executed_kb:.0f}", f"< {BUDGETS['executed_kb']:.0f} KB",
                        executed_kb < BUDGETS["executed_kb"]))

    helpers_import = time_import("helpers", runs)
    rows.append(Row("import helpers (s)", spread(helpers_import, "{:.3f}"), f"< {BUDGETS['import_helpers_s']} s",
                    statistics.median(helpers_import) < BUDGETS["import_helpers_s"], helpers_import))
    for sub in SUBMODULES:
        values = time_import(f"helpers.{sub}", runs)
        if values:
            rows.append(Row(f"import helpers.{sub}, cold, with its libraries (s)", spread(values, "{:.3f}"), values=values))

    for name, size in map_sizes().items():
        kb = size / 1024
        rows.append(Row(f"map {name}() rendered HTML (KB)", f"{kb:.0f}", f"< {BUDGETS['map_kb']:.0f} KB",
                        kb < BUDGETS["map_kb"]))

    if not quick:
        for label, extra in (("runtime", ""), ("test", "test")):
            secs, mb = env_size(extra)
            rows.append(Row(f"{label} environment: install time (s) / size added (MB)", f"{secs:.0f} / {mb:.0f}"))
        rows += suite_rows(runs)
    return rows


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (/proc/loadavg), or "unknown"."""
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def as_markdown(rows: list[Row], runs: int) -> str:
    head = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load_average()} when it "
        f"finished (a loaded machine inflates every time). Timed figures are the median of {runs} runs, "
        "with (min-max).",
        "Reproduce: `make bench` (add `BENCH_ARGS=--quick` to skip environment sizes and the pytest runs).",
        "",
        "| what | figure | budget | verdict |",
        "|---|---|---|---|",
    ]
    body = [f"| {r.what} | {r.figure} | {r.budget} | {r.verdict} |" for r in rows]
    return "\n".join(head + body) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Course performance benchmark")
    parser.add_argument("--runs", type=int, default=3, help="runs per timed figure (median shown)")
    parser.add_argument("--quick", action="store_true", help="skip environment sizes and the pytest runs")
    parser.add_argument("--suite-only", action="store_true",
                        help="only the whole pytest suite's wall time, serial and parallel (prints; writes nothing)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)

    if args.suite_only:
        suite_rows(args.runs)
        return 0
    rows = measure(args.runs, args.quick)
    width = max(len(r.what) for r in rows)
    for r in rows:
        print(f"{r.what:<{width}}  {r.figure:>22}  {r.budget:>12}  {r.verdict}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(as_markdown(rows, args.runs), encoding="utf-8")
    broken = [r for r in rows if r.ok is False]
    print(f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    if broken:
        print(f"{len(broken)} budget(s) broken: " + "; ".join(r.what for r in broken))
        return 1
    print("all budgets hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
