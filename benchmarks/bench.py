# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark (not a test): the same scenarios through graphops.neptune and amazon.aws, side by side.

Run by benchmarks/run.sh (noxfile.py's benchmark session):

  python benchmarks/bench.py --out results.json [--runs 5] [--wait-runs 5] [--latency-ms 30]
      [--info-counts 100,1000] [--rotation-sizes 10,40,160] [--rotation-runs N] [--rotation-large-runs N]
      [--restore-runs 3] [--restore-cluster-seconds 30] [--restore-instance-seconds 30]
      [--only KEY,KEY] [--work-dir DIR]

Starts the local endpoint (tests/support/local_aws.py: moto behind the recording proxy), makes the fixtures
straight on moto, then runs every scenario as whole `ansible-playbook` runs, interleaved (ours, peer, peer,
ours, ...), and writes the API calls by action (the proxy's log), the wall times, the info module's tag pool
(info_pool.py), the module start-up costs (startup.py), the snapshot rotation three ways (rotation.py, on a
moto server of its own) and a restore's overshoot beyond AWS's restore time (restore.py, on a moto server of its
own) to one JSON document for report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "support"))

import endpoint  # noqa: E402  (benchmarks/, on sys.path now)
import info_pool  # noqa: E402
import playbook  # noqa: E402
import restore  # noqa: E402
import rotation  # noqa: E402
import scenarios  # noqa: E402
import startup  # noqa: E402
import stats  # noqa: E402
from local_aws import local_aws  # noqa: E402  (tests/support)


def collection_tree(work_dir: Path) -> Path:
    """ansible_collections/graphops/neptune -> this repository (amazon.aws comes from the venv's ansible)."""
    tree = work_dir / "collections"
    link = tree / "ansible_collections" / "graphops" / "neptune"
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(HERE.parent)
    return tree


def host_vars(scenario, lane: str, run: int) -> dict:
    """One host a snapshot; each run has its own snapshot identifiers."""
    if scenario.hosts == 1:
        return {"bench": {
            "snapshot_id": "bench-%s-%s-%d" % (scenario.key, lane, run),
            "cluster_id": scenarios.CLUSTER,
            "source_id": scenarios.COPY_SOURCE,
        }}
    return {
        "bench-%02d" % number: {
            "snapshot_id": "bench-%s-%s-%d-%02d" % (scenario.key, lane, run, number),
            "cluster_id": "bench-fleet-%02d" % number,
            "source_id": scenarios.COPY_SOURCE,
        }
        for number in range(scenario.hosts)
    }


class Bench:
    def __init__(self, args, moto: endpoint.Moto, proxy: endpoint.Proxy, extra: list, env: dict, work_dir: Path):
        self.args, self.moto, self.proxy, self.extra, self.env, self.work_dir = args, moto, proxy, extra, env, work_dir
        self.latency = args.latency_ms / 1000.0

    def set_up(self, scenario, hosts: dict) -> None:
        for host in hosts.values():
            if scenario.setup == "present":
                self.moto.create_snapshot(host["snapshot_id"], host["cluster_id"], scenarios.TAGS)
            elif scenario.setup == "copy":
                self.moto.copy_snapshot(host["source_id"], host["snapshot_id"])

    def end_state(self, scenario, hosts: dict) -> bool | None:
        if scenario.expect is None:
            return None
        wanted = None if scenario.expect == "absent" else scenario.expect
        return all(self.moto.snapshot_tags(host["snapshot_id"]) == wanted for host in hosts.values())

    def one_run(self, scenario, lane: str, run: int, proxy: endpoint.Proxy) -> dict:
        """One run; repeated when moto's server raced (playbook.MOTO_RACE)."""
        return playbook.repeat_on_moto_race(lambda: self.attempt(scenario, lane, run, proxy))

    def attempt(self, scenario, lane: str, run: int, proxy: endpoint.Proxy) -> dict:
        hosts = host_vars(scenario, lane, run)
        if scenario.setup not in ("none", "absent"):
            self.set_up(scenario, hosts)
        creating = {host["snapshot_id"]: scenario.creating for host in hosts.values()} if scenario.creating else None
        proxy.prepare(self.latency, creating)
        run_dir = self.work_dir / "runs" / ("%s-%s-%d" % (scenario.key, lane, run))
        inventory, book = playbook.write_run_files(
            run_dir, scenario.title, scenario.module(lane), scenario.task_args(lane), hosts, proxy.url)
        result = playbook.run_playbook(inventory, book, self.env, forks=scenario.forks, check_mode=scenario.check_mode)
        result["calls"] = stats.count_actions(proxy.calls())
        result["end_state_ok"] = self.end_state(scenario, hosts)
        if scenario.expect_changed is not None:
            result["changed_ok"] = result["changed"] == (len(hosts) if scenario.expect_changed else 0)
        if scenario.setup != "none":
            for host in hosts.values():
                self.moto.delete_snapshot(host["snapshot_id"])
        status = "ok" if result["ok"] else "FAILED: " + result["message"]
        print("  %-16s %-4s run %d: %6.2f s, %2d calls, changed %d, end state %s, %s" % (
            scenario.key, lane, run, result["seconds"], sum(result["calls"].values()), result["changed"],
            result["end_state_ok"], status), flush=True)
        return result

    def run_scenario(self, scenario) -> dict:
        runs = scenario.runs or self.args.runs
        results = {"ours": [], "peer": []}
        print("%s (%d runs a module)" % (scenario.title, runs), flush=True)
        began = time.perf_counter()
        if scenario.concurrent_peer:
            self.run_with_concurrent_peer(scenario, runs, results)
        else:
            for run in range(runs):
                for lane in (("ours", "peer") if run % 2 == 0 else ("peer", "ours")):
                    results[lane].append(self.one_run(scenario, lane, run, self.proxy))
        return {
            "key": scenario.key, "title": scenario.title, "runs": results, "check_mode": scenario.check_mode,
            "modules": {"ours": scenario.ours_module, "peer": scenario.peer_module},
            "args": {"ours": scenario.task_args("ours"), "peer": scenario.task_args("peer")},
            "creating": scenario.creating, "hosts": scenario.hosts, "forks": scenario.forks,
            "concurrent_peer": scenario.concurrent_peer, "expect_changed": scenario.expect_changed,
            "seconds": time.perf_counter() - began,
        }

    def run_with_concurrent_peer(self, scenario, runs: int, results: dict) -> None:
        """The peer's runs (each mostly asleep in its 30 s waiter) at the same time, each through its own proxy,
        started one after the other once the previous one has made its create call; ours then one by one."""
        peer_runs = min(self.args.wait_runs, len(self.extra))
        threads, peer_results = [], [None] * peer_runs
        for run in range(peer_runs):
            proxy = self.extra[run]

            def peer_run(run=run, proxy=proxy):
                peer_results[run] = self.one_run(scenario, "peer", run, proxy)

            thread = threading.Thread(target=peer_run, daemon=True)
            thread.start()
            threads.append(thread)
            endpoint.wait_for(lambda proxy=proxy: any(c["action"] == "CreateDBClusterSnapshot" for c in proxy.calls()), 60)
        for run in range(runs):
            results["ours"].append(self.one_run(scenario, "ours", run, self.proxy))
        for thread in threads:
            thread.join()
        results["peer"] = [result for result in peer_results if result is not None]


