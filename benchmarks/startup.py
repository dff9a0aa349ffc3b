# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one task costs besides its AWS calls: the module's imports (python -X importtime), the AnsiballZ
payload ansible builds and ships for it (kept with ANSIBLE_KEEP_REMOTE_FILES=1), and the wall time of a
task that fails its argument check, so makes no call at all.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import playbook
import scenarios
import stats

MODULES = {
    "ours": scenarios.OURS,
    "peer": scenarios.PEER,
    "ours_info": scenarios.OURS_INFO,
    "peer_info": scenarios.PEER_INFO,
}
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")
AWS_MODULE = "ansible_collections.amazon.aws.plugins.module_utils.modules"  # AnsibleAWSModule: boto3, botocore, ansible
BASE64_BLOB = re.compile(r"'([A-Za-z0-9+/=]{1000,})'")


def python_name(fqcn: str) -> str:
    namespace, name, module = fqcn.split(".")
    return "ansible_collections.%s.%s.plugins.modules.%s" % (namespace, name, module)


def parse_importtime(stderr: str, top: str) -> dict:
    """From -X importtime: the cumulative import time (us) of module `top` and how many modules were loaded."""
    loaded, total = 0, None
    for line in stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if not match:
            continue
        loaded += 1
        if match.group(4) == top:
            total = int(match.group(2))
    return {"us": total, "modules": loaded}


def import_times(collections_dir: Path, runs: int) -> dict:
    """Per module: its import alone ("ms"), and what it adds once AnsibleAWSModule is imported ("own_ms"):
    its own code and whatever else it pulls in."""
    env = dict(os.environ, PYTHONPATH=str(collections_dir))
    results = {}
    for key, fqcn in MODULES.items():
        name = python_name(fqcn)
        alone, added = [], []
        for _run in range(runs):
            for samples, code in ((alone, "import " + name), (added, "import %s; import %s" % (AWS_MODULE, name))):
                completed = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                                           env=env, capture_output=True, text=True, check=True)
                samples.append(parse_importtime(completed.stderr, name))
        results[key] = {
            "ms": stats.summarize([sample["us"] / 1000.0 for sample in alone]),
            "own_ms": stats.summarize([sample["us"] / 1000.0 for sample in added]),
            "modules": alone[-1]["modules"],
        }
    return results


def payload_contents(wrapper: str) -> dict:
    """The size of an AnsiballZ wrapper and of the zip it carries, and the collection files in that zip."""
    blobs = BASE64_BLOB.findall(wrapper)
    if not blobs:
        return {"bytes": len(wrapper), "zip_bytes": None, "files": None, "collection_files": {}}
    try:
        data = base64.b64decode(max(blobs, key=len))
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (binascii.Error, zipfile.BadZipFile):
        return {"bytes": len(wrapper), "zip_bytes": None, "files": None, "collection_files": {}}
    collection_files = {
        info.filename.split("ansible_collections/", 1)[1]: info.file_size
        for info in archive.infolist() if info.filename.startswith("ansible_collections/") and info.file_size
    }
    return {
        "bytes": len(wrapper), "zip_bytes": len(data), "files": len(archive.namelist()),
        "unzipped_bytes": sum(info.file_size for info in archive.infolist()), "collection_files": collection_files,
    }


def payloads(env: dict, work_dir: Path, proxy_url: str) -> dict:
    """Runs each module once in check mode with ANSIBLE_KEEP_REMOTE_FILES=1 and reads the payload it left."""
    results = {}
    for key, fqcn in MODULES.items():
        remote = work_dir / "payload" / key
        keep = dict(env, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=str(remote))
        args = {"db_cluster_identifier": scenarios.CLUSTER}
        if "info" not in key:
            args["db_cluster_snapshot_identifier"] = "bench-payload-%s" % key.replace("_", "-")
        inventory, book = playbook.write_run_files(work_dir / "runs" / ("payload-" + key), "payload", fqcn, args,
                                                   {"bench": {}}, proxy_url)
        playbook.run_playbook(inventory, book, keep, check_mode=True)
        found = sorted(remote.rglob("AnsiballZ_*.py"))
        results[key] = payload_contents(found[0].read_text()) if found else None
    return results


def no_call_tasks(env: dict, work_dir: Path, proxy_url: str, runs: int) -> dict:
    """Wall time of ansible-playbook with one task that makes no AWS call: a debug task (ansible's own
    start-up), and each snapshot module with an invalid `state` (imports, argument check, no call)."""
    tasks = {
        "debug": ("ansible.builtin.debug", {"msg": "no module start-up"}),
        "ours": (scenarios.OURS, {"db_cluster_snapshot_identifier": "bench-none", "state": "invalid"}),
        "peer": (scenarios.PEER, {"db_cluster_snapshot_identifier": "bench-none", "state": "invalid"}),
    }
    wall, task = {key: [] for key in tasks}, {key: [] for key in tasks}
    for run in range(runs):
        for key, (module, args) in tasks.items():
            inventory, book = playbook.write_run_files(work_dir / "runs" / ("no-call-%s-%d" % (key, run)), "no call",
                                                       module, args, {"bench": {}}, None if key == "debug" else proxy_url)
            result = playbook.run_playbook(inventory, book, env)
            wall[key].append(result["seconds"])
            task[key].append(result["task_seconds"])
    return {key: {"wall": stats.summarize(wall[key]), "task": stats.summarize(task[key])} for key in tasks}


def measure(env: dict, work_dir: Path, proxy_url: str, runs: int) -> dict:
    print("module start-up: imports, payloads, tasks without calls", flush=True)
    collections_dir = Path(env["ANSIBLE_COLLECTIONS_PATH"])
    # amazon.aws is not in the symlinked tree: it comes from the venv's ansible, which python finds by itself.
    return {
        "imports": import_times(collections_dir, runs),
        "payloads": payloads(env, work_dir, proxy_url),
        "no_call_tasks": no_call_tasks(env, work_dir, proxy_url, runs),
    }
