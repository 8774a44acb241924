"""Tools that are not tests: run them from the repository root with ``python -m tools.<name>``
(the Makefile's targets do), and tests import them as ``tools.<name>``.

- ``bench``: the performance benchmark (``make bench``, writes docs/benchmarks.md)
- ``course_site``: the course site and its PDF handouts (``make site``, ``make handouts``)
- ``notebook_standards``: check lessons against the notebook standard, or put them into
  it (``make check-notebooks``, ``make strip``)
- ``review``: what to re-check each term (``make review``)
- ``screenshots``: a JupyterLab server and headless Chromium driving the lessons
  (``make screenshots``; the browser tests use its pieces)
- ``make_land_outline``: the one-off script that made datasets/land_northeast_asia.geojson
"""
