"""Project-wide pytest setup (applies to `pytest --nbval notebooks` as well as tests/).

nbval 0.11 executes cells with ``store_history=False``. IPython decides whether a trailing
``;`` silences a cell's result by reading the *last stored* input, so under nbval the ``;`` at
the end of our plot calls is ignored and every figure shows up twice (a Figure repr beside the
image), unlike in JupyterLab, nbconvert or papermill. We run cells with history stored, as
every other front end does, so nbval sees what a reader sees.
"""

from __future__ import annotations

try:
    from nbval.kernel import RunningKernel
except ImportError:  # nbval not installed: nothing to fix
    RunningKernel = None

if RunningKernel is not None:

    def _execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)

    RunningKernel.execute_cell_input = _execute_cell_input
