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


def load_component(raw_dir, name):
    """Google Benchmark JSON of one component bench, by benchmark family
    name (the part before the first '/'); None when it did not run."""
    path = os.path.join(raw_dir, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data.get("benchmarks", []):
        key = b["name"].split("/min_time")[0].split("/iterations")[0]
        key = key.replace("/real_time", "")
        out[key] = b
    return out


def to_us(b):
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b["time_unit"]]
    return b["real_time"] * scale


def component_rows(raw_dir):
    """(rows, summary) for the audit, cases and identity benchmarks."""
    rows, summary = [], {}
    audit = load_component(raw_dir, "audit") or {}
    cases = load_component(raw_dir, "cases") or {}
    ident = load_component(raw_dir, "identity") or {}

    def row(what, value, baseline, ratio):
        rows.append(f"| {what} | {value} | {baseline} | {ratio} |")

    durable = audit.get("BM_Append/sync:1/producers:4/window:256")
    nosync = audit.get("BM_Append/sync:0/producers:4/window:256")
    if durable and nosync:
        r = durable["items_per_second"] / nosync["items_per_second"]
        summary["audit_append_durable_per_s"] = durable["items_per_second"]
        summary["audit_append_durable_over_nosync"] = r
        row("audit: durable append, 1,024 in flight",
            f"{durable['items_per_second']:,.0f} entries/s "
            f"({durable.get('cpu_us_per_entry', 0):.1f} µs CPU/entry)",
            f"sync off: {nosync['items_per_second']:,.0f}/s", f"{r:.2f}")
    leaf = audit.get("BM_LeafHash")
    for fam, label in (("BM_InclusionProof", "inclusion proof"),
                       ("BM_ConsistencyProof", "consistency proof")):
        b = audit.get(fam)
        if b and leaf:
            entries = int(leaf.get("entries", 0))
            summary[fam] = to_us(b)
            row(f"audit: {label}, log of {entries:,} entries",
                f"{to_us(b):.1f} µs",
                f"one stored-hash read: {to_us(leaf):.1f} µs",
                f"{to_us(b) / to_us(leaf):.1f}x")
    verify, scan = audit.get("BM_VerifyLog"), audit.get("BM_ScanDatabase")
    if verify and scan:
        summary["audit_verify_s"] = to_us(verify) / 1e6
        row(f"audit: offline verification of {int(verify.get('entries', 0)):,} entries",
            f"{to_us(verify) / 1e6:.2f} s",
            f"plain scan of the database: {to_us(scan) / 1e6:.2f} s",
            f"{to_us(verify) / to_us(scan):.1f}x")
    engine = cases.get("BM_PropertyTransferCases/sync:1/engine_threads:8")
    store = cases.get("BM_StoreWrites/sync:1/threads:12")
    if engine and store:
        r = engine["items_per_second"] / store["items_per_second"]
        summary["cases_per_s"] = engine["items_per_second"]
        row("cases: synced property transfers, 8 engine threads (goal >= 1,000/s)",
            f"{engine['items_per_second']:,.0f} cases/s",
            f"bare synced store writes: {store['items_per_second']:,.0f} cases/s",
            f"{r:.2f}")
    over = cases.get("BM_CriticalPathOverhead")
    if over:
        summary["case_overhead_ms"] = over.get("overhead_ms")
        row("cases: elapsed minus critical path (goal < 5 ms)",
            f"{over.get('overhead_ms', 0):.2f} ms mean, {over.get('max_overhead_ms', 0):.0f} max",
            f"critical path {over.get('critical_path_ms', 0):.1f} ms", "")
    warm, raw = ident.get("BM_PrimaryLocalIdWarm"), ident.get("BM_RawRocksDbGet")
    if warm and raw:
        r = warm["items_per_second"] / raw["items_per_second"]
        summary["identity_warm_per_s"] = warm["items_per_second"]
        row(f"identity: warm resolution, {int(warm.get('subjects', 0)):,} subjects",
            f"{warm['items_per_second']:,.0f} lookups/s",
            f"one RocksDB read: {raw['items_per_second']:,.0f}/s", f"{r:.1f}x")
    validate = ident.get("BM_ValidateSubject")
    if validate:
        row("identity: GB 11643 / GB 32100 validation",
            f"{validate['items_per_second']:,.0f}/s", "", "")
    if rows:
        rows = ["| component (same run) | result | baseline | ratio |",
                "|---|--:|--:|--:|"] + rows
    return rows, summary


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
    components, component_summary = component_rows(args.raw_dir)
    summary["components"] = component_summary
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
    if components:
        lines += [""] + components
    with open(args.out_prefix + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
