"""distlab.run: the same bytes as the CLI, deterministic, errors as exceptions."""
import subprocess

import pytest

import distlab

SCENARIO = "scenarios/kv/primary_backup.toml"


def cli_run(cli, tmp_path, *args):
    out = tmp_path / "cli"
    p = subprocess.run([cli, "run", *args, "--out", str(out), "--quiet"], capture_output=True,
                       text=True)
    return p, out


def test_results_match_the_cli_byte_for_byte(cli, tmp_path):
    p, out = cli_run(cli, tmp_path, SCENARIO, "--seed", "11", "--trace")
    assert p.returncode == 0, p.stderr
    r = distlab.run(SCENARIO, seed=11, trace=True, out=tmp_path / "py")
    for name in ("results.json", "history.csv", "timeseries.csv", "nodes.csv", "trace.jsonl"):
        assert (tmp_path / "py" / name).read_bytes() == (out / name).read_bytes(), name
    assert r.seed == 11
    assert r.summary["ok"] == len(r.history[r.history["outcome"] == "ok"])
    assert r.passed and r.checks["linearizable"]["verdict"] == "linearizable"
    assert r.text == p.stdout


def test_two_runs_are_identical_and_another_seed_differs(tmp_path):
    a = distlab.run(SCENARIO, seed=3, out=tmp_path / "a")
    b = distlab.run(SCENARIO, seed=3, out=tmp_path / "b")
    c = distlab.run(SCENARIO, seed=4, out=tmp_path / "c")
    assert (tmp_path / "a/results.json").read_bytes() == (tmp_path / "b/results.json").read_bytes()
    assert a.history.equals(b.history)
    assert (tmp_path / "a/results.json").read_bytes() != (tmp_path / "c/results.json").read_bytes()


def test_a_string_and_a_dict_give_what_the_file_gives(repo):
    text = (repo / "scenarios/kv/single.toml").read_text()
    r1 = distlab.run(text, seed=5)
    d = {
        "scenario": {"title": "dict", "seed": 5, "duration_s": 2},
        "network": {"latency_us": 100},
        "model": {"name": "kv", "variant": "single"},
        "workload": [{"kind": "closed", "clients": 4, "mix": {"read": 0.5, "write": 0.5},
                      "keys": {"count": 10}}],
        "check": {"linearizable": True},
    }
    r2 = distlab.run(d)
    assert r1.summary["ok"] > 0 and r2.summary["ok"] > 0
    assert r2.results["scenario"]["title"] == "dict" and r2.seed == 5
    assert r2.passed


def test_overrides_take_toml_values():
    base = distlab.run("scenarios/kv/single.toml", overrides={"scenario.duration_s": 1})
    more = distlab.run("scenarios/kv/single.toml",
                       overrides={"scenario.duration_s": 1, "workload[0].clients": 20,
                                  "model.variant": "single"})
    assert more.summary["ok"] > 1.5 * base.summary["ok"]


def test_bad_input_raises_scenario_error_with_the_cli_message(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nduration_s = 1\n\n[model]\nname = "kv"\nvariant = "nope"\n')
    p = subprocess.run([cli, "run", str(bad)], capture_output=True, text=True)
    assert p.returncode == 2
    with pytest.raises(distlab.ScenarioError) as e:
        distlab.run(bad)
    assert str(e.value) in p.stderr
    assert f"{bad}:6:" in str(e.value) and "model.variant" in str(e.value)
    with pytest.raises(distlab.ScenarioError, match="scenario.duration_s"):
        distlab.run("[scenario]\nduration_s = -1\n")
    with pytest.raises(distlab.ScenarioError, match="cannot read"):
        distlab.run("no/such/file.toml")
    with pytest.raises(distlab.ScenarioError, match=r"--set"):
        distlab.run("scenarios/kv/single.toml", overrides={"workload[7].clients": 1})


def test_validate_and_models():
    assert distlab.validate("scenarios/kv/single.toml") == 42
    names = [m[0] for m in distlab.models()]
    assert {"kv", "chain", "paxos", "spanner", "hashring", "counter"} <= set(names)


def test_a_failed_check_is_a_result_not_an_exception():
    r = distlab.run("scenarios/kv/backup_reads.toml")
    assert not r.passed
    assert r.checks["linearizable"]["verdict"] == "not linearizable"


def test_faults_are_listed_for_plots():
    r = distlab.run(SCENARIO, overrides={"scenario.duration_s": 6})
    kinds = {f["kind"]: f for f in r.results["faults"]}
    assert kinds["crash"]["nodes"] == ["backup2"] and kinds["crash"]["end_s"] == 5.0
