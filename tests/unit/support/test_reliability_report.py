"""Tests for tests/support/reliability_report.py: what the figures say comes from the proxy's totals."""
import sys
from pathlib import Path

SUPPORT_DIR = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import reliability_report  # noqa: E402


def totals(**extra):
    base = {"calls": 12, "by_action": {"DescribeDBClusters": 12}, "injected": {"throttle": 5, "lost": 1},
            "check_mode_calls": 0, "check_mode_writes": [], "figures": {}}
    return dict(base, **extra)


def test_report_names_the_layer_that_resent_each_fault():
    text = reliability_report.render(totals(resent_by={"botocore": {"throttle": 3, "lost": 1}, "module": {"throttle": 2}}))
    assert "| throttle | botocore's own retries (same invocation) | 3 |" in text
    assert "| lost | botocore's own retries (same invocation) | 1 |" in text
    assert "| throttle | the module's AWSRetry (a new invocation; botocore's retries off or used up) | 2 |" in text


def test_report_counts_aws_answers_and_load_observations():
    text = reliability_report.render(totals(synthesized={"deleting": 4, "resend": 2},
                                            figures={"load_snapshots_made": 20, "load_max_in_flight": 7}))
    assert "`deleting` after its delete (describes), or a delete refused meanwhile | 4 |" in text
    assert "(success) after its answer was lost | 2 |" in text
    assert "| Load test: snapshots that exist afterwards, one per task (read from moto) | 20 |" in text
    assert "| Load test: most calls in flight at once, as the proxy saw them (forks=10) | 7 |" in text


def test_report_reads_old_totals_without_the_new_counters():
    text = reliability_report.render(totals())
    assert "## Which layer rode each fault out" in text and "| API calls made by the integration suite | 12 |" in text
