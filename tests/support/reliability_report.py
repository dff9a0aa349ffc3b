#!/usr/bin/env python
"""Write the reliability figures of an integration run, read from the proxy's totals.

Usage: python reliability_report.py --proxy-url URL --out FILE

The proxy counts every call the integration targets made, every fault it injected
and every call made in check mode; the targets post their own figures (bad inputs
refused, faults survived) to it. Exits 1 when any check-mode call was a write.
"""
import argparse
import datetime
import json
import sys
import urllib.request

FIGURE_LABELS = {
    "bad_inputs_refused": "Bad inputs tried, each refused with a clear message before any API call (zero calls)",
    "faults_survived": "Injected faults the module rode out (task succeeded)",
    "faults_failed_clearly": "Faults past the retry budget or final, each failing with a clear message",
    "load_tasks_succeeded": "Load test: snapshot tasks that succeeded under throttling",
    "load_snapshots_made": "Load test: snapshots that exist afterwards, one per task (read from moto)",
    "load_max_in_flight": "Load test: most calls in flight at once, as the proxy saw them (forks=10)",
}
# What the proxy answers itself, as AWS does where moto does not (tests/support/aws_proxy.py).
SYNTHESIZED_LABELS = {
    "deleting": "A snapshot reported `deleting` after its delete (describes), or a delete refused meanwhile",
    "resend": "A resent tag or sharing write answered as AWS does (success) after its answer was lost",
    "reserved-tag": "A tag write naming an `aws:` key refused (InvalidParameterValue)",
}
LAYERS = {
    "botocore": "botocore's own retries (same invocation)",
    "module": "the module itself (a new invocation): AWSRetry, or its busy-cluster retry for InvalidDBClusterStateFault",
}


def render(totals):
    figures = totals.get("figures", {})
    lines = [
        "# Reliability figures",
        "",
        "Written by `tests/support/reliability_report.py` at the end of the integration stage of",
        "`bash tests/run.sh` (from the fault-injecting proxy's counters and the figures the targets",
        "post to it); not typed by hand. Regenerate with `bash tests/run.sh integration`, then publish with `bash tests/run.sh publish_reliability`.",
        "",
        f"Run: {datetime.date.today().isoformat()}",
        "",
        "| Figure | Value |",
        "| --- | ---: |",
        f"| API calls made by the integration suite | {totals['calls']} |",
        f"| Faults injected (all kinds) | {sum(totals['injected'].values())} |",
    ]
    for kind, count in sorted(totals["injected"].items()):
        lines.append(f"| Faults injected: {kind} | {count} |")
    for name, label in FIGURE_LABELS.items():
        if name in figures:
            lines.append(f"| {label} | {figures[name]} |")
    for name in sorted(set(figures) - set(FIGURE_LABELS)):
        lines.append(f"| {name} | {figures[name]} |")
    for name, count in sorted(totals.get("synthesized", {}).items()):
        lines.append(f"| AWS answers the proxy gave itself: {SYNTHESIZED_LABELS.get(name, name)} | {count} |")
    lines += [
        f"| Calls made in check mode | {totals['check_mode_calls']} |",
        f"| Write calls made in check mode | {len(totals['check_mode_writes'])} |",
        "",
        "Check-mode calls are told apart by the User-Agent marker the modules send in check mode",
        "(`graphops.neptune/check-mode`); a write among them fails the test run.",
        "",
        "## Which layer rode each fault out",
        "",
        "Each call that follows a faulted call of the same action and snapshot is a resend; botocore",
        "sends its own resends with the same `amz-sdk-invocation-id`, so the proxy tells them from the",
        "module's own retries (a new invocation). The targets that turn botocore's retries off",
        "(`aws_config: {retries: {total_max_attempts: 1}}`) leave every resend to the module.",
        "",
        "| Fault | Resent by | Resends |",
        "| --- | --- | ---: |",
    ]
    resent = totals.get("resent_by", {})
    lines += [f"| {fault} | {LAYERS.get(layer, layer)} | {count} |"
              for layer in sorted(resent) for fault, count in sorted(resent[layer].items())]
    lines += [
        "",
        "## Calls by action",
        "",
        "| Action | Calls |",
        "| --- | ---: |",
    ]
    lines += [f"| {action} | {count} |" for action, count in sorted(totals["by_action"].items())]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proxy-url", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    with urllib.request.urlopen(args.proxy_url + "/_proxy/totals", timeout=10) as answer:
        totals = json.load(answer)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(render(totals))
    print(f"reliability figures written to {args.out}")
    if totals["check_mode_writes"]:
        print(f"ERROR: write calls made in check mode: {totals['check_mode_writes']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
