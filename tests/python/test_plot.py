"""distlab.plot draws what the runs hold."""
import matplotlib.pyplot as plt
import pytest

import distlab
from distlab import plot


@pytest.fixture(scope="module")
def traced():
    return distlab.run("scenarios/kv/primary_backup.toml", trace=True,
                       overrides={"scenario.duration_s": 6})


def test_latency_cdf_has_one_line_per_run(traced):
    other = distlab.run("scenarios/kv/primary_backup.toml", seed=8,
                        overrides={"scenario.duration_s": 6})
    ax = plot.latency_cdf({"seed 7": traced, "seed 8": other})
    assert len(ax.get_lines()) == 2
    y = ax.get_lines()[0].get_ydata()
    assert y[-1] == pytest.approx(1.0)
    plt.close("all")


def test_throughput_shades_the_fault_windows(traced):
    ax = plot.throughput(traced)
    spans = [p for p in ax.patches]
    assert len(spans) == 4  # delay, loss, duplicate, crash
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"ok", "crash", "delay"} <= labels
    plt.close("all")


def test_spacetime_draws_the_messages(traced):
    ax = plot.spacetime(traced, until_s=0.002)
    assert ax.get_title().endswith("messages")
    n = int(ax.get_title().split()[0])
    assert n > 5 and len(ax.texts) >= n
    plt.close("all")
    with pytest.raises(ValueError, match="trace=True"):
        plot.spacetime(distlab.run("scenarios/kv/single.toml", overrides={"scenario.duration_s": 1}))
