#!/usr/bin/env python3
"""Runs the benchmarks once and writes BENCHMARKS.md from that one run.

    python3 benches/report.py                 # run `cargo bench -p weak-events-benches`, write BENCHMARKS.md
    python3 benches/report.py --from raw.txt  # re-render from a run's saved output (no new run)

The run's raw output is kept in target/bench-raw.txt and appended to BENCHMARKS.md. The bench
binaries are `delivery` (divan: times; medians are read from its tree), `memory` (a counting
allocator: bytes per registration, allocations per delivery) and `background` (delivery
latency while the background cleanup pass runs); the last two print `@row` lines.
"""

import argparse
import datetime
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CARGO_COMMAND = ["cargo", "bench", "-p", "weak-events-benches"]
REPORT_COMMAND = "python3 benches/report.py"

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_time(text):
    text = text.strip()
    m = re.fullmatch(r"([\d.]+)\s*(ps|ns|µs|us|ms|s)", text)
    if not m:
        return None
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_divan(lines):
    """Divan's tree into {"group/name/arg": {"median": ns, ...}}."""
    results = {}
    stack = []
    in_tree = False
    for line in lines:
        if "fastest" in line and "median" in line and "│" in line:
            # The header line names the bench binary, the tree's root.
            in_tree, stack = True, []
            continue
        if not in_tree:
            continue
        # The tree prefix is drawn in steps of three characters per level.
        m = re.match(r"^((?:│  |   |├─ |╰─ )*)(\S+)(.*)$", line)
        if not m or not m.group(1):
            in_tree = False
            continue
        depth = len(m.group(1)) // 3
        stack = stack[: depth - 1] + [m.group(2)]
        parts = m.group(3).split("│")
        if len(parts) < 6:
            continue
        fastest, slowest, median, mean = (parse_time(p) for p in parts[:4])
        if median is None:
            continue  # a parent: no times of its own
        results["/".join(stack)] = {
            "fastest": fastest,
            "slowest": slowest,
            "median": median,
            "mean": mean,
            "samples": int(parts[4].strip()),
            "iters": int(parts[5].strip()),
        }
    return results


def parse_rows(lines):
    """`@row table contender key=value ...` lines into {table: {contender: {key: value}}}."""
    rows = {}
    for line in lines:
        if not line.startswith("@row "):
            continue
        _, table, contender, *pairs = line.split()
        values = {}
        for pair in pairs:
            key, value = pair.split("=", 1)
            values[key] = float(value)
        rows.setdefault(table, {})[contender] = values
    return rows


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt_time(ns):
    if ns is None:
        return "n/a"
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def fmt_ratio(x):
    return "n/a" if x is None else f"{x:.2f}x"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


ROUND_MARK = "=== round "


def split_rounds(raw):
    """The raw output of a run into the outputs of its rounds."""
    parts = re.split(r"^=== round \d+ ===$", raw, flags=re.M)
    return [p for p in parts if p.strip()]


class Report:
    """One run: several rounds of the whole suite. Every time is the median over the rounds of
    each round's divan median; `@row` values are the median over rounds, metric by metric."""

    def __init__(self, rounds):
        self.divans = [parse_divan(r.splitlines()) for r in rounds]
        per_round = [parse_rows(r.splitlines()) for r in rounds]
        self.per_round_rows = per_round
        self.rows = {}
        for table_name in {t for rows in per_round for t in rows}:
            for contender in {c for rows in per_round for c in rows.get(table_name, {})}:
                values = [rows[table_name][contender] for rows in per_round
                          if contender in rows.get(table_name, {})]
                self.rows.setdefault(table_name, {})[contender] = {
                    key: statistics.median(v[key] for v in values if key in v)
                    for key in values[0]
                }

    def medians(self, path):
        return [d[path]["median"] for d in self.divans if path in d]

    def median(self, path):
        values = self.medians(path)
        return statistics.median(values) if values else None

    def ratio(self, a, b):
        a, b = self.median(a), self.median(b)
        return a / b if a is not None and b else None

    def round_ratios(self, a, b):
        return [d[a]["median"] / d[b]["median"] for d in self.divans
                if a in d and b in d and d[b]["median"]]

    def row_rounds(self, table_name, contender, key):
        """A `@row` value in each round that has it."""
        return [rows[table_name][contender][key] for rows in self.per_round_rows
                if contender in rows.get(table_name, {})]

    def throughput(self, group, name):
        """2 * t1 / t2 of the median times, and the per-round values."""
        t1, t2 = self.median(f"{group}/{name}/t=1"), self.median(f"{group}/{name}/t=2")
        x = 2 * t1 / t2 if t1 and t2 else None
        return x, [2 * v for v in self.round_ratios(f"{group}/{name}/t=1",
                                                    f"{group}/{name}/t=2")]

    def grid(self, group, contenders, args, base=None):
        """Medians (rows: contenders, columns: args), then ratios of `base` to each contender."""
        rows = []
        for name, label in contenders:
            rows.append([label] + [fmt_time(self.median(f"{group}/{name}/{a}")) for a in args])
        text = table(["contender"] + [str(a) for a in args], rows)
        if base:
            base_name, base_label = base
            ratio_rows = []
            for name, label in contenders:
                if name == base_name:
                    continue
                ratio_rows.append(
                    [f"{base_label} / {label}"]
                    + [fmt_ratio(self.ratio(f"{group}/{base_name}/{a}", f"{group}/{name}/{a}"))
                       for a in args]
                )
            text += "\n\n" + table(["ratio (below 1: ours is faster)"] + [str(a) for a in args],
                                   ratio_rows)
        return text


def spread(values):
    """` (rounds: 1.02–1.10)`, the range of a ratio over the rounds."""
    if len(values) < 2:
        return ""
    return f" (rounds: {min(values):.2f}–{max(values):.2f})"


DELIVER_LIVE = [
    ("ours_private", "ours, private manager (`deliver_event`)"),
    ("ours_current", "ours, `current()` (`deliver_event`)"),
    ("floor_vec_weak", "floor: `Vec<Weak<dyn Fn>>`"),
    ("floor_vec_arc", "strong floor: `Vec<Arc<dyn Fn>>`"),
    ("signals2", "signals2 (strong)"),
    ("signals2_weak", "signals2, slot upgrades a `Weak`"),
    ("elp", "event-listener-primitives (strong)"),
    ("mutex_vec_weak", "`Mutex<Vec<Weak>>` clone + upgrade"),
    ("rwlock_vec_weak", "`RwLock<Vec<Weak>>` under read lock"),
]
DELIVER_HALF_DEAD = [c for c in DELIVER_LIVE
                     if c[0] not in ("floor_vec_arc", "signals2", "elp")]
