#!/usr/bin/env python
"""Run the smoke playbook through ansible-runner, as AWX runs a job, and check the job's events.

Usage (with the tools venv's python, which has ansible_runner):
  python runner_smoke.py --private-data-dir DIR --playbook FILE --collections PATH --endpoint-url URL \
      --python INTERPRETER

DIR must not exist yet: it gets project/ (the playbook), inventory/, env/ and, from the run, artifacts/.
ansible-runner runs the ansible-playbook found on PATH, with INTERPRETER (which has boto3) for the modules
and only PATH (plus that ansible's bundled collections) as the collections path. The credentials are the
caller's AWS_* environment; the check fails if the secret key shows up in the job's events or stdout.
"""
import argparse
import os
import shutil
import sys
from pathlib import Path

import ansible_runner

MODULE = "graphops.neptune.neptune_cluster_snapshot"
CREATE_TASK = "Create a snapshot with tags and wait until it is available"
RERUN_TASK = "Run the same task again"


def prepare(pdd, playbook, collections, endpoint_url, python):
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    shutil.copy(playbook, pdd / "project" / "playbook.yml")
    (pdd / "inventory" / "hosts").write_text(f"localhost ansible_connection=local ansible_python_interpreter={python}\n")
    return {
        "envvars": {"ANSIBLE_COLLECTIONS_PATH": str(collections), "ANSIBLE_LOCALHOST_WARNING": "false",
                    "ANSIBLE_NOCOLOR": "true"},
        "extravars": {"endpoint_url": endpoint_url},
    }


def check(runner, secret):
    """The job's problems, from its events; empty when it went as planned."""
    problems = []
    if runner.status != "successful" or runner.rc != 0:
        problems.append(f"job status {runner.status!r}, rc {runner.rc}")
    events = list(runner.events)
    results = {}
    for event in events:
        data = event.get("event_data", {})
        if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_unreachable"):
            results[data.get("task")] = (event["event"], data.get("resolved_action"), data.get("res", {}).get("changed"))
        if event["event"] in ("runner_on_failed", "runner_on_unreachable"):
            problems.append(f"{event['event']} in task {data.get('task')!r}")
    expected = {CREATE_TASK: ("runner_on_ok", MODULE, True), RERUN_TASK: ("runner_on_ok", MODULE, False)}
    for task, want in expected.items():
        if results.get(task) != want:
            problems.append(f"task {task!r}: (event, action, changed) is {results.get(task)}, expected {want}")
    stats = [event["event_data"] for event in events if event["event"] == "playbook_on_stats"]
    if len(stats) != 1:
        problems.append(f"{len(stats)} playbook_on_stats events, expected 1")
    elif stats[0].get("failures") or stats[0].get("dark") or not stats[0].get("changed", {}).get("localhost"):
        problems.append(f"playbook_on_stats: failures {stats[0].get('failures')}, unreachable {stats[0].get('dark')}, "
                        f"changed {stats[0].get('changed')}")
    # What AWX shows of a job: its events and stdout (not the runner's own record of the process
    # environment, artifacts/<id>/command, where the credentials of the environment are by design).
    artifacts = Path(runner.config.artifact_dir)
    for path in [artifacts / "stdout", *sorted((artifacts / "job_events").glob("*.json"))]:
        if secret and secret in path.read_text(errors="replace"):
            problems.append(f"the AWS secret key appears in the job output {path}")
    return problems, len(events)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--private-data-dir", required=True, type=Path)
    parser.add_argument("--playbook", required=True)
    parser.add_argument("--collections", required=True)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--python", required=True)
    args = parser.parse_args()
    settings = prepare(args.private_data_dir, args.playbook, args.collections, args.endpoint_url, args.python)
    runner = ansible_runner.run(private_data_dir=str(args.private_data_dir), playbook="playbook.yml", **settings)
    problems, count = check(runner, os.environ.get("AWS_SECRET_ACCESS_KEY"))
    for problem in problems:
        print(f"ansible-runner job: {problem}")
    if problems:
        sys.exit(f"ansible-runner job: {len(problems)} problem(s) in {runner.config.artifact_dir}")
    print(f"ansible-runner job: successful, {count} events checked (module results, stats, no secret in events or stdout)")


if __name__ == "__main__":
    main()
