"""Text cells made safe to open in a spreadsheet (no cell runs as a formula).

Excel, LibreOffice and Google Sheets run a CSV cell that starts with ``=``, ``+``,
``-`` or ``@`` (and some treat a leading tab or carriage return the same way) as a
formula, so a student id or an answer such as ``=HYPERLINK(...)`` in a handed-in
file would run on the instructor's computer. Following the OWASP rule for CSV
injection, such a cell is written with a leading apostrophe, which spreadsheets
show as plain text.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return ``value`` unchanged, or with a leading ``'`` if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame, columns=None):
    """Return a copy of ``frame`` whose text cells (in ``columns``, default all) are safe."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for col in columns if columns is not None else out.columns:
        if is_object_dtype(out[col]) or is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out
