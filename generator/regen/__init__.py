"""Regenerating safely: render every file in memory (``generate``), write it atomically with a
manifest of owned files (``writer``, ``layout``), compare two editions (``diff``,
``diff_render``) and keep the generated package's CHANGELOG (``changelog``)."""
