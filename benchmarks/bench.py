"""``make bench``: oidc-probe against its physical floors, as ratios measured in the same run.

Every figure is the wall time of a fresh process (what a user waits for), repeated
``--runs`` times after a warm-up; the table shows medians, the spread (min-max), and
the ratio of oidc-probe's median to its floor's median, measured side by side.
All figures go to ``--json`` (default ``artifacts/bench.json``).

    .venv/bin/python benchmarks/bench.py [--runs 7] [--json FILE]
        [--only startup,probe,users,verify,exporter,emulator]

``exporter`` (``oidc-probe exporter``: probes/s, memory over 1,000 probes, a scrape against a
``check`` process) is in :mod:`bench_exporter`. The ``emulator`` section is not a ratio to a
floor: it puts the emulator's logins per second beside cognito-local's
(benchmarks/bench_emulator.py).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_exporter import bench_exporter
from harness import (
    PROBE,
    PYTHON,
    ROOT,
    EmulatorProcess,
    Measurement,
    child_env,
    count_paths,
    summary,
)

import fixtures

HERE = Path(__file__).resolve().parent
SECTIONS = ("startup", "probe", "users", "verify", "exporter", "emulator")
USER_COUNTS = (1, 10, 50)
LATENCY_MS = 50  # the remote-pool runs: every emulator response this much later
# one probe / its sequential floor: on loopback, and with LATENCY_MS per response (issue 23)
PROBE_TARGETS = {0: 1.05, LATENCY_MS: 0.82}
STARTUP_TARGETS = {"version": 1.1, "help": 2.5}  # / python -c pass
USERS_TARGETS = {0: 6.0, LATENCY_MS: 8.0}  # most users / one user
CONCURRENCY = 10
VERIFY_TOKENS = 1000
PROBE_FLAGS = ("--login", "form", "--username", "demo", "--format", "json")

Row = dict[str, Any]


def fig(m: Measurement) -> dict[str, Any]:
    return {"wall_s": summary(m.walls), "maxrss_kib": summary([s.maxrss_kib for s in m.samples])}


def ratio(a: Measurement, b: Measurement) -> float:
    return float(fig(a)["wall_s"]["median"] / fig(b)["wall_s"]["median"])


def bench_startup(runs: int, rows: list[Row]) -> dict[str, Any]:
    env = child_env()
    floor = Measurement("python -c pass", [PYTHON, "-c", "pass"], env)
    version = Measurement("oidc-probe --version", [PROBE, "--version"], env)
    help_ = Measurement("oidc-probe --help", [PROBE, "--help"], env)
    interleave(runs, floor, version, help_)
    out: dict[str, Any] = {"floor": fig(floor)}
    for m, key in ((version, "version"), (help_, "help")):
        r, target = ratio(m, floor), STARTUP_TARGETS[key]
        out[key] = fig(m) | {"ratio": r, "target": target, "holds": r <= target}
        rows.append(row(f"start-up: {m.name}", m, floor, r, f"<= {target:g}x", r <= target))
    return out


def interleave(runs: int, *measurements: Measurement) -> None:
    """Warm up each, then run them in turns, so load on the machine hits all alike."""
    for m in measurements:
        m.run(0, warmup=1, ok=(0, 1))
    for _ in range(runs):
        for m in measurements:
            m.run(1, warmup=0)


def bench_probe(runs: int, work: Path, rows: list[Row]) -> dict[str, Any]:
    return {f"{ms}ms": bench_one_probe(runs, work, rows, ms) for ms in PROBE_TARGETS}


def at(latency_ms: int) -> str:
    return f" at {latency_ms} ms latency" if latency_ms else " (loopback)"


def bench_one_probe(runs: int, work: Path, rows: list[Row], latency_ms: int) -> dict[str, Any]:
    target = PROBE_TARGETS[latency_ms]
    with EmulatorProcess(work, latency_ms=latency_ms) as emu:
        config = work / "demo-config.json"
        config.write_text(json.dumps(demo_config(emu.base_url)))
        env = child_env({"OIDC_PROBE_PASSWORD": "Demo-Passw0rd!"})
        probe = Measurement(
            "oidc-probe check --login form --format json",
            [PROBE, "check", "--config", str(config), *PROBE_FLAGS],
            env,
        )
        floor = Measurement(
            "floor_probe.py (httpx2 + one RS256 verify)",
            [PYTHON, str(HERE / "floor_probe.py"), str(config), "demo"],
            env,
        )
        counts = {}
        for m in (probe, floor):
            mark = emu.mark()
            m.run(0, warmup=1)
            counts[m.name] = emu.requests_since(mark)
        interleave(runs, probe, floor)
    probe_requests, floor_requests = counts[probe.name], counts[floor.name]
    r = ratio(probe, floor)
    # the same requests; the probe sends discovery and the JWKS during the login, so in
    # another order than the floor's one after another
    same = sorted(probe_requests) == sorted(floor_requests)
    rows.append(
        row(f"one full probe{at(latency_ms)}", probe, floor, r, f"<= {target}x", r <= target)
    )
    rows.append(
        {
            "what": "  HTTP requests (probe / floor)",
            "value": f"{len(probe_requests)} / {len(floor_requests)}",
            "floor": "",
            "ratio": "same set" if same else "DIFFERENT",
            "target": "same set",
            "holds": same,
        }
    )
    return {
        "probe": fig(probe),
        "floor": fig(floor),
        "latency_ms": latency_ms,
        "ratio": r,
        "target": target,
        "holds": r <= target,
        "requests": {
            "probe": [" ".join(x) for x in probe_requests],
            "floor": [" ".join(x) for x in floor_requests],
            "equal": same,
        },
    }


def demo_config(base_url: str) -> dict[str, Any]:
    from oidc_probe.fake_cognito import load_pool

    return load_pool().probe_config(base_url)


def bench_users(runs: int, work: Path, rows: list[Row]) -> dict[str, Any]:
    return {
        "0ms": bench_users_at(runs, work, rows, 0, USER_COUNTS),
        f"{LATENCY_MS}ms": bench_users_at(
            runs, work, rows, LATENCY_MS, (USER_COUNTS[0], USER_COUNTS[-1])
        ),
    }


def bench_users_at(
    runs: int, work: Path, rows: list[Row], latency_ms: int, counts: tuple[int, ...]
) -> dict[str, Any]:
    most = max(counts)
    target = USERS_TARGETS[latency_ms]
    pool = fixtures.write_pool(work / "pool.json", most)
    env = child_env(fixtures.password_environ(most))
    out: dict[str, Any] = {"concurrency": CONCURRENCY, "latency_ms": latency_ms}
    measured: dict[int, Measurement] = {}
    with EmulatorProcess(work, pool, latency_ms=latency_ms) as emu:
        config = work / "bench-config.json"
        config.write_text(json.dumps(fixtures.probe_config(emu.base_url)))
        for n in counts:
            users = fixtures.write_users(work / f"users-{n}.json", n)
            argv = [PROBE, "check", "--config", str(config), "--login", "form"]
            argv += ["--users", str(users), "--concurrency", str(CONCURRENCY)]
            argv += ["--format", "json"]
            measured[n] = Measurement(f"--users {n}", argv, env)
            mark = emu.mark()
            measured[n].run(0, warmup=1)
            kinds = count_paths(emu.requests_since(mark))
            others = sum(v for k, v in kinds.items() if k not in ("discovery", "jwks"))
            out[str(n)] = {
                "discovery_fetches": kinds.get("discovery", 0),
                "jwks_fetches": kinds.get("jwks", 0),
                "requests_per_user": others / n,
                "requests": kinds,
            }
        interleave(runs, *measured.values())
    one, many = measured[1], measured[most]
    base_rss = fig(one)["maxrss_kib"]["median"]
    for n, m in measured.items():
        entry = out[str(n)] | fig(m)
        entry["wall_ratio_to_1"] = ratio(m, one)
        growth = (fig(m)["maxrss_kib"]["median"] - base_rss) / max(n - 1, 1) / 1024
        entry["rss_growth_mib_per_user"] = growth if n > 1 else 0.0
        out[str(n)] = entry
        fetches_ok = entry["discovery_fetches"] == 1 and entry["jwks_fetches"] == 1
        rows.append(
            {
                "what": f"{n} user{'s' if n > 1 else ''} at --concurrency {CONCURRENCY}"
                + (at(latency_ms) if latency_ms else ""),
                "value": seconds(m),
                "floor": seconds(one) + " (1 user)",
                "ratio": f"{entry['wall_ratio_to_1']:.2f}x",
                "target": f"<= {target:g}x" if n == most else "",
                "holds": entry["wall_ratio_to_1"] <= target if n == most else None,
            }
        )
        rows.append(
            {
                "what": "  peak RSS; growth per user",
                "value": f"{fig(m)['maxrss_kib']['median'] / 1024:.1f} MiB",
                "floor": "",
                "ratio": f"{growth:+.2f} MiB/user" if n > 1 else "",
                "target": "<= 1 MiB/user" if n == most else "",
                "holds": growth <= 1 if n == most else None,
            }
        )
        rows.append(
            {
                "what": "  discovery / JWKS fetches; requests per user",
                "value": f"{entry['discovery_fetches']} / {entry['jwks_fetches']}",
                "floor": "",
                "ratio": f"{entry['requests_per_user']:g} per user",
                "target": "1 / 1",
                "holds": fetches_ok,
            }
        )
    out["targets"] = {
        "wall_most_over_1": {
            "value": ratio(many, one),
            "target": target,
            "holds": ratio(many, one) <= target,
        },
        "rss_growth_mib_per_user": {
            "value": out[str(most)]["rss_growth_mib_per_user"],
            "target": 1,
            "holds": out[str(most)]["rss_growth_mib_per_user"] <= 1,
        },
    }
    return out


def bench_verify(runs: int, work: Path, rows: list[Row]) -> dict[str, Any]:
    """Throughput net of start-up: (T(1000 tokens) - T(1 token)) / 999, on both sides."""
    paths, jwks, config = fixtures.write_tokens(work, (1, VERIFY_TOKENS), "http://127.0.0.1:9")
    env = child_env()

    def probe(n: int) -> Measurement:
        argv = [PROBE, "verify", "--tokens", str(paths[n]), "--jwks", str(jwks)]
        return Measurement(f"verify {n}", [*argv, "--config", str(config)], env)

    def floor(n: int) -> Measurement:
        argv = [PYTHON, str(HERE / "floor_verify.py"), str(paths[n]), str(jwks)]
        return Measurement(f"floor {n}", argv, env)

    p1, pn, f1, fn = probe(1), probe(VERIFY_TOKENS), floor(1), floor(VERIFY_TOKENS)
    interleave(runs, p1, pn, f1, fn)
    loop_only = summary([float(s.stdout.split()[0]) for s in fn.samples])

    def rate(many: Measurement, one: Measurement) -> float:
        per_token = (fig(many)["wall_s"]["median"] - fig(one)["wall_s"]["median"]) / (
            VERIFY_TOKENS - 1
        )
        return 1 / per_token if per_token > 0 else float("inf")

    probe_rate, floor_rate = rate(pn, p1), rate(fn, f1)
    share = probe_rate / floor_rate
    rows.append(
        {
            "what": f"verify {VERIFY_TOKENS} tokens, tokens/s net of start-up",
            "value": f"{probe_rate:,.0f}/s",
            "floor": f"{floor_rate:,.0f}/s",
            "ratio": f"{share:.1%}",
            "target": ">= 50%",
            "holds": share >= 0.5,
        }
    )
    rows.append(
        {
            "what": f"  verify {VERIFY_TOKENS} tokens, whole process",
            "value": seconds(pn),
            "floor": seconds(fn),
            "ratio": f"{ratio(pn, fn):.2f}x",
            "target": "",
            "holds": None,
        }
    )
    return {
        "method": "tokens/s = 999 / (median T(1000 tokens) - median T(1 token)), both sides",
        "probe_1": fig(p1),
        "probe_n": fig(pn),
        "floor_1": fig(f1),
        "floor_n": fig(fn),
        "floor_loop_only_s": loop_only,
        "probe_tokens_per_s": probe_rate,
        "floor_tokens_per_s": floor_rate,
        "floor_loop_only_tokens_per_s": VERIFY_TOKENS / loop_only["median"],
        "share_of_floor": share,
        "target": 0.5,
        "holds": share >= 0.5,
    }


def bench_emulator(work: Path, rows: list[Row]) -> dict[str, Any]:
    """Logins per second of the emulator beside cognito-local's (benchmarks/bench_emulator.py)."""
    import bench_emulator

    (work / "emulator-load").mkdir(exist_ok=True)
    result = bench_emulator.bench(work / "emulator-load")
    ours = result["fake_cognito_code_flow"]
    theirs = result["cognito_local_initiate_auth"]
    peer = isinstance(theirs, dict) and theirs["per_second"] > 0
    rows.append(
        {
            "what": f"emulator logins/s, {result['clients']} clients, "
            f"{ours['seconds']:.0f} s (code flow)",
            "value": f"{ours['per_second']:,.0f}/s, {ours['errors']} errors",
            "floor": (
                f"cognito-local {theirs['per_second']:,.0f}/s (InitiateAuth)"
                if peer
                else "cognito-local not run"
            ),
            "ratio": f"{ours['per_second'] / theirs['per_second']:.2f}x" if peer else "",
            "target": "no errors",
            "holds": ours["errors"] == 0,
        }
    )
    rss = ours["rss"]
    if rss is not None:
        rows.append(
            {
                "what": "  emulator RSS start / middle / end",
                "value": f"{rss['start_mib']:.1f} / {rss['middle_mib']:.1f} / "
                f"{rss['end_mib']:.1f} MiB",
                "floor": "",
                "ratio": f"{rss['growth_middle_to_end']:+.1%} 2nd half",
                "target": f"flat (<= +{bench_emulator.FLAT_GROWTH:.0%})",
                "holds": rss["flat"],
            }
        )
    return result


