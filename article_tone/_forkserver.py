"""Imported by the Dask engine's fork server before it forks any worker.

Importing this module imports the pipeline and builds every analyzer (the lexicons, VADER, the
calibrated model) once, in the fork server; each worker forked from it starts with them ready,
instead of every worker building them again while the corpus waits. See
:func:`article_tone.workers.start_fork_server`.
"""

from .corpus import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - each worker warms up again and reports the error itself
    pass
