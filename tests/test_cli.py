import json
import subprocess
import sys


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=120)


def test_train_json_summary():
    out = run_cli("train", "--epochs", "200", "--hidden", "5,3", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["config"]["hidden"] == "5,3" and summary["epochs_run"] == 200
    assert 0.5 <= summary["test_acc"] <= 1.0 and summary["diverged_at"] is None


def test_a_run_with_no_usable_model_prints_valid_json_with_nulls():
    out = run_cli("train", "--weight-std", "100", "--activation", "identity", "--hidden", ",".join(["64"] * 8),
                  "--epochs", "3", "--json")
    assert out.returncode == 0, out.stderr

    def no_nan(token: str):
        raise AssertionError(f"{token} is not JSON")

    summary = json.loads(out.stdout, parse_constant=no_nan)
    assert summary["best_epoch"] == -1 and summary["diverged_at"] == 0
    assert summary["test_acc"] is None and summary["test_loss"] is None and summary["best_dev_acc"] is None
    text = run_cli("train", "--weight-std", "100", "--activation", "identity", "--hidden", ",".join(["64"] * 8),
                   "--epochs", "3")
    assert "no usable model" in text.stdout and "nan" not in text.stdout


def test_train_text_summary():
    out = run_cli("train", "--epochs", "50")
    assert out.returncode == 0 and "test acc" in out.stdout and "best epoch" in out.stdout


def test_grads_table_shows_vanishing_gradients():
    out = run_cli("grads", "--hidden", "3,3,3,3", "--weight-std", "0.01", "--bias", "1.0",
                  "--activation", "sigmoid", "--json")
    assert out.returncode == 0, out.stderr
    rows = {(r["layer"], r["param"]): r for r in json.loads(out.stdout)}
    assert 0 < rows[("fc1", "weight")]["grad_l2"] < 1e-8 < rows[("fc5", "weight")]["grad_l2"]   # tiny, not rounded
    text = run_cli("grads", "--hidden", "3,3,3,3", "--weight-std", "0.01", "--bias", "1.0")
    assert "fc5" in text.stdout and "e-" in text.stdout


def test_data_csv():
    out = run_cli("data", "--n-samples", "100")
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "x1,x2,label,split" and len(lines) == 101


def test_bad_values_exit_2_with_the_config_error_and_no_traceback():
    for args in (["--lr", "abc"], ["--hidden", "5,,3"], ["--epochs", "1e9"], ["--activation", "swish"],
                 ["--lr", "nan"], ["--hidden", "-1"]):
        out = run_cli("train", *args)
        assert out.returncode == 2, args
        assert "Traceback" not in out.stderr and "allowed" in out.stderr
        assert args[0].lstrip("-").replace("-", "_") in out.stderr


def test_commands_that_do_not_train_are_not_held_to_the_training_budget():
    too_long = ["--hidden", ",".join(["64"] * 4), "--epochs", "20000", "--batch-size", "1"]    # minutes to train
    out = run_cli("grads", *too_long, "--json")
    assert out.returncode == 0, out.stderr
    assert [r["layer"] for r in json.loads(out.stdout)][-1] == "fc5"
    data = run_cli("data", *too_long, "--n-samples", "100")
    assert data.returncode == 0 and len(data.stdout.strip().splitlines()) == 101
    refused = run_cli("train", *too_long)
    assert refused.returncode == 2 and "compute budget" in refused.stderr and "Traceback" not in refused.stderr
    bad = run_cli("grads", "--hidden", "65")                     # every other check still applies
    assert bad.returncode == 2 and "hidden" in bad.stderr


def test_train_reports_the_task_its_confusion_matrix_and_r2():
    out = run_cli("train", "--dataset", "blobs", "--n-classes", "4", "--epochs", "200", "--lr", "0.5", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["task"] == "multiclass" and summary["classes"] == 4
    matrix = summary["confusion"]
    assert len(matrix) == 4 and all(len(row) == 4 for row in matrix)
    assert sum(map(sum, matrix)) == 200                                   # the test rows of 1000 points
    assert abs(sum(matrix[k][k] for k in range(4)) / 200 - summary["test_acc"]) < 1e-9
    text = run_cli("train", "--dataset", "reg_plane", "--activation", "tanh", "--epochs", "200")
    assert text.returncode == 0 and "task:        regression" in text.stdout and "test R²" in text.stdout
    iris = run_cli("train", "--dataset", "iris", "--train-frac", "0.8", "--dev-frac", "0.1",
                   "--hidden", "6", "--weight-std", "0.01", "--bias", "1", "--batch-size", "16", "--epochs", "20",
                   "--eval-steps", "50", "--json")
    summary = json.loads(iris.stdout)
    assert summary["classes"] == 3 and sum(map(sum, summary["confusion"])) == 15 and "best_step" in summary
