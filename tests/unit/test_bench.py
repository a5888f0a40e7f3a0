"""The benchmark's pure parts: percentiles, the message mix, the ratio table, the published block
(docs/measurements.md).

No timings here: the benchmark itself is a script (`make bench`), not a test.
"""
import pytest

from tools import bench


def test_percentile_interpolates_between_ranks():
    values = list(range(1, 101))  # 1..100, shuffled below
    shuffled = values[::2] + values[1::2]
    assert bench.percentile(shuffled, 0.5) == pytest.approx(50.5)
    assert bench.percentile(shuffled, 0.95) == pytest.approx(95.05)
    assert bench.percentile(shuffled, 0.99) == pytest.approx(99.01)
    assert bench.percentile(shuffled, 0) == 1
    assert bench.percentile(shuffled, 1) == 100
    assert bench.percentile([42.0], 0.95) == 42.0


def test_percentile_rejects_nothing_to_measure_and_bad_quantiles():
    with pytest.raises(ValueError):
        bench.percentile([], 0.5)
    with pytest.raises(ValueError):
        bench.percentile([1, 2], 95)


def test_latency_summary_names_p50_p95_p99():
    summary = bench.latency_summary([10.0] * 98 + [100.0, 1000.0])
    assert summary == {"count": 100, "p50": 10.0, "p95": 10.0, "p99": 109.0, "max": 1000.0}
    assert bench.latency_summary([]) == {"count": 0}


POOLS = {"faq": ["what is ptsd", "does emdr work"], "chit_chat": ["hi"],
         "high_risk": ["can I take more xanax"], "crisis": ["I want to end it"]}


def test_mix_follows_the_weights_and_uses_only_the_pools():
    texts = bench.message_mix(4000, POOLS)
    assert len(texts) == 4000
    by_pool = {name: sum(t in pool for t in texts) for name, pool in POOLS.items()}
    assert sum(by_pool.values()) == 4000
    for name, weight in bench.MIX_WEIGHTS.items():
        assert abs(by_pool[name] / 4000 - weight) < 0.03, (name, by_pool)
    assert set(texts) == {t for pool in POOLS.values() for t in pool}


def test_mix_is_the_same_for_the_same_seed_and_skips_zero_weights():
    assert bench.message_mix(50, POOLS, seed=3) == bench.message_mix(50, POOLS, seed=3)
    assert bench.message_mix(50, POOLS, seed=3) != bench.message_mix(50, POOLS, seed=4)
    no_crisis = bench.message_mix(500, POOLS, {**bench.MIX_WEIGHTS, "crisis": 0})
    assert "I want to end it" not in no_crisis


def test_default_mix_draws_on_the_project_content():
    pools = bench.default_pools()
    assert all(pools[name] for name in bench.MIX_WEIGHTS)
    texts = bench.message_mix(200)
    assert any(t in pools["crisis"] for t in texts) and any(t in pools["faq"] for t in texts)


def test_ratio_is_ours_over_baseline_or_none():
    assert bench.ratio(30.0, 15.0) == 2.0
    assert bench.ratio(None, 15.0) is None
    assert bench.ratio(30.0, None) is None
    assert bench.ratio(30.0, 0) is None


def _results():
    level = lambda n, tput, p95: {"concurrency": n, "throughput": tput,  # noqa: E731
                                  "latency_ms": {"p50": p95 / 2, "p95": p95}, "errors": 0}
    return {
        "run": {"started": "2026-11-26 18:00 UTC", "command": "python -m tools.bench",
                "machine": {"cpus": 2, "cpu": "x", "memory_gb": 24, "os": "Linux", "python": "3.10",
                            "rasa": "3.6.21"},
                "load_before": "0.1", "load_after": "0.2", "messages": 500, "load_messages": 1000,
                "load_seconds": 60, "turns": 6},
        "ours": {"latency_ms": {"p50": 20.0, "p95": 40.0, "p99": 80.0},
                 "load": [level(1, 50.0, 40.0), level(8, 120.0, 90.0)], "errors_total": 0,
                 "memory_mb": {"rasa": 1500, "actions": 120}, "cold_start_s": 30.0,
                 "training": None, "model_mb": 150},
        "baseline": {"latency_ms": {"p50": 16.0, "p95": 22.0, "p99": 30.0},
                     "load": [level(1, 60.0, 22.0), level(8, 53.0, 300.0)], "errors_total": 3,
                     "memory_mb": {"rasa": 1100, "actions": None}, "cold_start_s": 25.0,
                     "training": {"full_s": 95.0, "no_change_s": 40.0}, "model_mb": 25},
    }


