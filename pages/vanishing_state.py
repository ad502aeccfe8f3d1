"""The Vanishing page's session: the lock around its runs, and the one import of its logic.

``pages.vanishing`` and ``pages.vanishing_live`` (and the tests) import this module as ``vs``;
it holds the session concern (``runs_lock``, the lock kept in ``st.session_state``) and
re-exports the page's logic from the modules that own it:

- ``pages.vanishing_data``: the built-in data sets and the user's CSV upload (``choose_data``)
- ``pages.vanishing_run``: one configuration (``VGConfig``) and its run (``Run``, ``sync_run``,
  ``advance``)
- ``pages.vanishing_views``: what the charts show for a step (``shown_steps``, ``view_row``, notes)

Pure Python (no Streamlit), so it is unit-tested.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping

from pages.vanishing_data import (  # noqa: F401
    BUILT_IN_SETS,
    CSV,
    CSV_EXAMPLE_SET,
    CSV_FORMAT,
    CSV_MAX_ROWS,
    CSV_MIN_ROWS,
    CSV_TEST_FRACTION,
    CURRENT_KEY,
    DATA_CHOICES,
    DEFAULT_DATASET,
    N_POINTS,
    NOISE,
    PARSED_KEY,
    UPLOAD_KEY,
    CsvData,
    DataChoice,
    build_dataset,
    choose_data,
    data_label,
    example_csv,
    loss_kind,
    losses_for,
    parse_csv,
)
from pages.vanishing_run import (  # noqa: F401
    ADAPTIVE_OPTIMIZERS,
    BATCH_RANGE,
    BINS,
    CLASSIC_INITS,
    DEFAULTS,
    DEPTH_RANGE,
    DETAIL_EVERY,
    EVAL_EVERY,
    GRAD_LOG10_RANGE,
    HISTOGRAM_EVERY,
    HISTORY_MAX_BYTES,
    LIVE_FIELDS,
    SUMMARY_SHARE,
    WIDTH_RANGE,
    Run,
    VGConfig,
    activation_range,
    advance,
    build_history,
    build_network,
    build_optimizer,
    classic_init,
    dataset_for,
    n_skips,
    reset_run,
    residual_scale,
    start_run,
    sync_run,
)
from pages.vanishing_views import (  # noqa: F401
    VIEW_QUANTITIES,
    advice,
    histogram_at,
    histogram_note,
    histograms_at,
    layer_history,
    layer_labels,
    layer_rows_after,
    main_step,
    shown_step,
    shown_steps,
    stopped_note,
    symmetry,
    test_score,
    theory_caveats,
    theory_lines,
    thinned_note,
    view_row,
)

LOCK_KEY = "vg.lock"


def runs_lock(store: MutableMapping) -> threading.RLock:
    """The session's lock around everything that steps or reads its runs (``store`` is the
    session state; the lock is kept there under ``LOCK_KEY``).

    Streamlit 1.67 may start the full rerun that a click asks for in a new script thread
    while the live area's timer run is still inside ``advance`` in the old one (a script
    stops only at its next Streamlit call). Without the lock the new run draws A after its
    step and B halfway through its own (A at step 25, B at 22: the "different steps after
    Pause"), and both threads can step the same ``Trainer``. Re-entrant: the live area's
    body holds it while calling helpers that take it too."""
    lock = store.get(LOCK_KEY)
    if lock is None:
        lock = store.setdefault(LOCK_KEY, threading.RLock())
    return lock