RAISE = [
    ("raise_private", "ours, raise through `Event` (private)"),
    ("raise_current", "ours, raise through `Event` (`current()`)"),
    ("deliver_event_private", "ours, `deliver_event` (private)"),
    ("deliver_event_current", "ours, `current().deliver_event`"),
    ("floor_vec_weak", "floor: `Vec<Weak<dyn Fn>>`"),
]
UNSYNC = [
    ("unsync_private", "ours, `unsync` (private, `deliver_event`)"),
    ("unsync_current", "ours, `unsync` (`current()`, `deliver_event`)"),
    ("unsync_raise", "ours, `unsync`, raise through `unsync::Event`"),
    ("floor_rc_weak", "floor: `Vec<rc::Weak<dyn Fn>>`"),
    ("floor_vec_weak", "floor: `Vec<Weak<dyn Fn>>` (sync)"),
    ("signals2", "signals2 (strong)"),
    ("ours_private", "ours, root flavour (private, `deliver_event`)"),
]
ADD_REMOVE = [
    ("ours_subscribe_drop", "ours: `subscribe` + drop guard (private)"),
    ("ours_subscribe_drop_current", "ours: `subscribe` + drop guard (`current()`)"),
    ("ours_handler_remove_registration", "ours: `add_handler` + `remove_registration`"),
    ("ours_remove_listener", "ours: `add_listener` + `remove_listener` (newest first)"),
    ("ours_remove_listener_scan_miss", "ours: `remove_listener` miss (full O(n) scan, no add)"),
    ("floor_vec_weak", "`Vec<Weak>` push + find + remove"),
    ("floor_vec_arc", "`Vec<Arc>` push + find + remove"),
    ("elp", "event-listener-primitives add + drop id"),
    ("mutex_vec_weak", "`Mutex<Vec<Weak>>` push + find + remove"),
    ("rwlock_vec_weak", "`RwLock<Vec<Weak>>` push + find + remove"),
    ("signals2", "signals2 connect + disconnect"),
]
THREADS = [
    ("ours_private", "ours, private (`deliver_event`)"),
    ("ours_current", "ours, `current()` (`deliver_event`)"),
    ("raise_private", "ours, raise through `Event`"),
    ("floor_vec_weak", "floor: `Vec<Weak<dyn Fn>>` (shared, no lock)"),
    ("floor_vec_arc", "strong floor: `Vec<Arc<dyn Fn>>`"),
    ("signals2", "signals2 (strong)"),
    ("elp", "event-listener-primitives"),
    ("mutex_vec_weak", "`Mutex<Vec<Weak>>` clone + upgrade"),
    ("rwlock_vec_weak", "`RwLock<Vec<Weak>>` under read lock"),
]
MEMORY = [
    ("ours_add_listener", "ours: `add_listener`, one source"),
    ("ours_add_listener_8192", "ours: `add_listener`, 8,192 on one source (slot vector full)"),
    ("unsync_add_listener_8192", "ours, `unsync`: `add_listener`, 8,192 on one `Rc` source"),
    ("ours_subscribe", "ours: `subscribe` (guard kept)"),
    ("ours_add_handler", "ours: `add_handler`"),
    ("ours_one_per_source", "ours: one listener on each of N sources"),
    ("ours_one_per_source_attached", "ours: one listener on each of N sources, via their `Event`"),
    ("floor_vec_weak", "floor: `Vec<Weak<dyn Fn>>`"),
    ("floor_vec_arc", "strong floor: `Vec<Arc<dyn Fn>>`"),
    ("signals2", "signals2 (connection kept)"),
    ("signals2_weak", "signals2, `Weak`-capturing slot"),
    ("elp", "event-listener-primitives (id kept)"),
    ("mutex_vec_weak", "`Mutex<Vec<Weak>>`"),
    ("rwlock_vec_weak", "`RwLock<Vec<Weak>>`"),
]
ALLOCS = [
    ("ours_private", "ours, private (`deliver_event`)"),
    ("ours_current", "ours, `current()` (`deliver_event`)"),
    ("ours_raise_private", "ours, raise through `Event` (private)"),
    ("ours_raise_current", "ours, raise through `Event` (`current()`)"),
    ("unsync_private", "ours, `unsync` (private, `deliver_event`)"),
    ("unsync_current", "ours, `unsync` (`current()`, `deliver_event`)"),
    ("unsync_raise", "ours, `unsync`, raise through `unsync::Event`"),
    ("floor_vec_weak", "floor: `Vec<Weak<dyn Fn>>`"),
    ("floor_vec_arc", "strong floor: `Vec<Arc<dyn Fn>>`"),
    ("signals2", "signals2"),
    ("signals2_weak", "signals2, `Weak`-capturing slot"),
    ("elp", "event-listener-primitives"),
    ("mutex_vec_weak", "`Mutex<Vec<Weak>>`"),
    ("rwlock_vec_weak", "`RwLock<Vec<Weak>>`"),
]


def verdict(ok):
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**missed**"


def issue_rounds(r, table_name, a, b):
    """The ratio a/b of an `@row` table's `ns`, round by round."""
    return [x for x in (
        (rows.get(table_name, {}).get(a, {}).get("ns") or 0)
        / (rows.get(table_name, {}).get(b, {}).get("ns") or float("inf"))
        for rows in r.per_round_rows) if x]


