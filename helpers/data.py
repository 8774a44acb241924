"""Load the course datasets, check them against their descriptor, and cite them.

Every dataset is a CSV file in ``datasets/`` described by ``datasets/datapackage.json``
(a Frictionless Data Package). :func:`load_dataset` reads a file, checks every cell
against the resource's Table Schema with the small checker below, and returns a typed
pandas DataFrame:

============  =====================================================================
schema type   pandas dtype
============  =====================================================================
``string``    ``str`` (pandas' string dtype; missing cells are ``NaN``)
``integer``   ``int64`` when the field is required, otherwise nullable ``Int64``
``year``      nullable ``Int64``
``number``    ``float64`` (missing cells are ``NaN``)
``date``      ``datetime64[ns]`` (missing cells are ``NaT``); use ``.dt.date`` for
              date objects
``boolean``   nullable ``boolean``
============  =====================================================================

A file that does not match its schema raises :class:`helpers.errors.DatasetError`
naming the file, the row and column, what was expected and what was found.

Loads are cached (keyed on the file's modification time), and every call returns a
fresh copy, so a lesson may change its DataFrame freely.
"""
from __future__ import annotations

import codecs
import csv
import difflib
import functools
import io
import json
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd

import helpers
from helpers.errors import DatasetError

DESCRIPTOR_NAME = "datapackage.json"

__all__ = [
    "DESCRIPTOR_NAME",
    "citation",
    "cite",
    "describe",
    "field_constraints",
    "list_datasets",
    "load_all",
    "load_dataset",
    "load_shape",
]

# ASCII digits only: Python's int() and float() also take "1_000" and other scripts' digits,
# which a data file must not hold unnoticed.
_INT_RE = re.compile(r"[+-]?[0-9]+")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT64 = 2**63
_MAX_CELL = 100_000
# Table Schema's default spellings of a boolean; a field's own trueValues/falseValues
# replace them.
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "year": "a four-digit year",
    "number": "a number",
    "date": "a date written YYYY-MM-DD",
    "boolean": "true or false",
}


# --------------------------------------------------------------------------- paths


def _base(base_dir) -> Path:
    return Path(base_dir) if base_dir is not None else Path(helpers.DATASETS_DIR)


def _shown(path: Path, base: Path) -> str:
    """The file as a student should see it: ``datasets/x.csv`` for the course's own files."""
    try:
        if base.resolve() == Path(helpers.DATASETS_DIR).resolve():
            return "datasets/" + path.relative_to(base).as_posix()
    except (OSError, ValueError):
        pass
    return str(path)


def _restore_hint(path: Path, base: Path) -> str:
    shown = _shown(path, base)
    if shown.startswith("datasets/"):
        return f"restore the course's copy with `git checkout -- {shown}`"
    return f"restore {path.name} from the course's datasets/ folder"


def _stamp(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


# --------------------------------------------------------------------- descriptor


@functools.lru_cache(maxsize=16)
def _read_descriptor(path_str: str, stamp) -> dict:
    # The cache keys on the file's stamp; the work is in _parse_descriptor.
    return _parse_descriptor(Path(path_str), stamp)


def _parse_descriptor(path: Path, stamp) -> dict:
    base = path.parent
    shown = _shown(path, base)
    if stamp is None:
        raise DatasetError(
            f"The dataset descriptor {shown} is missing, so no dataset can be checked or "
            f"loaded. Fix: {_restore_hint(path, base)}."
        )
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{shown} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}. "
            f"Fix that spot, or {_restore_hint(path, base)}."
        ) from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise DatasetError(
            f"{shown} has no list of 'resources'. Fix: {_restore_hint(path, base)}."
        )
    for i, res in enumerate(resources, start=1):
        if isinstance(res, dict) and _is_shape(res) and "name" in res and "path" in res:
            continue
        fields = (res.get("schema") or {}).get("fields") if isinstance(res, dict) else None
        if not isinstance(res, dict) or "name" not in res or "path" not in res or not fields:
            raise DatasetError(
                f"{shown}: resource number {i} needs a 'name', a 'path' and a schema with "
                f"'fields' (or, for a map shape, format 'geojson'). Fix: {_restore_hint(path, base)}."
            )
    return descriptor