def _row(table, figure):
    line = next(line for line in table.splitlines() if line.startswith(f"| {figure} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_table_gives_each_figure_with_its_ratio():
    table = bench.markdown_table(_results())
    assert table.splitlines()[0] == "| figure | ours | baseline | ratio ours/baseline |"
    assert _row(table, "single-sender latency p50") == ["single-sender latency p50", "20.0 ms", "16.0 ms", "1.25×"]
    assert _row(table, "throughput, 8 concurrent senders")[1:] == ["120.0 msg/s", "53.0 msg/s", "2.26×"]
    assert _row(table, "latency p95, 8 concurrent senders")[1:] == ["90.0 ms", "300 ms", "0.30×"]
    assert _row(table, "peak memory, Rasa server")[1:] == ["1.50 GB", "1.10 GB", "1.36×"]
    assert _row(table, "peak memory, action server")[1:] == ["120 MB", "n/a", "n/a"]
    assert _row(table, "full training")[1:] == ["n/a", "1 min 35 s", "n/a"]
    assert _row(table, "errors (all load levels)")[1:] == ["0", "3", "n/a"]
    assert not any(line.startswith("| latency p50, 1 concurrent") for line in table.splitlines())
    assert _row(table, "throughput, 1 concurrent sender")[1:] == ["50.0 msg/s", "60.0 msg/s", "0.83×"]


def test_table_keeps_a_level_only_one_system_measured():
    results = _results()
    results["ours"]["load"].append({"concurrency": 32, "throughput": 90.0,
                                    "latency_ms": {"p50": 100.0, "p95": 400.0}, "errors": 0})
    table = bench.markdown_table(results)
    assert _row(table, "throughput, 32 concurrent senders")[1:] == ["90.0 msg/s", "n/a", "n/a"]


def test_report_says_which_training_figures_were_not_measured_in_this_run():
    results = _results()
    results["baseline"]["training"] = bench.carry_over_training(
        {"run": {"started": "2026-11-01 10:00 UTC"}, "baseline": {"training": {"full_s": 90.0}}},
        "baseline")
    report = bench.markdown_report(results)
    assert "Our training: not measured" in report
    assert "carried over from the run of 2026-11-01 10:00 UTC" in report
    assert "| full training | n/a | 1 min 30 s | n/a |" in report


def test_carry_over_keeps_the_first_measurement_date():
    earlier = {"run": {"started": "2026-11-02"},
               "ours": {"training": {"full_s": 400.0, "carried_over_from": "2026-11-01"}}}
    assert bench.carry_over_training(earlier, "ours")["carried_over_from"] == "2026-11-01"
    assert bench.carry_over_training(None, "ours") is None
    assert bench.carry_over_training({"run": {"started": "x"}, "ours": {"training": None}}, "ours") is None


def test_readme_block_is_replaced_between_the_markers_only():
    readme = f"intro\n{bench.README_START}\nold table\n{bench.README_END}\nrest\n"
    new = bench.replace_readme_block(readme, "new table")
    assert new == f"intro\n{bench.README_START}\nnew table\n{bench.README_END}\nrest\n"
    with pytest.raises(ValueError):
        bench.replace_readme_block("no markers", "x")


def test_fallback_replies_counts_the_safety_net_replies_of_one_level(tmp_path):
    import json
    import sqlite3

    db = tmp_path / "conversations.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, data TEXT)")
        rows = [
            ("bench-ours-c64-0-0", "bot", {"text": "sorry", "metadata": {"fallback": "no_reply"}}),
            ("bench-ours-c64-1-0", "bot", {"text": "answer", "metadata": {"topic": "emdr"}}),
            ("bench-ours-c64-1-0", "user", {"text": "hi", "metadata": {"fallback": "x"}}),
            ("bench-ours-c6-0-0", "bot", {"text": "sorry", "metadata": {"fallback": "no_reply"}}),
            ("bench-ours-c64-2-1", "bot", {"text": "sorry", "metadata": {"fallback": "timeout"}}),
            ("bench-ours-c64-3-0", "bot", {"text": "plain"}),
        ]
        connection.executemany("INSERT INTO events (sender_id, type_name, data) VALUES (?, ?, ?)",
                               [(s, t, json.dumps(d)) for s, t, d in rows])
    assert bench.fallback_replies(db, "bench-ours-c64") == 2
    assert bench.fallback_replies(db, "bench-ours-c6") == 1
    assert bench.fallback_replies(db, "bench-ours-single") == 0