def targets(r):
    """(target, measured, ratio text, met?) rows."""
    out = []

    def row(target, measured, value, ok):
        out.append([target, measured, value, verdict(ok)])

    for who, name in (("private manager", "ours_private"), ("`current()`", "ours_current")):
        a, b = f"deliver_live/{name}/128", "deliver_live/floor_vec_weak/128"
        x = r.ratio(a, b)
        row(f"deliver to 128: ours ({who}) within 1.15x of the bare `Vec<Weak>` floor",
            f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
            f"ours/floor = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
            None if x is None else x <= 1.15)
    for who, name in (("private manager", "ours_private"), ("`current()`", "ours_current")):
        a, b = "deliver_live/mutex_vec_weak/128", f"deliver_live/{name}/128"
        x = r.ratio(a, b)
        row(f"deliver to 128: ours ({who}) at least 1.5x faster than `Mutex<Vec<Weak>>`",
            f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
            f"mutex/ours = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
            None if x is None else x >= 1.5)
    for who, name in (("private manager", "ours_private"), ("`current()`", "ours_current")):
        a, b = f"deliver_live/{name}/128", "deliver_live/signals2/128"
        x = r.ratio(a, b)
        row(f"deliver to 128: ours ({who}) within 1.5x of signals2 (strong)",
            f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
            f"ours/signals2 = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
            None if x is None else x <= 1.5)
    a, b = "deliver_live/ours_private/1", "deliver_live/floor_vec_weak/1"
    x = r.ratio(a, b)
    row("deliver to 1: ours (private manager) within 2.5x of the bare `Vec<Weak>` floor",
        f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
        f"ours/floor = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
        None if x is None else x <= 2.5)
    a, b = "raise_vs_deliver/raise_private/1", "raise_vs_deliver/deliver_event_private/1"
    x = r.ratio(a, b)
    row("a raise through a source's `Event` within 1.1x of `deliver_event` (1 listener)",
        f"raise {fmt_time(r.median(a))} vs `deliver_event` {fmt_time(r.median(b))}",
        f"raise/deliver_event = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
        None if x is None else x <= 1.1)
    for label, name in (("`subscribe` + drop guard", "ours_subscribe_drop"),
                        ("`subscribe` + drop guard, `current()`", "ours_subscribe_drop_current"),
                        ("`add_handler` + `remove_registration`",
                         "ours_handler_remove_registration")):
        a, b = f"add_remove/{name}/100000", f"add_remove/{name}/100"
        x = r.ratio(a, b)
        row(f"add+remove at 100,000 within 2x of at 100 ({label})",
            f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
            f"100,000/100 = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
            None if x is None else x <= 2.0)
    # The thread-affine flavour (`unsync`), against its floor, the strong peer and the root flavour,
    # all in one divan group.
    for n, bound in ((128, 1.4), (1, 3.0)):
        a, b = f"unsync_deliver/unsync_private/{n}", f"unsync_deliver/floor_rc_weak/{n}"
        x = r.ratio(a, b)
        row(f"`unsync` deliver to {n} within {bound}x of the bare `rc::Weak` loop",
            f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
            f"unsync/floor = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
            None if x is None else x <= bound)
    for peer, label, bound in (("signals2", "faster than signals2 (strong)", 1.0),
                               ("ours_private", "at most 0.6x of the root flavour", 0.6)):
        a, b = "unsync_deliver/unsync_private/128", f"unsync_deliver/{peer}/128"
        x = r.ratio(a, b)
        row(f"`unsync` deliver to 128 {label}",
            f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
            f"unsync/{peer} = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
            None if x is None else (x < bound if bound == 1.0 else x <= bound))
    a, b = "property_change/unsync_of_1000_over_100_names", "property_change/of_1000_over_100_names"
    x = r.ratio(a, b)
    row("`unsync` property change to 10 listeners of one name among 1,000 (100 names), at most "
        "0.6x of the root flavour's",
        f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
        f"unsync/root = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
        None if x is None else x <= 0.6)
    a, b = "register_profiling/while_profiling", "register_profiling/without_profiling"
    x = r.ratio(a, b)
    row("a registration under an open backtrace mark, from a creation site seen before, within 3x "
        "of one without a mark",
        f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
        f"with/without = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
        None if x is None else x <= 3.0)
    a, b = "retain_half/observable_vec", "retain_half/floor_vec_retain_and_one_delivery"
    c = "retain_half/floor_vec_arc_retain_and_one_delivery"
    x = r.ratio(a, b)
    y = r.ratio(a, c)
    row("`ObservableVec::retain` removing half of 10,000 items raises one change and costs within "
        "2x of `Vec::retain` plus one delivery",
        f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}; against the same with an `Arc` per "
        f"item (the vector's storage): {fmt_time(r.median(c))}",
        f"ours/floor = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}; ours/`Arc` floor = "
        f"{fmt_ratio(y)}{spread(r.round_ratios(a, c))}",
        None if x is None else x <= 2.0)
    mem = r.rows.get("bytes_per_registration", {})
    if "unsync_add_listener_8192" in mem and "ours_add_listener_8192" in mem:
        u, o = mem["unsync_add_listener_8192"]["net"], mem["ours_add_listener_8192"]["net"]
        row("`unsync`: bytes per registration at 8,192 on one source at most the root flavour's",
            f"{u:.1f} vs {o:.1f} bytes", f"unsync/root = {u / o:.2f}x", u <= o)
    bridge = r.rows.get("bridge", {})
    if "ours_bridge" in bridge and "floor_channel_rc_loop" in bridge:
        a, b = bridge["ours_bridge"]["ns"], bridge["floor_channel_rc_loop"]["ns"]
        row("raise on a worker to delivery on the UI thread (16 listeners), within 1.5x of a "
            "`crossbeam-channel` send + receive and a loop over 16 `rc::Weak`",
            f"{fmt_time(a)} vs {fmt_time(b)} per event",
            f"bridge/floor = {fmt_ratio(a / b)}{spread(r.row_rounds('bridge', 'ratio', 'ratio'))}",
            a / b <= 1.5)
    stream = r.rows.get("stream", {})
    if "ours_streams" in stream and "tokio_broadcast" in stream:
        a, b = stream["ours_streams"]["ns"], stream["tokio_broadcast"]["ns"]
        row("an event raised to 16 streams and received by their tasks within 1.5x of "
            "`tokio::sync::broadcast` with 16 receivers",
            f"{fmt_time(a)} vs {fmt_time(b)} per event",
            f"streams/broadcast = {fmt_ratio(a / b)}"
            f"{spread(r.row_rounds('stream', 'ratio', 'ratio'))}",
            a / b <= 1.5)
    streamed = r.rows.get("allocs_per_stream_event", {}).get("ours_stream")
    if streamed:
        row("allocations per event delivered to a stream with room (beyond the argument's "
            "clone): 0", f"{streamed['allocs']:.3f} allocations per event",
            f"{streamed['allocs']:.3f}", streamed["allocs"] == 0)
    bridged = r.rows.get("allocs_per_bridged_event", {}).get("ours_bridge")
    if bridged:
        row("allocations per bridged event beyond the arguments' own clone: at most 1",
            f"{bridged['allocs']:.3f} allocations, {bridged['bytes']:.1f} bytes per event",
            f"{bridged['allocs']:.3f}", bridged["allocs"] <= 1.0)
    allocs = r.rows.get("allocs_per_delivery_live", {})
    dead = r.rows.get("allocs_per_delivery_half_dead", {})
    ours = {f"{k} (live)": v for k, v in allocs.items() if k.startswith(("ours", "unsync"))}
    ours.update({f"{k} (half dead)": v for k, v in dead.items()
                 if k.startswith(("ours", "unsync"))})
    if ours:
        worst = max(v["allocs"] for v in ours.values())
        row("zero allocations per delivery (every path of ours, live and half dead)",
            f"{len(ours)} paths, most: {worst:.3f} allocations per delivery",
            f"max = {worst:.3f}", worst == 0)
    mem = r.rows.get("bytes_per_registration", {})
    for name, label, budget in (
            ("ours_add_listener_8192", "`add_listener`, 8,192 on one source, no identity index",
             64),
            ("ours_add_listener_8192_indexed",
             "`add_listener`, 8,192 on one source, identity index built", 100)):
        if name in mem:
            v = mem[name]["net"]
            row(f"at most {budget} bytes per registration ({label})",
                f"{v:.1f} bytes", f"{v / budget:.2f}x of {budget}", v <= budget)
    issues = r.rows.get("issue_weakevent15", {})

    # (target, table, numerator, denominator, ratio label, bound, numerator must be at most)
    issue_targets = [
        ("65,536 removed by identity in creation order within 2x of removed by id "
         "(WeakEvent#15)", "issue_weakevent15", "ours_identity_creation_order", "ours_by_id",
         "identity/id", 2.0, True),
        ("the same at least 10x faster than a `Vec<Weak>` find-and-remove", "issue_weakevent15",
         "vec_weak_find_remove", "ours_identity_creation_order", "vec/ours", 10.0, False),
        ("10,000 controls removed by `remove_listener` within 2x of dropping their guards "
         "(Avalonia#6660)", "issue_avalonia6660", "ours_remove_listener", "ours_guard_drop",
         "identity/guard", 2.0, True),
        ("1,000,000 dead: one cleanup pass within 2x of a `Vec::retain` of the same `Weak`s "
         "(Avalonia#3537)", "issue_avalonia3537", "ours_one_pass", "vec_weak_retain",
         "pass/retain", 2.0, True),
    ]
    for target, table_name, a, b, label, bound, at_most in issue_targets:
        t = r.rows.get(table_name, {})
        if a not in t or b not in t:
            continue
        x = t[a]["ns"] / t[b]["ns"]
        row(target, f"{fmt_time(t[a]['ns'])} vs {fmt_time(t[b]['ns'])}",
            f"{label} = {fmt_ratio(x)}{spread(issue_rounds(r, table_name, a, b))}",
            x <= bound if at_most else x >= bound)
    same = r.rows.get("threads_same_source", {})
    for who, name in (("private manager", "ours_private"), ("`current()`", "ours_current"),
                      ("raise", "raise_private")):
        if name not in same:
            continue
        v = same[name]
        row(f"two threads delivering to one source reach 1.6x the one-thread throughput ({who})",
            f"a batch of 1,000 deliveries: {fmt_time(v['t1_ns'] * 1000)} on 1 thread, "
            f"{fmt_time(v['t2_ns'] * 1000)} on 2 at once",
            f"throughput 2/1 = {fmt_ratio(v['ratio'])}"
            f"{spread(r.row_rounds('threads_same_source', name, 'ratio'))}",
            v["ratio"] >= 1.6)
    own = r.rows.get("threads_own_source", {})
    machine = r.rows.get("threads_machine", {}).get("alu_loop", {}).get("ratio")
    for who, name in (("private manager", "ours_private"), ("`current()`", "ours_current")):
        if name not in own:
            continue
        v = own[name]
        check = "" if machine is None else f"; machine check (ALU loop) {fmt_ratio(machine)}"
        row(f"two threads delivering to sources of their own reach 1.8x the one-thread "
            f"throughput ({who})",
            f"a batch of 1,000 deliveries: {fmt_time(v['t1_ns'] * 1000)} on 1 thread, "
            f"{fmt_time(v['t2_ns'] * 1000)} on 2 at once{check}",
            f"throughput 2/1 = {fmt_ratio(v['ratio'])}"
            f"{spread(r.row_rounds('threads_own_source', name, 'ratio'))}",
            v["ratio"] >= 1.8)
    a, b = "cleanup_pass/dirty_1_of_10000", "cleanup_pass/dirty_1_of_1"
    x = r.ratio(a, b)
    row("cleanup pass, 1 dirty source among 10,000, at most 3x a table of 1 source",
        f"{fmt_time(r.median(a))} vs {fmt_time(r.median(b))}",
        f"10,000/1 = {fmt_ratio(x)}{spread(r.round_ratios(a, b))}",
        None if x is None else x <= 3.0)
    macro_current = r.median("current_lookup/ours_current_macro_kind")
    if macro_current is not None:
        row("`current()` of a `weak_event!` kind at most 5 ns",
            f"{fmt_time(macro_current)} (hand-written kind: "
            f"{fmt_time(r.median('current_lookup/ours_current'))})",
            f"{macro_current:.1f} ns", macro_current <= 5.0)
    lat = r.rows.get("background_latency", {}).get("ours_background")
    if lat:
        row("delivery latency on another thread while a background pass runs, within 2x of idle",
            f"median {fmt_time(lat['during_median_ns'])} during vs "
            f"{fmt_time(lat['idle_median_ns'])} idle",
            f"during/idle = {fmt_ratio(lat['ratio'])}", lat["ratio"] <= 2.0)
    return out