def _is_shape(resource: dict) -> bool:
    """True for a map shape (GeoJSON) rather than a table."""
    return str(resource.get("format", "")).lower() == "geojson"


def _descriptor(base_dir=None) -> dict:
    path = _base(base_dir) / DESCRIPTOR_NAME
    return _read_descriptor(str(path), _stamp(path))


def _resource(name: str, base_dir=None) -> dict:
    if not isinstance(name, str):
        raise DatasetError(
            f"A dataset name must be text such as 'places', not {type(name).__name__} {name!r:.60}."
        )
    descriptor = _descriptor(base_dir)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    if name in by_name:
        return by_name[name]
    close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.5)
    hint = (
        "Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        if close
        else "Run helpers.data.list_datasets() to see every name."
    )
    raise DatasetError(f"There is no dataset called '{name}'. {hint}")


# ------------------------------------------------------------------------ parsing


def _problem(shown, row, line, column, expected, found, fix):
    where = f"{shown}, data row {row} (line {line}), column '{column}'"
    return DatasetError(f"{where}: expected {expected}, found {found}. Fix: {fix}.")


def _convert(raw: str, field: dict):
    """Turn one non-empty cell into a Python value; raise ValueError with what was expected."""
    kind = field.get("type", "string")
    if kind == "string":
        return raw
    if kind in ("integer", "year"):
        if not _INT_RE.fullmatch(raw) or len(raw) > 20 or not -_INT64 <= int(raw) < _INT64:
            raise ValueError
        return int(raw)
    if kind == "number":
        if not _NUMBER_RE.fullmatch(raw):
            raise ValueError
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError
        return value
    if kind == "date":
        if not _DATE_RE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw)
    if kind == "boolean":
        if raw in field.get("trueValues", _TRUE):
            return True
        if raw in field.get("falseValues", _FALSE):
            return False
        raise ValueError
    raise ValueError


def _expected_words(field: dict) -> str:
    """What a cell of ``field`` must hold, in words, for an error message."""
    kind = field.get("type", "string")
    if kind == "boolean" and ("trueValues" in field or "falseValues" in field):
        true = ", ".join(field.get("trueValues", _TRUE))
        false = ", ".join(field.get("falseValues", _FALSE))
        return f"one of {true} (true) or {false} (false)"
    return _TYPE_WORDS.get(kind, kind)


def _check_constraints(value, raw, field):
    """Return (expected, found) when a constraint fails, else None."""
    c = field.get("constraints") or {}
    kind = field.get("type", "string")
    if "enum" in c and value not in _enum_values(field):
        allowed = ", ".join(str(v) for v in c["enum"])
        return f"one of: {allowed}", f"'{raw}'"
    for key, test, word in (("minimum", lambda v, m: v < m, "at least"),
                            ("maximum", lambda v, m: v > m, "at most")):
        if key in c:
            limit = c[key]
            if kind == "date":
                limit = date.fromisoformat(limit)
            if test(value, limit):
                return f"a value {word} {c[key]}", f"'{raw}'"
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        return f"text matching the pattern {c['pattern']}", f"'{raw}'"
    if "minLength" in c and len(raw) < c["minLength"]:
        return f"at least {c['minLength']} characters", f"'{raw}'"
    if "maxLength" in c and len(raw) > c["maxLength"]:
        return f"at most {c['maxLength']} characters", f"{len(raw)} characters"
    return None


def _enum_values(field):
    kind = field.get("type", "string")
    values = field["constraints"]["enum"]
    if kind == "date":
        return {date.fromisoformat(v) for v in values}
    return set(values)


@functools.lru_cache(maxsize=64)
def _load_cached(path_str: str, base_str: str, name: str, stamp, desc_stamp) -> pd.DataFrame:
    # The cache keys on the stamps of the file and the descriptor; the work is in _load.
    return _load(Path(path_str), Path(base_str), name, stamp)


