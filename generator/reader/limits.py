"""Limits on what the reader accepts, checked before and while reading, and bounds on numbers.

A workbook is a ZIP of XML parts: a small file can inflate to gigabytes, or declare one cell in
column XFD on row 1,048,576 so that a reader builds a huge grid. The reader checks the ZIP's
declared sizes before opening it and counts while it reads (a declared size can lie), and stops
at the first limit with one located error (exit 2). The limits are far above the full official
workbook (337 API sheets, ~9,500 field rows, descriptions of a few thousand characters, about
20 MB inflated) and can be raised here if Kiwoom's workbook ever grows past them.
"""

from __future__ import annotations

# --- reading (errors: the workbook is not read) ---------------------------------------------

MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all parts of one workbook, uncompressed
MAX_PART_BYTES = 64 * 1024 * 1024  # one part (a sheet's XML, the shared strings), uncompressed
MAX_ZIP_MEMBERS = 10_000  # parts in one workbook (the official one has ~700)
MAX_ROWS = 100_000  # rows of one sheet, as declared and as read (an API sheet has under 300)
MAX_COLUMNS = 256  # columns of one sheet, as declared and as read (API sheets use A-G)
MAX_CELL_CHARS = 32_767  # characters in one cell: Excel's own limit

# --- numbers in cells (warnings: the value is ignored) ---------------------------------------

MAX_LENGTH = 1_000_000  # a Length above this is not a real limit of a Kiwoom field
MAX_ERROR_CODE = 10**9  # error codes are small integers (1501..8040 today)
MAX_EXAMPLE_DEPTH = 32  # nesting of an example's JSON (Kiwoom's nest 2 or 3 levels)