def reading_the_misses(r):
    """Facts from this run that explain the targets missed (only those that apply)."""
    notes = []
    floor_s2 = r.ratio("deliver_live/floor_vec_weak/128", "deliver_live/signals2/128")
    ours_s2w = r.ratio("deliver_live/ours_private/128", "deliver_live/signals2_weak/128")
    if floor_s2 and floor_s2 > 1.5:
        notes.append(
            f"signals2: the bare `Vec<Weak>` floor itself takes {floor_s2:.2f}x signals2's time "
            "at 128 listeners. A strong list pays no `Weak::upgrade` and no drop of the upgraded "
            "`Arc` (two atomic read-modify-writes per listener), so no design that upgrades a "
            "`Weak` per listener per delivery can meet this target on this machine. Against signals2 with slots that "
            f"upgrade a `Weak` (the same semantics), ours takes {ours_s2w:.2f}x.")
    same = r.rows.get("threads_same_source", {})
    own = r.rows.get("threads_own_source", {})
    if "floor_vec_weak" in same and same.get("ours_private", {}).get("ratio", 2) < 1.6:
        notes.append(
            "two threads, one source: the bare `Vec<Weak>` floor, with no lock at all, gets "
            f"{same['floor_vec_weak']['ratio']:.2f}x: both threads upgrade and release the same "
            "128 receivers' reference counts, so every listener's cache line moves between the "
            "cores on every delivery. When each thread has its own source and receivers, ours "
            f"gets {own.get('ours_private', {}).get('ratio', float('nan')):.2f}x (private) and "
            f"{own.get('ours_current', {}).get('ratio', float('nan')):.2f}x (`current()`), the "
            f"floor {own.get('floor_vec_weak', {}).get('ratio', float('nan')):.2f}x.")
    mem = r.rows.get("bytes_per_registration", {})
    over = [n for n in ("ours_add_listener", "ours_subscribe", "ours_add_handler")
            if n in mem and mem[n]["net"] > 64]
    if over:
        full = mem.get("ours_add_listener_8192", {}).get("net")
        notes.append(
            "bytes per registration: a registration is a 32-byte node (`Arc` header, the id and "
            "the removed flag in one `AtomicU64`, the `Weak`; a handler adds its 8-byte `fn` "
            "pointer), a 16-byte slot (the node's wide pointer) in the source's vector and its "
            "8-byte id in the list's id array"
            + (f": {full:.1f} bytes at 8,192 listeners, where the vector is exactly full"
               if full else "")
            + "; at 10,000 the vector's capacity is 16,384, and the slack makes it "
            + ", ".join(f"{mem[n]['net']:.1f} for `{n.removeprefix('ours_')}`"
                        for n in ("ours_add_listener", "ours_add_handler") if n in mem)
            + ".")
    w15 = r.rows.get("issue_weakevent15", {})
    if {"ours_identity_creation_order", "ours_by_id", "ours_identity_first_removal"} <= set(w15):
        ident, by_id = w15["ours_identity_creation_order"]["ns"], w15["ours_by_id"]["ns"]
        build = w15["ours_identity_first_removal"]["ns"]
        if ident > 2 * by_id:
            n = w15["ours_by_id"]["n"]
            notes.append(
                f"removal by identity against by id (WeakEvent#15): by id is a binary search in "
                f"the list's contiguous ids, {fmt_time(by_id / n)} a removal; by identity adds "
                f"a pop from the identity index, a hash table of {n:,.0f} keys that does not fit "
                f"in the cache, and the index's one-time build ({fmt_time(build)}, "
                f"{100 * build / ident:.0f}% of the run): {fmt_time(ident / n)} a removal.")
    i3537 = r.rows.get("issue_avalonia3537", {})
    if {"ours_one_pass", "vec_weak_retain"} <= set(i3537):
        p, v = i3537["ours_one_pass"]["ns"], i3537["vec_weak_retain"]["ns"]
        if p > 2 * v:
            notes.append(
                f"a pass over 1,000,000 dead registrations ({fmt_time(p)}) against `Vec::retain` "
                f"({fmt_time(v)}): each dead registration is a node of its own, so the pass "
                "frees two allocations (the node, and the receiver's allocation that the node's "
                "`Weak` kept) and releases two reference counts where `retain` frees one and "
                "releases one. Counted with `valgrind --tool=callgrind` over 200,000 dead "
                "registrations: about 326 instructions per registration for the pass, two thirds "
                "of them in the allocator's `free`, against 126 for `retain`.")
    ours_cur = r.ratio("deliver_live/ours_current/128", "deliver_live/floor_vec_weak/128")
    if ours_cur and ours_cur > 1.15:
        notes.append(
            f"`current()` at 128 listeners: {ours_cur:.2f}x the floor, against "
            f"{r.ratio('deliver_live/ours_private/128', 'deliver_live/floor_vec_weak/128'):.2f}x "
            "through a private manager; the lookup itself costs "
            f"{fmt_time(r.median('current_lookup/ours_current'))} per call (a read lock and an "
            "FxHash of the `TypeId`), so the rest of the gap is run-to-run noise on a shared "
            "machine (see the rounds' range).")
    return notes