def _load(path: Path, base: Path, name: str, stamp) -> pd.DataFrame:
    resource = _resource(name, base)
    shown = _shown(path, base)
    fix_file = _restore_hint(path, base)
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    missing_values = set(resource["schema"].get("missingValues", [""]))

    if stamp is None:
        raise DatasetError(
            f"The file for dataset '{name}' is missing: {shown} does not exist. "
            f"Fix: {fix_file}."
        )
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # "utf-8-sig" counts exc.start from after a byte-order mark (Excel's "CSV UTF-8"
        # writes one): count from the file's first byte
        at = exc.start + (len(codecs.BOM_UTF8) if raw_bytes.startswith(codecs.BOM_UTF8) else 0)
        raise DatasetError(
            f"{shown}, {_where_byte(raw_bytes, at, names)}: expected UTF-8 text, found a byte "
            f"that is not (0x{raw_bytes[at]:02x}; was the file saved as Latin-1 or Windows-1252?). "
            f"Save it as UTF-8 CSV, or {fix_file}."
        ) from None

    # newline="": lines end only at \r, \n or \r\n, as the csv module expects (str.splitlines
    # would also end one at U+2028, \x0c or \x85 inside a cell, and misnumber every later line).
    # strict: a quote left open to the end of the file is an error; unstrict, the csv module
    # reads every later line into that one cell and the rows vanish without a word
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DatasetError(f"{shown} is empty: it needs a header row. Fix: {fix_file}.") from None
    except csv.Error as exc:
        raise DatasetError(f"{shown}, header (line 1): not readable as CSV ({exc}). Fix: {fix_file}.") from None
    header = [h.strip() for h in header]
    if header != names:
        missing = [n for n in names if n not in header]
        extra = [h for h in header if h not in names]
        if missing:
            col = missing[0]
            close = difflib.get_close_matches(col, extra, n=1)
            at = names.index(col)
            if not close and at < len(header) and header[at] in extra:
                close = [header[at]]  # same position: most likely a renamed column
            found = f"a column '{close[0]}' instead" if close else "no such column in the header"
            raise DatasetError(
                f"{shown}, header (line 1), column '{col}': expected this column (the schema "
                f"in datapackage.json lists {', '.join(names)}), found {found}. "
                f"Fix: rename or add the column, or {fix_file}."
            )
        if extra:
            raise DatasetError(
                f"{shown}, header (line 1), column '{extra[0]}': expected only the columns "
                f"described in datapackage.json ({', '.join(names)}), found an extra one. "
                f"Fix: add a field for it to datapackage.json, or remove the column."
            )
        raise DatasetError(
            f"{shown}, header (line 1): expected the columns in the order "
            f"{', '.join(names)}, found {', '.join(header)}. Fix: reorder the columns, or {fix_file}."
        )

    columns = {n: [] for n in names}
    lines = []
    row = 0
    for line, record in _records(reader, shown, fix_file):
        if not record or all(not cell.strip() for cell in record):
            continue  # blank line: not a data row
        row += 1
        if len(record) != len(names):
            raise DatasetError(
                f"{shown}, data row {row} (line {line}): expected {len(names)} cells, found "
                f"{len(record)}. A comma inside text needs the whole cell in double quotes. "
                f"Fix that line, or {fix_file}."
            )
        lines.append(line)
        for field, raw in zip(fields, record):
            col = field["name"]
            raw = raw.strip()
            if "\x00" in raw or len(raw) > _MAX_CELL:
                found = "a NUL character" if "\x00" in raw else f"{len(raw):,} characters"
                raise _problem(shown, row, line, col, f"text of at most {_MAX_CELL:,} characters with no NUL "
                               "characters", found, "correct the cell, or " + fix_file)
            if raw in missing_values:
                if (field.get("constraints") or {}).get("required"):
                    raise _problem(shown, row, line, col, "a value (this column is required)",
                                   "an empty cell", "fill in the cell, or " + fix_file)
                columns[col].append(None)
                continue
            try:
                value = _convert(raw, field)
            except (ValueError, OverflowError):
                raise _problem(shown, row, line, col, _expected_words(field), f"'{raw}'",
                               "correct the cell, or " + fix_file) from None
            failed = _check_constraints(value, raw, field)
            if failed:
                raise _problem(shown, row, line, col, failed[0], failed[1],
                               "correct the cell, or " + fix_file)
            columns[col].append(value)

    if not row:
        raise DatasetError(
            f"{shown} has a header but no data rows: the lessons need its rows. Fix: {fix_file}."
        )
    _check_unique(resource, columns, lines, shown, fix_file)
    return _to_frame(fields, columns)


