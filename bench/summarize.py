#!/usr/bin/env python3
"""Turns the raw datarun-loadgen reports of one bench run into
<out>.json and <out>.md (table, ratios, goals). Used by run_bench.sh."""
import argparse
import json
import os
import platform
import time

SCENARIOS = [
    ("direct-sat", "direct", "closed"),
    ("exchange-sat", "exchange", "closed"),
    ("nginx-sat", "nginx", "closed"),
    ("exchange-nosync-sat", "exchange, audit sync off", "closed"),
    ("direct-half", "direct", "open"),
    ("exchange-half", "exchange", "open"),
    ("nginx-half", "nginx", "open"),
    ("exchange-memory", "exchange", "closed"),
]


def cpu_per_call(report, prefix):
    total = 0.0
    for name, proc in report["processes"].items():
        if name.startswith(prefix):
            total += proc["cpu_us_per_call"]
    return total


def peak_rss_mb(report, name):
    proc = report["processes"].get(name)
    return proc["peak_rss_kb"] / 1024.0 if proc else 0.0


def memory_check(report):
    series = report.get("rss_series", [])
    if len(series) < 4:
        return None
    # Flat = no upward trend once warmed up. Resident memory moves in a saw
    # tooth (memtables fill and flush, index postings gather and are
    # ingested), so compare the peak of the last third of the run with the
    # peak of the middle third, not two single samples.
    third = len(series) // 3
    middle, last = series[third:2 * third], series[2 * third:]
    middle_peak = max(kb for _, kb in middle)
    last_peak = max(kb for _, kb in last)
    return {
        "seconds": series[-1][0],
        "rss_mb_middle_third_peak": middle_peak / 1024.0,
        "rss_mb_last_third_peak": last_peak / 1024.0,
        "rss_mb_end": series[-1][1] / 1024.0,
        "growth_pct": (last_peak - middle_peak) * 100.0 / middle_peak
        if middle_peak else 0.0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir")
    parser.add_argument("out_prefix")
    parser.add_argument("--households", default="")
    parser.add_argument("--concurrency", default="")
    parser.add_argument("--channels", default="")
    args = parser.parse_args()

    reports = {}
    for name, _, _ in SCENARIOS:
        path = os.path.join(args.raw_dir, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                reports[name] = json.load(f)

    def get(name, *keys):
        value = reports.get(name)
        for key in keys:
            if value is None:
                return None
            value = value.get(key)
        return value

    def ratio(a, b):
        return a / b if a and b else None

    def added(name):
        a, d = get(name, "latency_us", "p99"), get("direct-half", "latency_us", "p99")
        return (a - d) / 1000.0 if a is not None and d is not None else None

    summary = {
        "exchange_over_direct_throughput": ratio(get("exchange-sat", "ok_rps"),
                                                 get("direct-sat", "ok_rps")),
        "exchange_over_nginx_throughput": ratio(get("exchange-sat", "ok_rps"),
                                                get("nginx-sat", "ok_rps")),
        "half_saturation_rate": get("exchange-half", "rate"),
        "exchange_p99_added_ms_at_half": added("exchange-half"),
        "nginx_p99_added_ms_at_half": added("nginx-half"),
        "memory": memory_check(reports.get("exchange-memory", {})),
        "durable_over_nosync_throughput": ratio(
            get("exchange-sat", "ok_rps"), get("exchange-nosync-sat", "ok_rps")),
    }
    machine = {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "loadavg_at_end": os.getloadavg(),
        "households": args.households,
        "concurrency": args.concurrency,
        "channels": args.channels,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with open(args.out_prefix + ".json", "w") as f:
        json.dump({"machine": machine, "summary": summary,
                   "scenarios": reports}, f, indent=1)

    def fmt(value, spec=".2f", none="n/a"):
        return none if value is None else format(value, spec)

    lines = [
        "| scenario | path | load | calls/s | errors | p50 ms | p90 ms | p99 ms "
        "| p99.9 ms | CPU µs/call exchange | adapters | nginx | loadgen "
        "| peak RSS MB exchange / nginx |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, path, mode in SCENARIOS:
        r = reports.get(name)
        if r is None:
            lines.append(f"| {name} | {path} | not run | | | | | | | | | | | |")
            continue
        load = (f"{r['concurrency']} callers" if mode == "closed"
                else f"{r['rate']:.0f}/s open")
        lat = r["latency_us"]
        lines.append(
            f"| {name} | {path} | {load} | {r['ok_rps']:.0f} "
            f"| {r['error_ratio'] * 100:.2f}% "
            f"| {lat['p50'] / 1000:.2f} | {lat['p90'] / 1000:.2f} "
            f"| {lat['p99'] / 1000:.2f} | {lat['p999'] / 1000:.2f} "
            f"| {cpu_per_call(r, 'exchange'):.0f} "
            f"| {cpu_per_call(r, 'adapter-'):.0f} "
            f"| {cpu_per_call(r, 'nginx'):.0f} "
            f"| {r['loadgen']['cpu_us_per_call']:.0f} "
            f"| {peak_rss_mb(r, 'exchange'):.0f} / {peak_rss_mb(r, 'nginx'):.0f} |")
    mem = summary["memory"]
    s = summary
    goal = lambda ok: "n/a" if ok is None else ("reached" if ok else "NOT reached")
    lines += [
        "",
        f"Machine: {machine['cpus']} CPUs, load average at end "
        f"{machine['loadavg_at_end'][0]:.1f}; {args.households} households; "
        f"{args.channels} channels per endpoint. "
        "Errors: calls not answered OK or NOT_FOUND.",
        "",
        "| ratio / check | value | goal |",
        "|---|--:|---|",
        f"| throughput exchange / direct | {fmt(s['exchange_over_direct_throughput'])} | (cost of every guarantee) |",
        f"| throughput exchange / nginx | {fmt(s['exchange_over_nginx_throughput'])} | >= 1.0: "
        f"{goal(None if s['exchange_over_nginx_throughput'] is None else s['exchange_over_nginx_throughput'] >= 1.0)} |",
        f"| p99 added over direct at {fmt(s['half_saturation_rate'], '.0f')}/s, exchange (ms) "
        f"| {fmt(s['exchange_p99_added_ms_at_half'])} | < 1 ms: "
        f"{goal(None if s['exchange_p99_added_ms_at_half'] is None else s['exchange_p99_added_ms_at_half'] < 1.0)} |",
        f"| p99 added over direct at the same rate, nginx (ms) | {fmt(s['nginx_p99_added_ms_at_half'])} | (baseline) |",
    ]
    if mem:
        lines.append(
            f"| exchange RSS over {mem['seconds']:.0f} s: peak of middle third / of last third / end (MB) "
            f"| {mem['rss_mb_middle_third_peak']:.1f} / {mem['rss_mb_last_third_peak']:.1f} / {mem['rss_mb_end']:.1f} "
            f"({mem['growth_pct']:+.1f}%) | flat (< 5% growth): {goal(abs(mem['growth_pct']) < 5.0)}"
            f"{'' if mem['seconds'] >= 290 else ' (short run; --long for 5 min)'} |")
    lines.append(
        f"| throughput exchange durable / audit sync off "
        f"| {fmt(s['durable_over_nosync_throughput'])} | (cost of durability) |")
    with open(args.out_prefix + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
