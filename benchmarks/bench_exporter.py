"""``make bench`` section ``exporter``: ``oidc-probe exporter`` against the emulator.

- probes per second at concurrency 1 (one module scraped again and again) and at
  concurrency 10 (ten modules, one client each; a module's probes never overlap);
- the exporter's resident memory over 1,000 probes, read from ``/proc`` at checkpoints:
  flat after the warm-up, or it leaks;
- one scrape against one ``oidc-probe check`` process, taken in turns in the same run: a
  scrape has no process start, so it should cost no more (target <= 1.1x).
"""

from __future__ import annotations

import json
import re
import signal
import statistics
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from harness import PROBE, EmulatorProcess, Measurement, child_env, summary

PASSWORD = "Demo-Passw0rd!"
MODULES = 10
TOTAL_PROBES = 1000
CHECKPOINTS = 10  # RSS read this many times over the 1,000 probes
# median of the last three checkpoints minus median of the first three: noise, not a leak
# (RSS moves by a MiB or two from one checkpoint to the next as threads come and go)
RSS_GROWTH_TARGET_MIB = 3.0
OVERHEAD_TARGET = 1.1
_LISTENING = re.compile(r"listening on (http://\S+)")

Row = dict[str, Any]


class ExporterProcess:
    def __init__(self, toml: Path, env: dict[str, str]) -> None:
        argv = [PROBE, "exporter", "--config", str(toml), "--listen", "127.0.0.1:0"]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        found = _LISTENING.search(line)
        if found is None:
            self.stop()
            raise RuntimeError(f"the exporter did not start: {line.strip()}")
        self.base_url = found.group(1)

    def scrape(self, module: str) -> float:
        """Seconds one ``/probe`` took; raises when the probe did not succeed."""
        start = time.perf_counter()
        with urllib.request.urlopen(f"{self.base_url}/probe?module={module}", timeout=60) as r:
            body = r.read().decode()
        took = time.perf_counter() - start
        if "\nprobe_success 1.0\n" not in body:
            raise RuntimeError(f"module {module}: the probe failed:\n{body[-2000:]}")
        return took

    def rss_mib(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kib = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
        return kib / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _config(work: Path, base_url: str) -> tuple[Path, Path]:
    from oidc_probe.fake_cognito import load_pool

    idp = work / "exporter-idp.json"
    idp.write_text(json.dumps(load_pool().probe_config(base_url)))
    lines = ["[exporter]", f"max_concurrent = {MODULES}"]
    for i in range(MODULES):
        lines += [
            f"[modules.m{i}]",
            f'config = "{idp}"',
            'username = "demo"',
            'password_env = "OIDC_PROBE_PASSWORD"',
        ]
    toml = work / "exporter.toml"
    toml.write_text("\n".join(lines) + "\n")
    return idp, toml


def _in_parallel(exporter: ExporterProcess, per_module: int) -> list[float]:
    """``per_module`` scrapes of each module, one client thread per module."""
    times: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(module: str) -> None:
        try:
            for _ in range(per_module):
                took = exporter.scrape(module)
                with lock:
                    times.append(took)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(f"m{i}",)) for i in range(MODULES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return times


def bench_exporter(runs: int, work: Path, rows: list[Row]) -> dict[str, Any]:
    env = child_env({"OIDC_PROBE_PASSWORD": PASSWORD})
    with EmulatorProcess(work) as emu:
        idp, toml = _config(work, emu.base_url)
        exporter = ExporterProcess(toml, env)
        try:
            for i in range(MODULES):
                exporter.scrape(f"m{i}")  # warm-up: imports, connections
            # concurrency 1
            serial = max(20, runs * 5)
            start = time.perf_counter()
            one = [exporter.scrape("m0") for _ in range(serial)]
            rate1 = serial / (time.perf_counter() - start)
            # concurrency 10, and the memory over 1,000 probes
            rss = [exporter.rss_mib()]
            done = 0
            step = TOTAL_PROBES // CHECKPOINTS
            start = time.perf_counter()
            for _ in range(CHECKPOINTS):
                _in_parallel(exporter, step // MODULES)
                done += step
                rss.append(exporter.rss_mib())
            rate10 = done / (time.perf_counter() - start)
            # a scrape against a `check` process, in turns
            check = Measurement(
                "oidc-probe check",
                [
                    PROBE,
                    "check",
                    "--config",
                    str(idp),
                    "--login",
                    "form",
                    "--username",
                    "demo",
                    "--format",
                    "json",
                ],
                env,
            )
            check.run(0, warmup=1)
            scrapes: list[float] = []
            for _ in range(runs):
                check.run(1, warmup=0)
                scrapes.append(exporter.scrape("m0"))
        finally:
            exporter.stop()
    growth = statistics.median(rss[-3:]) - statistics.median(rss[1:4])
    scrape_s, check_s = summary(scrapes)["median"], summary(check.walls)["median"]
    overhead = scrape_s / check_s
    out: dict[str, Any] = {
        "concurrency_1": {"probes": serial, "probes_per_s": rate1, "scrape_s": summary(one)},
        "concurrency_10": {"probes": done, "probes_per_s": rate10, "modules": MODULES},
        "rss_mib": {
            "checkpoints": rss,
            "probes_between": step,
            "growth_last3_minus_first3": growth,
            "target": RSS_GROWTH_TARGET_MIB,
            "holds": growth <= RSS_GROWTH_TARGET_MIB,
        },
        "scrape_vs_check": {
            "scrape_s": summary(scrapes),
            "check_s": summary(check.walls),
            "ratio": overhead,
            "target": OVERHEAD_TARGET,
            "holds": overhead <= OVERHEAD_TARGET,
        },
    }
    rows += [
        _row(
            "exporter: probes/s at concurrency 1",
            f"{rate1:.1f}/s",
            f"scrape median {summary(one)['median'] * 1000:.0f} ms",
            "",
            "",
            None,
        ),
        _row(
            f"exporter: probes/s at concurrency {MODULES}",
            f"{rate10:.1f}/s",
            "",
            f"{rate10 / rate1:.1f}x of 1",
            "",
            None,
        ),
        _row(
            f"  RSS over {done} probes (MiB)",
            " / ".join(f"{r:.0f}" for r in rss),
            "",
            f"{growth:+.1f} MiB (last 3 - first 3)",
            f"<= {RSS_GROWTH_TARGET_MIB:g} MiB",
            growth <= RSS_GROWTH_TARGET_MIB,
        ),
        _row(
            "  one scrape vs one `check` process",
            f"{scrape_s * 1000:.0f} ms",
            f"{check_s * 1000:.0f} ms",
            f"{overhead:.2f}x",
            f"<= {OVERHEAD_TARGET}x",
            overhead <= OVERHEAD_TARGET,
        ),
    ]
    return out


def _row(what: str, value: str, floor: str, ratio: str, target: str, holds: bool | None) -> Row:
    return {
        "what": what,
        "value": value,
        "floor": floor,
        "ratio": ratio,
        "target": target,
        "holds": holds,
    }