def _records(reader, shown, fix_file):
    """Yield (line, record) for each of the reader's records, ``line`` the file line the
    record starts on (a quoted cell may hold line breaks), turning the csv module's errors
    into a DatasetError that names the line where the unreadable record starts."""
    while True:
        start = reader.line_num + 1
        try:
            yield start, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise DatasetError(
                    f"{shown}, line {start}: a double quote opened in the record that starts on "
                    f"this line is never closed, so every line after it would be read into one "
                    f"cell. Close the quote (a quote inside a quoted cell is written twice: \"\"), "
                    f"or {fix_file}."
                ) from None
            if "expected after" in str(exc):  # text after a closing quote: "ab"cd
                raise DatasetError(
                    f"{shown}, line {start}: a cell has text after its closing double quote. Put "
                    f"the whole cell in double quotes and write each quote inside it twice (\"\"), "
                    f"or {fix_file}."
                ) from None
            lines = f"line {start}" if reader.line_num <= start else f"lines {start}-{reader.line_num}"
            raise DatasetError(
                f"{shown}, {lines}: not readable as CSV ({exc}; a cell may be far "
                f"too long or a quote left open). Fix that line, or {fix_file}."
            ) from None


def _where_byte(raw: bytes, offset: int, names: list[str]) -> str:
    """Return "data row R (line L), column 'C'" for a byte offset in a CSV file."""
    before = raw[:offset].decode("utf-8", errors="replace")
    line = before.count("\n") + 1
    start = before.rfind("\n") + 1
    try:
        cells = next(csv.reader([before[start:]]))
    except (csv.Error, StopIteration):
        cells = [""]
    column = names[min(len(cells), len(names)) - 1] if names else "?"
    place = f"data row {line - 1} (line {line})" if line > 1 else "header (line 1)"
    return f"{place}, column '{column}'"


def _check_unique(resource, columns, lines, shown, fix_file):
    schema = resource["schema"]
    keys = schema.get("primaryKey")
    groups = []
    if keys:
        groups.append([keys] if isinstance(keys, str) else list(keys))
    for field in schema["fields"]:
        if (field.get("constraints") or {}).get("unique"):
            groups.append([field["name"]])
    for group in groups:
        seen = {}
        for i, key in enumerate(zip(*(columns[c] for c in group))):
            if any(k is None for k in key):
                if keys and group == ([keys] if isinstance(keys, str) else list(keys)):
                    raise _problem(shown, i + 1, lines[i], ", ".join(group),
                                   "a value (part of the primary key)", "an empty cell",
                                   "fill in the cell")
                continue
            if key in seen:
                first = seen[key]
                shown_key = ", ".join(str(k) for k in key)
                raise _problem(
                    shown, i + 1, lines[i], ", ".join(group),
                    f"a unique value (row {first + 1}, line {lines[first]} already has it)",
                    f"'{shown_key}' again",
                    "give the row its own id or remove the duplicate, or " + fix_file,
                )
            seen[key] = i


def _to_frame(fields, columns) -> pd.DataFrame:
    data = {}
    for field in fields:
        col, kind = field["name"], field.get("type", "string")
        values = columns[col]
        required = bool((field.get("constraints") or {}).get("required"))
        if kind == "string":
            data[col] = pd.Series(values, dtype="str")
        elif kind == "integer":
            data[col] = pd.Series(values, dtype="int64" if required else "Int64")
        elif kind == "year":
            data[col] = pd.Series(values, dtype="Int64")
        elif kind == "number":
            data[col] = pd.Series([math.nan if v is None else v for v in values], dtype="float64")
        elif kind == "date":
            data[col] = pd.Series(pd.to_datetime(values)).astype("datetime64[ns]")
        elif kind == "boolean":
            data[col] = pd.Series(values, dtype="boolean")
        else:
            data[col] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)


