"""Allies at Odds: the helpers the lessons call.

Importing this package is cheap on purpose: it does not import pandas, matplotlib,
folium or ipywidgets. Each submodule imports what it needs:

- ``helpers.data``      load the course datasets and cite them
- ``helpers.geo``       geodesic distances, circles and coordinate formats
- ``helpers.maps``      folium maps built from the datasets
- ``helpers.figures``  the course figure: a chart with its alt text and source line
- ``helpers.alliance_network`` who is allied with whom: diagram and table (lesson 01)
- ``helpers.money``    cost sharing, the article's figures, burden sharing, releases (lesson 05)
- ``helpers.opinion``  the opinion surveys, margins of error, their chart (lesson 07)
- ``helpers.timeline``  the interactive timeline over the events dataset
- ``helpers.positions`` each government's position, side by side
- ``helpers.models``    the alliance-theory model of the theory lab
- ``helpers.factcheck`` the source-critique claim checker
- ``helpers.quiz``      quizzes from the question banks, and saved progress
- ``helpers.class_folder`` each student's progress copied to the class folder ($ALLIES_CLASS_DIR)
- ``helpers.classroom`` the instructor's view of the class's progress files
- ``helpers.dashboard`` the instructor's class dashboard (instructors/class_dashboard.ipynb)
- ``helpers.simulation`` classroom simulations: scenarios, briefs, moves, rounds (lesson 11)
- ``helpers.render``    HTML fragments from the Jinja2 templates in helpers/templates
- ``helpers.environment`` a writable cache folder for matplotlib on read-only homes
"""
from __future__ import annotations

from pathlib import Path

from helpers.environment import use_writable_caches
from helpers.errors import CourseError, install_friendly_errors

__version__ = "0.1.0"

#: Folder of this package; every data path is resolved from here, never from the
#: current directory, so lessons run the same from any folder.
PACKAGE_DIR = Path(__file__).resolve().parent
COURSE_DIR = PACKAGE_DIR.parent
DATASETS_DIR = COURSE_DIR / "datasets"
QUIZ_DIR = DATASETS_DIR / "quizzes"
LESSONS_DIR = COURSE_DIR / "lessons"

__all__ = [
    "COURSE_DIR",
    "CourseError",
    "DATASETS_DIR",
    "LESSONS_DIR",
    "PACKAGE_DIR",
    "QUIZ_DIR",
    "__version__",
]

install_friendly_errors()
use_writable_caches()
