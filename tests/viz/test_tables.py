"""Step by step's tables: what each phase reveals, and the run's CSV/JSON export."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from engine import Network
from viz.tables import neuron_table, run_record, run_table, weight_table


def mazur_step():
    net = Network.from_parameters(
        [np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])],
        [np.array([0.35, 0.35]), np.array([0.60, 0.60])],
        activation="sigmoid",
        output_activation="sigmoid",
        loss="sse",
    )
    return net.train_step(np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]), lr=0.5)


def test_forward_tables_give_nothing_of_the_backward_pass_away():
    step = mazur_step()
    assert list(neuron_table(step, 1, phase="forward").columns) == ["neuron", "z", "a = f(z)", "b"]
    assert list(weight_table(step, 1, phase="forward").columns) == ["weight", "w"]
    assert "w'" in weight_table(step, 1, phase="update").columns
    assert list(weight_table(step, 1, phase="update", mazur=True)["weight"]) == ["w5", "w7", "w6", "w8"]
    with pytest.raises(ValueError, match="unknown phase"):
        neuron_table(step, 0, phase="later")


def test_the_run_exports_as_csv_and_json():
    step = mazur_step()
    csv = run_table([0.298371109, 0.291027774]).to_csv(index=False)
    assert pd.read_csv(io.StringIO(csv))["loss"].tolist() == [0.298371109, 0.291027774]
    record = json.loads(json.dumps(run_record([0.298371109], step, ([0.05, 0.1], [0.01, 0.99]), {"lr": 0.5})))
    assert record["settings"] == {"lr": 0.5} and record["sample"]["t"] == [0.01, 0.99]
    assert record["step"]["W"][1][0][0] == 0.4
    assert record["step"]["W"][1][0][0] + record["step"]["update_W"][1][0][0] == pytest.approx(
        0.35891648, abs=1e-8
    )
    assert record["step"]["a"][0] == pytest.approx([0.593269992, 0.596884378])