# ----------------------------------------------------------------------- public API


def load_dataset(name: str, base_dir=None) -> pd.DataFrame:
    """Return dataset ``name`` as a typed DataFrame, checked against datapackage.json.

    ``base_dir`` points at another folder holding a ``datapackage.json`` and its CSV
    files (tests use it on copies); by default the course's ``datasets/`` folder.
    Raises :class:`helpers.errors.DatasetError` when the name is unknown or the file
    does not match its schema.
    """
    base = _base(base_dir)
    descriptor_path = base / DESCRIPTOR_NAME
    resource = _resource(name, base)
    if _is_shape(resource):
        raise DatasetError(
            f"'{name}' is a map shape (GeoJSON), not a table: load it with "
            f"helpers.data.load_shape('{name}')."
        )
    path = base / resource["path"]
    frame = _load_cached(str(path), str(base), name, _stamp(path), _stamp(descriptor_path))
    return frame.copy()


def load_all(base_dir=None) -> dict:
    """Return every table dataset, loaded and checked, as a dict name -> DataFrame."""
    return {
        r["name"]: load_dataset(r["name"], base_dir)
        for r in _descriptor(base_dir)["resources"]
        if not _is_shape(r)
    }


def load_shape(name: str, base_dir=None) -> dict:
    """Return map shape ``name`` (a GeoJSON resource) as a dict.

    Raises :class:`helpers.errors.DatasetError` when the name is unknown, names a
    table, or the file is missing or not valid GeoJSON.
    """
    base = _base(base_dir)
    resource = _resource(name, base)
    if not _is_shape(resource):
        raise DatasetError(f"'{name}' is a table, not a map shape: load it with helpers.data.load_dataset('{name}').")
    path = base / resource["path"]
    shown = _shown(path, base)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"The map shape file {shown} is missing. Fix: {_restore_hint(path, base)}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"The map shape file {shown} cannot be read ({exc}). Fix: {_restore_hint(path, base)}.") from None
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{shown} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}. "
            f"Fix: {_restore_hint(path, base)}."
        ) from None
    kinds = {"FeatureCollection", "Feature", "Polygon", "MultiPolygon", "LineString", "MultiLineString", "Point"}
    if not isinstance(data, dict) or data.get("type") not in kinds:
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise DatasetError(
            f"{shown} is not GeoJSON: expected a 'type' such as FeatureCollection, found {found!r}. "
            f"Fix: {_restore_hint(path, base)}."
        )
    return data


def list_datasets(base_dir=None) -> pd.DataFrame:
    """Return a table of the datasets: name, title, kind (table or map shape), file and licence."""
    rows = []
    for r in _descriptor(base_dir)["resources"]:
        licences = ", ".join(lic.get("name", lic.get("title", "")) for lic in r.get("licenses", []))
        rows.append({"name": r["name"], "title": r.get("title", r["name"]),
                     "kind": "map shape" if _is_shape(r) else "table",
                     "file": r["path"], "licence": licences})
    return pd.DataFrame(rows, columns=["name", "title", "kind", "file", "licence"])


