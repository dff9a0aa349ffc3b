# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One whole `ansible-playbook` run of one task, timed from the outside, its result read from the json callback."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path


# moto is not thread-safe: a describe that iterates over its snapshots while another thread creates one fails
# with a 500 HTML page, which botocore reports as this. A flaw of the stand-in, not of either module: such a run is
# repeated (at most MOTO_RACE_REPEATS times), and the report says how many runs were.
MOTO_RACE = "invalid XML received"
MOTO_RACE_REPEATS = 2


def repeat_on_moto_race(attempt) -> dict:
    """attempt() until it passes or fails for another reason than MOTO_RACE; the result tells the repeats."""
    for repeats in range(MOTO_RACE_REPEATS + 1):
        result = attempt()
        if result["ok"] or MOTO_RACE not in result["message"]:
            break
    result["repeats"] = repeats
    return result


def ansible_env(collections_dir: Path, work_dir: Path) -> dict:
    """The environment of every run: the collection under test, no user configuration, placeholder credentials."""
    config = work_dir / "ansible.cfg"
    config.write_text("[defaults]\n")
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_COLLECTIONS_PATH": str(collections_dir),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ANSIBLE_LOCAL_TEMP": str(work_dir / "ansible-local"),
        "ANSIBLE_REMOTE_TMP": str(work_dir / "ansible-remote"),
        # moto accepts any credentials; these are placeholders, not secrets.
        "AWS_ACCESS_KEY_ID": "bench-access-key",
        "AWS_SECRET_ACCESS_KEY": "bench-secret-key",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    })
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        env.pop(name, None)
    return env


def write_run_files(run_dir: Path, title: str, module: str, args: dict, hosts: dict, endpoint_url: str | None) -> tuple:
    """inventory.json and playbook.json (JSON is YAML) for one task on every host; the task is given
    endpoint_url unless it is None."""
    run_dir.mkdir(parents=True, exist_ok=True)
    inventory = {"all": {"hosts": hosts, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable, "endpoint_url": endpoint_url,
    }}}
    task = {"name": title, module: dict(args, endpoint_url="{{ endpoint_url }}") if endpoint_url else args}
    playbook = [{"name": title, "hosts": "all", "gather_facts": False, "tasks": [task]}]
    (run_dir / "inventory.json").write_text(json.dumps(inventory, indent=2))
    (run_dir / "playbook.json").write_text(json.dumps(playbook, indent=2))
    return run_dir / "inventory.json", run_dir / "playbook.json"


def read_result(stdout: str) -> dict:
    """Hosts that succeeded, how many changed, and the first failure's message, from the json callback."""
    start = stdout.find("{")
    if start < 0:
        return {"ok_hosts": 0, "failed_hosts": None, "changed": 0, "message": stdout[-500:], "task_seconds": None}
    document, _end = json.JSONDecoder().raw_decode(stdout[start:])
    stats = document.get("stats", {})
    failed = sorted(host for host, counts in stats.items() if counts.get("failures") or counts.get("unreachable"))
    message, task_seconds = "", 0.0
    for play in document.get("plays", []):
        for task in play.get("tasks", []):
            task_seconds += task_duration(task.get("task", {}).get("duration") or {})
            for host in failed:
                result = task.get("hosts", {}).get(host)
                if result and not message:
                    message = str(result.get("msg", ""))[:500]
    return {
        "ok_hosts": len(stats) - len(failed),
        "failed_hosts": len(failed),
        "changed": sum(1 for counts in stats.values() if counts.get("changed")),
        "message": message,
        "task_seconds": task_seconds,
    }


def task_duration(duration: dict) -> float:
    """Seconds between a task's start and end as the json callback gives them (0 when missing)."""
    try:
        start, end = (datetime.datetime.fromisoformat(duration[key].replace("Z", "+00:00")) for key in ("start", "end"))
    except (KeyError, ValueError, AttributeError):
        return 0.0
    return (end - start).total_seconds()


def run_playbook(inventory: Path, playbook: Path, env: dict, forks: int = 1, check_mode: bool = False) -> dict:
    command = ["ansible-playbook", "-i", str(inventory), str(playbook), "-f", str(forks)]
    if check_mode:
        command.append("--check")
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    (playbook.parent / "stdout.json").write_text(completed.stdout)
    (playbook.parent / "stderr.txt").write_text(completed.stderr)
    result = read_result(completed.stdout)
    result.update(seconds=seconds, rc=completed.returncode, ok=completed.returncode == 0 and result["failed_hosts"] == 0)
    if not result["ok"] and not result["message"]:
        result["message"] = completed.stderr[-500:]
    return result