def thread_table(r, group, contenders):
    rows = []
    data = r.rows.get(group, {})
    machine_rows = r.rows.get("threads_machine", {})
    for name, label in contenders:
        if name not in data:
            continue
        v = data[name]
        rows.append([label, fmt_time(v["t1_ns"]), fmt_time(v["t2_ns"]),
                     fmt_ratio(v["ratio"]) + spread(r.row_rounds(group, name, "ratio"))])
    for name, label in (("alu_loop", "machine check before: a pure ALU loop (not a contender)"),
                        ("alu_loop_end", "machine check after: the same loop")):
        if name in machine_rows:
            v = machine_rows[name]
            rows.append([label, fmt_time(v["t1_ns"]), fmt_time(v["t2_ns"]),
                         fmt_ratio(v["ratio"])
                         + spread(r.row_rounds("threads_machine", name, "ratio"))])
    return table(["contender", "per delivery, 1 thread (batch wall time / 1,000)",
                  "per delivery, 2 threads at once (batch wall time / 1,000)",
                  "throughput 2 threads / 1"], rows)


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return "unknown"

    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "nproc": run("nproc"),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "rustc": run("rustc", "--version"),
        "commit": run("git", "rev-parse", "--short", "HEAD"),
        "dirty": run("git", "status", "--porcelain", "--", "src", "benches", "Cargo.toml"),
    }