def field_constraints(name: str, column: str | None = None, base_dir=None) -> dict:
    """Return the Table Schema constraints of dataset ``name``'s columns, as data.

    Without ``column``: a dict ``{column: constraints}`` in the file's column order;
    with it, that one column's constraints. Each ``constraints`` is a fresh dict with
    the keys datapackage.json gives (``required``, ``unique``, ``enum``, ``minimum``,
    ``maximum``, ``pattern``, ``minLength``, ``maxLength``); a column with no rules
    gives ``{}``. Limits and enum values of a date column are ``datetime.date``
    objects, so they compare with the loaded values. This is what :func:`describe`'s
    "rules" text is written from: read this, never parse that text.
    """
    resource = _resource(name, base_dir)
    if _is_shape(resource):
        raise DatasetError(f"'{name}' is a map shape (GeoJSON), not a table: it has no columns.")
    rules = {}
    for f in resource["schema"]["fields"]:
        c = {key: list(v) if isinstance(v, list) else v for key, v in (f.get("constraints") or {}).items()}
        if f.get("type") == "date":
            for key in ("minimum", "maximum"):
                if key in c:
                    c[key] = date.fromisoformat(c[key])
            if "enum" in c:
                c["enum"] = [date.fromisoformat(v) for v in c["enum"]]
        rules[f["name"]] = c
    if column is None:
        return rules
    if column in rules:
        return rules[column]
    close = difflib.get_close_matches(str(column), list(rules), n=3, cutoff=0.5)
    hint = ("Did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else \
        f"Its columns are {', '.join(rules)}."
    raise DatasetError(f"Dataset '{name}' has no column '{column}'. {hint}")


def _rules_text(c: dict) -> str:
    """One column's constraints as the short text describe() shows."""
    rules = []
    if c.get("required"):
        rules.append("required")
    if c.get("unique"):
        rules.append("unique")
    if "enum" in c:
        rules.append("one of " + "/".join(str(v) for v in c["enum"]))
    if "minimum" in c:
        rules.append(f">= {c['minimum']}")
    if "maximum" in c:
        rules.append(f"<= {c['maximum']}")
    if "pattern" in c:
        rules.append(f"pattern {c['pattern']}")
    if "minLength" in c:
        rules.append(f"at least {c['minLength']} characters")
    if "maxLength" in c:
        rules.append(f"at most {c['maxLength']} characters")
    return "; ".join(rules)


def describe(name: str, base_dir=None) -> pd.DataFrame:
    """Return the columns of dataset ``name``: type, description (with units) and rules.

    "rules" is display text; code reads :func:`field_constraints` instead.
    """
    resource = _resource(name, base_dir)
    constraints = field_constraints(name, base_dir=base_dir)
    rows = []
    for f in resource["schema"]["fields"]:
        rows.append({"column": f["name"], "type": f.get("type", "string"),
                     "description": f.get("description", ""), "rules": _rules_text(constraints[f["name"]])})
    return pd.DataFrame(rows, columns=["column", "type", "description", "rules"])


def cite(name: str, base_dir=None, max_sources: int = 4) -> str:
    """Return a one-line citation for dataset ``name``, to print under a chart or map."""
    resource = _resource(name, base_dir)
    descriptor = _descriptor(base_dir)
    sources = resource.get("sources") or descriptor.get("sources") or []
    parts = []
    for s in sources[:max_sources]:
        text = s.get("title", "")
        if s.get("date"):
            text += f" ({s['date']})"
        parts.append(text)
    if len(sources) > max_sources:
        parts.append(f"and {len(sources) - max_sources} more listed in datasets/{DESCRIPTOR_NAME}")
    licences = resource.get("licenses") or descriptor.get("licenses") or []
    licence = " / ".join(lic.get("title", lic.get("name", "")) for lic in licences) or "see datapackage.json"
    retrieved = resource.get("retrieved") or descriptor.get("retrieved", "date not recorded")
    title = resource.get("title", name)
    return (
        f"Data: {title}. Sources: {'; '.join(parts) or 'see datapackage.json'}; "
        f"licence {licence}; retrieved {retrieved}. Course dataset \"{name}\" (datasets/{resource['path']})."
    )


class _Citation:
    """A citation shown as a small paragraph that wraps at word boundaries.

    Printed text in a notebook output wraps anywhere ("see e / ach row"); HTML wraps
    between words, so citations are displayed rather than printed.
    """

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        from helpers.render import render

        return render("data/citation.html", text=self.text)

    def __repr__(self) -> str:
        return self.text


def citation(name: str, base_dir=None, max_sources: int = 4):
    """Return dataset ``name``'s citation (see :func:`cite`) as a display object: put it last
    in a cell and it shows as a wrapped paragraph, plain text where HTML does not render."""
    return _Citation(cite(name, base_dir=base_dir, max_sources=max_sources))