def seconds(m: Measurement) -> str:
    w = fig(m)["wall_s"]
    return f"{w['median'] * 1000:,.0f} ms ({w['min'] * 1000:,.0f}-{w['max'] * 1000:,.0f})"


def row(what: str, m: Measurement, floor: Measurement, r: float, target: str, holds: bool) -> Row:
    return {
        "what": what,
        "value": seconds(m),
        "floor": seconds(floor),
        "ratio": f"{r:.2f}x",
        "target": target,
        "holds": holds,
    }


def table(rows: list[Row]) -> str:
    head = {"what": "measure", "value": "oidc-probe median (min-max)", "floor": "floor"}
    head |= {"ratio": "ratio", "target": "target", "holds": "holds"}
    cells = [head] + [r | {"holds": {True: "yes", False: "NO", None: ""}[r["holds"]]} for r in rows]
    keys = list(head)
    widths = {k: max(len(str(c[k])) for c in cells) for k in keys}
    lines = ["| " + " | ".join(str(c[k]).ljust(widths[k]) for k in keys) + " |" for c in cells]
    lines.insert(1, "| " + " | ".join("-" * widths[k] for k in keys) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each (default 7)")
    parser.add_argument("--json", default=str(ROOT / "artifacts" / "bench.json"), metavar="FILE")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    args = parser.parse_args()
    sections = [s for s in args.only.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown or args.runs < 1:
        parser.error(f"unknown section(s) {', '.join(unknown)}" if unknown else "--runs >= 1")
    rows: list[Row] = []
    results: dict[str, Any] = {
        "runs": args.runs,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {_cpus()} CPUs",
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oidc-probe-bench-") as tmp:
        work = Path(tmp)
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "startup": lambda: bench_startup(args.runs, rows),
            "probe": lambda: bench_probe(args.runs, work, rows),
            "users": lambda: bench_users(args.runs, work, rows),
            "verify": lambda: bench_verify(args.runs, work, rows),
            "exporter": lambda: bench_exporter(args.runs, work, rows),
            "emulator": lambda: bench_emulator(work, rows),
        }
        for name in sections:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            results[name] = steps[name]()
    results["seconds"] = time.perf_counter() - start
    results["table"] = table(rows)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(results["table"])
    print(
        f"\n{args.runs} runs each after a warm-up, {results['machine']}, Python "
        f"{results['python']}; {results['seconds']:.0f} s; figures in {out}"
    )
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
