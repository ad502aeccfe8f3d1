"""engine.batches.BatchOrder: each epoch visits every row once in its seeded order, the last
batch holds what is left, a batch as large as the data is every row in stored order."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from engine.batches import BatchOrder


@given(n_rows=st.integers(1, 40), size=st.integers(1, 45), seed=st.integers(0, 2**32 - 1))
def test_an_epoch_visits_every_row_once_in_its_seeded_order(n_rows, size, seed):
    order = BatchOrder(n_rows, seed)
    rows, batches = [], 0
    while order.epoch == 0:
        batch = order.next(size)
        again = order.next(size)  # next does not move on
        assert (again.epoch, again.position, again.after) == (batch.epoch, batch.position, batch.after)
        assert batch.epoch == 0 and batch.position == len(rows)
        rows.extend(range(n_rows) if batch.rows is None else batch.rows)
        batches += 1
        order.use(batch)
    assert order.position == 0 and batches == -(-n_rows // size)
    expected = range(n_rows) if size >= n_rows else np.random.default_rng([seed, 0]).permutation(n_rows)
    assert rows == list(expected)


def test_a_full_batch_after_a_partial_epoch_starts_the_next_epoch():
    order = BatchOrder(10, seed=3)
    order.use(order.next(4))  # epoch 0, rows 0-3 of its order
    batch = order.next(10)
    assert batch.rows is None and (batch.epoch, batch.position, batch.after) == (1, 0, (2, 0))
    order.use(batch)
    assert (order.epoch, order.position) == (2, 0)
    assert list(order.next(3).rows) == list(np.random.default_rng([3, 2]).permutation(10)[:3])
