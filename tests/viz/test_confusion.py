"""Confusion matrices (viz/confusion.py): counts read the data set's threshold, one heatmap a set."""

import numpy as np

from viz.confusion import confusion_counts, confusion_figure


def test_confusion_counts_read_the_data_sets_threshold():
    out = np.array([[0.9], [0.2], [0.6], [0.4], [np.nan]])
    counts = confusion_counts(out, np.array([[1.0], [0.0], [0.0], [1.0], [1.0]]))
    np.testing.assert_array_equal(counts, [[1, 1], [2, 1]])  # rows true 0/1, columns predicted 0/1
    tf = confusion_counts(np.array([0.3, -0.2]), np.array([1.0, -1.0]), threshold=0.0)
    np.testing.assert_array_equal(tf, [[1, 0], [0, 1]])
    fig = confusion_figure({"train": counts, "test": tf}, ["-1", "1"], "Confusion")
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert fig.data[0].text[1][0] == "2<br>40 %" and fig.layout.xaxis2.title.text == "test (2)"