def cpu_busy_seconds():
    """CPU seconds spent busy on all cores since boot (/proc/stat), and this script's children's
    CPU seconds (cargo and the bench binaries), for the share of the machine others used."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        hz = os.sysconf("SC_CLK_TCK")
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        busy = (sum(fields[:8]) - idle) / hz
    except (OSError, ValueError):
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return busy, usage.ru_utime + usage.ru_stime


def foreign_load(before, after, wall):
    """The share of all cores that other processes kept busy between two `cpu_busy_seconds`."""
    if before is None or after is None or wall <= 0:
        return None
    busy = after[0] - before[0]
    ours = after[1] - before[1]
    return max(0.0, (busy - ours) / (wall * (os.cpu_count() or 1)))


def wait_for_quiet(limit=30.0, threshold=0.15):
    """Waits (at most `limit` seconds) for a second in which other processes use less than
    `threshold` of the cores, so that a round does not start in the middle of someone's build."""
    deadline = time.monotonic() + limit
    while True:
        a, t = cpu_busy_seconds(), time.monotonic()
        time.sleep(1.0)
        load = foreign_load(a, cpu_busy_seconds(), time.monotonic() - t)
        if load is None or load < threshold or time.monotonic() > deadline:
            return load


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def render(raw, meta):
    rounds = split_rounds(raw)
    r = Report(rounds)
    m = meta
    out = []
    w = out.append
    w("# Benchmarks")
    w("")
    w("weak-events side by side with the bare floor and its peers, every figure from one run on "
      "one machine. Generated by `benches/report.py`; do not edit by hand.")
    w("")
    w(f"- Date: {m['date']}")
    w(f"- Machine: {m['nproc']} cores (`nproc`), {m['cpu']}, {m['memory']} memory, {m['os']}")
    w(f"- Toolchain: {m['rustc']}; the `bench` profile (release, debug info 1)")
    dirty = " (with uncommitted changes in src/ or benches/)" if m["dirty"] else ""
    w(f"- Source: commit `{m['commit']}`{dirty}")
    w(f"- Load average (1, 5, 15 min) before the run: {m['load_before']}; after: "
      f"{m['load_after']}. The machine has 2 cores and may be shared with other builds: "
      "medians are robust to a stray preemption, the two-thread case less so.")
    w(f"- Command: `{REPORT_COMMAND}`, which builds the benches, then runs "
      f"`{' '.join(CARGO_COMMAND)}` (the `background`, `bridge`, `delivery`, `issues`, `memory`, "
      "`stream` and `threads` bench binaries) "
      f"{m['rounds']} times in a row and writes this file; it took {m['elapsed']:.0f} s "
      "including the build.")
    w(f"- Figures: every time is the median over the {m['rounds']} rounds of each round's "
      "median, so that a burst of load from another process during one round does not decide "
      "a figure; a target's ratio also gives its range over the rounds.")
    w("- Harness: [divan](https://docs.rs/divan) for times (median of its samples; "
      "`sample_count`/`min_time`/`max_time` per group in `benches/delivery.rs`); a counting "
      "global allocator for bytes and allocations (`benches/memory.rs`); a hand-timed loop for "
      "latency during a background pass (`benches/background.rs`) and for one thread against "
      "two (`benches/threads.rs`). divan over criterion: it builds in about 20 s here against "
      "about 50 s, reports medians, and its per-group settings keep the run to minutes.")
    w("")
    round_rows = []
    for k, text in enumerate(rounds, 1):
        m_round = re.search(r"^@round \d+ wall_s=(\S+) foreign_load=(\S+)", text, re.M)
        alu = parse_rows(text.splitlines()).get("threads_machine", {}).get("alu_loop", {}).get(
            "ratio")
        if m_round:
            load = float(m_round.group(2))
            round_rows.append([str(k), f"{float(m_round.group(1)):.0f} s",
                               "unknown" if load < 0 else f"{100 * load:.0f}%",
                               fmt_ratio(alu)])
    if round_rows:
        w("")
        w("Rounds: the share of the cores that *other* processes used while each ran (from "
          "/proc/stat, minus this run's own CPU time), and what a second thread gained on a pure "
          "ALU loop in that round, timed by the wall clock like the two-thread cases (2.00x: "
          "both cores were free for it). Each round starts "
          "after a quiet second, or after 30 s of waiting for one.")
        w("")
        w(table(["round", "wall time", "other processes' CPU", "ALU loop, 2 threads / 1"],
                round_rows))
    w("")
    w("Every listener does the same small job (reads its own state, compares, returns), so the "
      "times are the cost of the event machinery itself. Every contender is checked once when "
      "built to call exactly its live listeners.")
    w("")
    w("## Targets")
    w("")
    w("The goals of issue 5, of the cleanup issue's performance paragraph, of the `unsync` "
      "flavour, of the bridge to a UI thread and of async streams; goals for the design, reported here and never "
      "asserted in a test.")
    w("")
    w(table(["target", "measured (medians)", "ratio", "verdict"], targets(r)))
    w("")
    notes = reading_the_misses(r)
    if notes:
        w("")
        w("Reading the misses (figures from this run):")
        w("")
        for note in notes:
            w(f"- {note}")
    w("")
    w("## Deliver to N live listeners")
    w("")
    w(r.grid("deliver_live", DELIVER_LIVE, [1, 16, 128, 1024],
             base=("ours_private", "ours (private)")))
    w("")
    w(r.grid("deliver_live", [c for c in DELIVER_LIVE if c[0] != "ours_current"],
             [1, 16, 128, 1024], base=("ours_current", "ours (`current()`)"))
      .split("\n\n", 1)[1])
    w("")
    w("## Deliver to N registrations, half of them dead (before any cleanup pass)")
    w("")
    w("N/2 receivers dropped without removal, interleaved with N/2 live ones (N = 2: one dead, "
      "one live). Only contenders that hold receivers weakly apply. Ours meets the dead entries "
      "and asks for a cleanup pass (coalesced: the pass stays pending, `Manual`).")
    w("")
    w(r.grid("deliver_half_dead", DELIVER_HALF_DEAD, [2, 16, 128, 1024],
             base=("ours_private", "ours (private)")))
    w("")
    w("## A raise through the source's `Event` against `deliver_event`")
    w("")
    w("The manager's forwarding handler in the source's `Event` holds that source's list: a "
      "raise does no table lookup. `deliver_event` looks the source up in the table; through "
      "`current()` it also looks the manager up.")
    w("")
    w(r.grid("raise_vs_deliver", RAISE, [1, 128]))
    w("")
    w("## The thread-affine flavour (`unsync`)")
    w("")
    w("`Rc` sources and receivers on one thread: `rc::Weak` upgrades (no atomic read-modify-write), "
      "`RefCell` for the locks, a plain map for the table. In one group with its floor (the bare "
      "`rc::Weak` loop), the sync floor, signals2 and the root flavour, so their ratios come from "
      "one run.")
    w("")
    w(r.grid("unsync_deliver", UNSYNC, [1, 128], base=("unsync_private", "ours, `unsync`")))
    w("")
    bridge = r.rows.get("bridge", {})
    if bridge:
        w("## Marshalling to a UI thread")
        w("")
        w("A worker thread raises 10,000 events on a thread-safe source; this thread drains its "
          "dispatcher until each of 16 `Rc` listeners had every event. Beside it, the same "
          "through a `crossbeam-channel` and a loop over 16 `rc::Weak`. Wall time per event, "
          "median of 31 batches per round (`benches/bridge.rs`).")
        w("")
        w(table(["contender", "per event"], [
            ["ours: `Bridge` + `Dispatcher`", fmt_time(bridge["ours_bridge"]["ns"])],
            ["floor: channel + `rc::Weak` loop", fmt_time(bridge["floor_channel_rc_loop"]["ns"])],
        ]))
        w("")
    stream = r.rows.get("stream", {})
    if stream:
        w("## Async streams")
        w("")
        w("This thread raises 2,000 events on a source; 16 tokio tasks (2 worker threads) each "
          "receive all of them through their stream. Beside it, the same through "
          "`tokio::sync::broadcast` with 16 receivers. Wall time per event, median of 21 "
          "batches per round (`benches/stream.rs`).")
        w("")
        w(table(["contender", "per event"], [
            ["ours: 16 `EventStream`s", fmt_time(stream["ours_streams"]["ns"])],
            ["`tokio::sync::broadcast`, 16 receivers", fmt_time(stream["tokio_broadcast"]["ns"])],
        ]))
        w("")
    w("## Add then remove one listener on a source holding N")
    w("")
    w("signals2 is measured at 100 and 10,000: each `connect` copies the whole slot set, so "
      "building a 100,000-slot signal takes minutes here (O(n²)). `remove_listener` by identity "
      "finds the registration through the source's identity index (from 32 registrations on); "
      "the miss row removes a listener that is not registered (no add).")
    w("")
    w(r.grid("add_remove", ADD_REMOVE, [100, 10000, 100000]))
    w("")
    w("## Public issues, reproduced")
    w("")
    w("`benches/issues.rs`: each case is one bulk operation, timed as a whole (its setup "
      "untimed), median of 5 per round. Removal by identity goes through the source's identity "
      "index, built by the first removal by identity on a list of 32 or more registrations; "
      "removal by id is a binary search over the list's contiguous ids.")
    w("")
    cases = [
        ("issue_weakevent15", "thomaslevesque/WeakEvent#15: 65,536 listeners on one source, "
         "all removed", [
             ("ours_identity_creation_order", "ours: `remove_listener`, creation order"),
             ("ours_identity_reverse_order", "ours: `remove_listener`, reverse order"),
             ("ours_by_id", "ours: `remove_registration` (by id)"),
             ("ours_identity_first_removal", "ours: the first `remove_listener` alone (it "
              "builds the identity index)"),
             ("vec_weak_find_remove", "`Vec<Weak>`: find and remove, creation order"),
             ("mutex_vec_weak_find_remove", "`Mutex<Vec<Weak>>`: find and remove"),
         ]),
        ("issue_avalonia6660", "AvaloniaUI/Avalonia#6660: 10,000 controls subscribed to one "
         "window, all removed", [
             ("ours_remove_listener", "ours: `remove_listener` each"),
             ("ours_guard_drop", "ours: drop each control's `Subscription`"),
             ("ours_dispose_bag", "ours: drop each control's `DisposeBag`"),
         ]),
        ("issue_avalonia3537", "AvaloniaUI/Avalonia#3537: 1,000,000 receivers dropped without "
         "removal", [
             ("ours_one_delivery", "ours: one delivery over them"),
             ("ours_one_pass", "ours: one cleanup pass (`purge`)"),
             ("vec_weak_retain", "`Vec<Weak>`: `retain` the live ones"),
         ]),
    ]
    for table_name, title, contenders in cases:
        data = r.rows.get(table_name, {})
        w(f"**{title}**")
        w("")
        w(table(["contender", "whole operation", "per item"], [
            [label, fmt_time(data[n]["ns"]), fmt_time(data[n]["ns"] / data[n]["n"])]
            for n, label in contenders if n in data
        ]))
        w("")
    w("## Two threads delivering to the same source (128 listeners)")
    w("")
    w("`benches/threads.rs`, timed by the wall clock: a batch is 1,000 deliveries per thread; "
      "the two threads start together (a spinning barrier) and the batch ends when the later "
      "one is done, so a thread the OS parks is not hidden (divan's `threads` option times each "
      "thread's own samples and reads as perfect scaling when the threads do not overlap). "
      "One- and two-thread batches alternate 40 times; medians. Both threads deliver to the "
      "same source and the same 128 receivers. Throughput ratio = 2 × t(1 thread) / "
      "t(2 threads): 2.00x is perfect scaling, 1.00x no gain.")
    w("")
    w(thread_table(r, "threads_same_source", THREADS))
    w("")
    w("## Two threads, each delivering to its own source (128 listeners each)")
    w("")
    w("The same measurement, but each thread delivers to a source of its own with receivers of "
      "its own; ours keeps both sources in one manager (one table; through `current()` also the "
      "one process-wide registry). What the threads share is only the event machinery's own "
      "state, so this shows whether deliveries serialise on the crate's locks.")
    w("")
    w(thread_table(r, "threads_own_source", THREADS))
    w("")
    w("## Cleanup pass")
    w("")
    w("A `Manual` manager; before each sample (untimed) one source gets a listener whose "
      "receiver is then dropped, and a delivery to that source meets it and marks the source "
      "dirty. The sample times one `run_pending_cleanup()` (sample size 1). For scale, a full "
      "`purge()` over the same 10,000 sources (what a scan-everything pass costs).")
    w("")
    crows = [
        ["`run_pending_cleanup()`, 1 dirty source among 10,000",
         fmt_time(r.median("cleanup_pass/dirty_1_of_10000"))],
        ["`run_pending_cleanup()`, table of 1 source (dirty)",
         fmt_time(r.median("cleanup_pass/dirty_1_of_1"))],
        ["`purge()`: full pass over 10,000 sources, 1 dirty",
         fmt_time(r.median("cleanup_pass/full_purge_10000"))],
    ]
    w(table(["pass", "median"], crows))
    w("")
    lat = r.rows.get("background_latency", {}).get("ours_background")
    w("## Delivery latency while a background pass runs")
    w("")
    if lat:
        w(f"A private manager holds one source with 128 live listeners and {lat['sources']:,.0f} "
          "sources whose one listener died and that a delivery marked dirty. Single deliveries to "
          "the live source are timed on the main thread while nothing runs (idle), then while the "
          "process-wide cleanup worker (`Background`) runs the pass over the dirty sources on "
          "its own thread; only deliveries that started after the pass's first detach and ended "
          "before its last count.")
        w("")
        w(table(["", "idle", "during the pass", "during / idle"], [
            ["median", fmt_time(lat["idle_median_ns"]), fmt_time(lat["during_median_ns"]),
             fmt_ratio(lat["ratio"])],
            ["99th percentile", fmt_time(lat["idle_p99_ns"]), fmt_time(lat["during_p99_ns"]),
             fmt_ratio(lat["during_p99_ns"] / lat["idle_p99_ns"])],
            ["deliveries timed", f"{lat['idle_samples']:,.0f}", f"{lat['during_samples']:,.0f}",
             ""],
        ]))
        w("")
        w(f"A pass over {lat['sources']:,.0f} dirty sources took {lat['pass_ms']:.1f} ms on "
          "average (as seen from the delivering thread).")
    else:
        w("not measured")
    w("")
    w("## `current()` lookup")
    w("")
    w(table(["lookup", "median"], [
        ["`WeakEventManager::<E>::current()` (registry by `TypeId`, read lock)",
         fmt_time(r.median("current_lookup/ours_current"))],
        ["`current()` of a kind declared with `weak_event!` (its own static slot)",
         fmt_time(r.median("current_lookup/ours_current_macro_kind"))],
        ["floor: a `static OnceLock` per kind (not expressible in generic code)",
         fmt_time(r.median("current_lookup/floor_static_oncelock"))],
    ]))
    w("")
    w("## Bytes per registration")
    w("")
    w("10,000 registrations, receivers made beforehand; requested bytes (`Layout::size`). "
      "net: still allocated afterwards, per registration (growth slack of vectors included); "
      "gross: all requested on the way (copy-on-write copies included); allocations: calls per "
      "registration; handle: the size of what the API hands back, on the caller's side.")
    w("")
    mem = r.rows.get("bytes_per_registration", {})
    w(table(["contender", "net bytes", "gross bytes", "allocations", "handle bytes"], [
        [label, f"{mem[n]['net']:.1f}", f"{mem[n]['gross']:.1f}", f"{mem[n]['allocs']:.2f}",
         f"{mem[n]['handle']:.0f}"]
        for n, label in MEMORY if n in mem
    ]))
    w("")
    w("## Allocations per delivery")
    w("")
    w("1,000 deliveries after a warm-up, counted on the delivering thread; 128 live listeners, "
      "and 64 live + 64 dead for the contenders that hold receivers weakly.")
    w("")
    live = r.rows.get("allocs_per_delivery_live", {})
    half = r.rows.get("allocs_per_delivery_half_dead", {})

    def cell(d, n):
        return f"{d[n]['allocs']:.3f} ({d[n]['bytes']:.0f} B)" if n in d else "n/a"

    w(table(["contender", "128 live", "64 live + 64 dead"],
            [[label, cell(live, n), cell(half, n)] for n, label in ALLOCS]))
    w("")
    w("## Property change")
    w("")
    w("A change of property `p0` raised through the model's own event and routed by "
      "`PropertyChangedManager`: `p0` has 10 listeners. On one model they are 10 of 1,000 "
      "listeners over 100 property names; on the other they are its only listeners. The cost "
      "should follow the changed property's listeners, not the model's (WPF merges the lists per "
      "delivery); allocations per change are asserted to be zero in `tests/alloc.rs`.")
    w("")
    big = "property_change/of_1000_over_100_names"
    small = "property_change/of_10_on_1_name"
    local = "property_change/unsync_of_1000_over_100_names"
    w(table(["model", "median"], [
        ["10 listeners of `p0` among 1,000 (100 names)", fmt_time(r.median(big))],
        ["10 listeners of `p0`, nothing else", fmt_time(r.median(small))],
        ["ratio", fmt_ratio(r.ratio(big, small)) + spread(r.round_ratios(big, small))],
        ["`unsync`: 10 listeners of `p0` among 1,000 (100 names)", fmt_time(r.median(local))],
        ["`unsync` / root, among 1,000",
         fmt_ratio(r.ratio(local, big)) + spread(r.round_ratios(local, big))],
    ]))
    w("")
    w("## Registration with and without dispose profiling")
    w("")
    w("One `add_handler` + `remove_registration` on a private manager, without a profiling mark "
      "and with one open (which records each registration, and captures a `Backtrace` once per "
      "creation site: every registration here after the first comes from a known site).")
    w("")
    off = "register_profiling/without_profiling"
    on = "register_profiling/while_profiling"
    w(table(["", "median"], [
        ["no mark open", fmt_time(r.median(off))],
        ["a mark open", fmt_time(r.median(on))],
        ["ratio", fmt_ratio(r.ratio(on, off)) + spread(r.round_ratios(on, off))],
    ]))
    w("")
    w("## Every time, round by round")
    w("")
    w("The median of each divan benchmark in each round (the figures above are the medians of "
      "these). The command keeps the run's full output in `target/bench-raw.txt`.")
    w("")
    w(f"<details><summary>{len(r.divans)} rounds</summary>")
    w("")
    keys = sorted({k for d in r.divans for k in d})
    w(table(["benchmark"] + [f"round {k}" for k in range(1, len(r.divans) + 1)],
            [[f"`{key}`"] + [fmt_time(d[key]["median"]) if key in d else "n/a"
                             for d in r.divans] for key in keys]))
    w("")
    w("</details>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", help="render from a saved run's output")
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--rounds", type=int, default=5,
                        help="times the whole suite runs (each figure: median over rounds)")
    args = parser.parse_args()

    meta = machine()
    meta["load_before"] = loadavg()
    start = datetime.datetime.now(datetime.timezone.utc)
    if args.source:
        with open(args.source, encoding="utf-8") as f:
            raw = f.read()
        meta["rounds"] = len(split_rounds(raw))
    else:
        env = dict(os.environ, CARGO_TERM_COLOR="never", NO_COLOR="1")
        build = subprocess.run(CARGO_COMMAND + ["--no-run"], cwd=ROOT, env=env)
        if build.returncode != 0:
            sys.exit(f"the benches did not build ({build.returncode})")
        raw = ""
        for k in range(1, args.rounds + 1):
            quiet = wait_for_quiet()
            before, start_round = cpu_busy_seconds(), time.monotonic()
            print(f"round {k} of {args.rounds}", file=sys.stderr)
            proc = subprocess.run(CARGO_COMMAND, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  text=True)
            wall = time.monotonic() - start_round
            load = foreign_load(before, cpu_busy_seconds(), wall)
            raw += f"{ROUND_MARK}{k} ===\n{proc.stdout}"
            # Read back by `render`: what else ran on the machine during this round.
            raw += (f"@round {k} wall_s={wall:.1f} foreign_load={load if load is not None else -1:.3f}"
                    f" quiet_before={quiet if quiet is not None else -1:.3f}\n")
            if proc.returncode != 0:
                break
        os.makedirs(os.path.join(ROOT, "target"), exist_ok=True)
        with open(os.path.join(ROOT, "target", "bench-raw.txt"), "w", encoding="utf-8") as f:
            f.write(raw)
        if proc.returncode != 0:
            sys.exit(f"cargo bench failed ({proc.returncode}); output in target/bench-raw.txt")
        meta["rounds"] = args.rounds
    meta["load_after"] = loadavg()
    meta["elapsed"] = (datetime.datetime.now(datetime.timezone.utc) - start).total_seconds()
    meta["date"] = start.strftime("%Y-%m-%d %H:%M UTC")
    text = render(raw, meta)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