def create_fixtures(moto: endpoint.Moto) -> None:
    moto.create_cluster(scenarios.CLUSTER)
    moto.create_snapshot(scenarios.COPY_SOURCE, scenarios.CLUSTER, scenarios.SOURCE_TAGS)
    for number in range(scenarios.FLEET_SIZE):
        moto.create_cluster("bench-fleet-%02d" % number)


def create_info_fixtures(moto: endpoint.Moto, info_counts: list) -> None:
    """The info scenarios' snapshots, made once they are needed: a moto server with many snapshots answers
    every describe more slowly, which makes its thread race (see Bench.one_run) likelier in the fleet run."""
    started = time.perf_counter()
    for count in info_counts:
        cluster = scenarios.info_cluster(count)
        moto.create_cluster(cluster)
        for number in range(count):
            moto.create_snapshot("%s-%05d" % (cluster, number), cluster, {"bench": "yes", "n": str(number)})
    print("info fixtures made on moto in %.1f s" % (time.perf_counter() - started), flush=True)


def versions() -> dict:
    import importlib.metadata

    import boto3
    import botocore
    import moto
    from ansible import release

    collections = {}
    for name in ("amazon/aws", "ansible/posix"):
        manifest = Path(sys.prefix).glob("lib/python*/site-packages/ansible_collections/%s/MANIFEST.json" % name)
        for path in manifest:
            collections[name.replace("/", ".")] = json.loads(path.read_text())["collection_info"]["version"]
    galaxy = (HERE.parent / "galaxy.yml").read_text()
    ours = next((line.split(":", 1)[1].strip() for line in galaxy.splitlines() if line.startswith("version:")), "?")
    commit = subprocess.run(["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {
        "python": platform.python_version(), "ansible": importlib.metadata.version("ansible"),
        "ansible-core": release.__version__, "boto3": boto3.__version__, "botocore": botocore.__version__,
        "moto": moto.__version__, "graphops.neptune": "%s (%s)" % (ours, commit or "?"), **collections,
    }


def machine() -> dict:
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "machine": platform.machine(), "system": platform.platform(),
            "load_start": os.getloadavg()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wait-runs", type=int, default=5, help="the peer's runs of the create+wait scenarios")
    parser.add_argument("--latency-ms", type=float, default=30.0, help="added by the proxy to every call")
    parser.add_argument("--info-counts", default="100,1000")
    parser.add_argument("--pool-runs", type=int, default=3, help="runs of the tag pool comparison (info_pool.py)")
    parser.add_argument("--sequential-runs", type=int, default=1, help="runs of the sequential tag reads at the largest count")
    parser.add_argument("--rotation-sizes", default="10,40,160", help="clusters of the rotation scenarios")
    parser.add_argument("--rotation-runs", type=int, default=None, help="runs a variant per rotation scenario (--runs)")
    parser.add_argument("--rotation-large-runs", type=int, default=None,
                        help="runs a variant at the largest rotation size (--rotation-runs)")
    parser.add_argument("--restore-runs", type=int, default=3, help="runs a lane of the restore scenario")
    parser.add_argument("--restore-cluster-seconds", type=float, default=30.0,
                        help="how long the restored cluster answers `creating`")
    parser.add_argument("--restore-instance-seconds", type=float, default=30.0,
                        help="how long the restored cluster's instance answers `creating`")
    parser.add_argument("--only", default="", help="comma-separated scenario keys, 'pool', 'startup', 'rotation' "
                        "(or rotation-N, rotation-N-dr) and 'restore'")
    parser.add_argument("--work-dir", default=None)
    args = parser.parse_args(argv)
    info_counts = [int(count) for count in args.info_counts.split(",") if count]
    only = {key for key in args.only.split(",") if key}
    wanted = [s for s in scenarios.snapshot_scenarios() + scenarios.info_scenarios(info_counts) if not only or s.key in only]
    rotation_sizes = [int(size) for size in args.rotation_sizes.split(",") if size]
    rotation_wanted = rotation.wanted_keys(only, rotation.rotation_scenarios(
        rotation_sizes, args.rotation_runs or args.runs, args.rotation_large_runs))
    main_part = bool(wanted) or not only or bool({"pool", "startup"} & only)
    restore_wanted = restore.wanted(only) and args.restore_runs > 0

    work_dir = Path(args.work_dir or tempfile.mkdtemp(prefix="graphops-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    # moto counts every cluster's automated snapshot against its default quota of 1,000.
    os.environ["MOTO_RDS_SNAPSHOT_LIMIT"] = str(sum(info_counts) + 1000 + 6 * max(rotation_sizes or [0]))
    document = {"machine": machine(), "versions": versions(), "settings": {
        "runs": args.runs, "wait_runs": args.wait_runs, "latency_ms": args.latency_ms, "info_counts": info_counts,
        "pool_runs": args.pool_runs, "sequential_runs": args.sequential_runs,
    }, "scenarios": [], "pool": None, "startup": None, "rotation": None, "restore": None}
    began = time.perf_counter()
    if main_part:
        measure_main(args, document, wanted, only, info_counts, work_dir)
    if rotation_wanted:
        env = playbook.ansible_env(collection_tree(work_dir), work_dir)

        def save(part):
            document["rotation"] = part
            Path(args.out).write_text(json.dumps(document, indent=1))  # partial results survive a stop

        document["rotation"] = rotation.measure(HERE.parent, work_dir, env, rotation_wanted, args.latency_ms, local_aws,
                                                save)
    if restore_wanted:
        env = playbook.ansible_env(collection_tree(work_dir), work_dir)

        def save_restore(part):
            document["restore"] = part
            Path(args.out).write_text(json.dumps(document, indent=1))

        scenario = restore.restore_scenario(args.restore_runs, args.restore_cluster_seconds,
                                            args.restore_instance_seconds)
        document["restore"] = restore.measure(work_dir, env, scenario, args.latency_ms, local_aws, save_restore)
    document["machine"]["load_end"] = os.getloadavg()
    document["seconds"] = time.perf_counter() - began
    Path(args.out).write_text(json.dumps(document, indent=1))
    print("results in %s after %.0f s" % (args.out, document["seconds"]))
    return 0


def measure_main(args, document: dict, wanted: list, only: set, info_counts: list, work_dir: Path) -> None:
    """The scenarios through both modules, the info pool and the start-up costs, on one moto server."""
    with local_aws(work_dir / "aws") as info:
        moto = endpoint.Moto(info["moto_url"])
        create_fixtures(moto)
        info_fixtures = False
        env = playbook.ansible_env(collection_tree(work_dir), work_dir)
        extra_count = args.wait_runs if any(s.concurrent_peer for s in wanted) else 0
        with endpoint.extra_proxies(info["moto_url"], extra_count, work_dir / "aws") as extra:
            bench = Bench(args, moto, endpoint.Proxy(info["proxy_url"]), extra, env, work_dir)
            warm_up = scenarios.Scenario("warm-up", "warm-up", scenarios.CREATE, check_mode=True)
            for lane in ("ours", "peer"):
                bench.one_run(warm_up, lane, 0, bench.proxy)
            for scenario in wanted:
                if scenario.key.startswith("info") and not info_fixtures:
                    create_info_fixtures(moto, info_counts)
                    info_fixtures = True
                document["scenarios"].append(bench.run_scenario(scenario))
                Path(args.out).write_text(json.dumps(document, indent=1))  # partial results survive a stop
            if not only or "pool" in only:
                if not info_fixtures:
                    create_info_fixtures(moto, info_counts)
                document["pool"] = info_pool.measure(work_dir / "collections", bench.proxy, info_counts, args)
            if not only or "startup" in only:
                document["startup"] = startup.measure(env, work_dir, info["proxy_url"], args.runs)


if __name__ == "__main__":
    sys.exit(main())
