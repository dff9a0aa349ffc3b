#!/usr/bin/env python
"""Start/stop the local AWS stand-in: a moto server (moto_patched.py) plus aws_proxy.py in front of it, and
neptunedata_local.py, the stand-in of a cluster's graph engine (the neptunedata API, which moto lacks).

  python local_aws.py start --state-dir DIR   # prints the proxy URL, writes DIR/local_aws.json
  python local_aws.py stop --state-dir DIR    # idempotent

Importable too:

  with local_aws(state_dir) as info:   # {"moto_url", "proxy_url", "region_urls", "neptunedata_url", "moto_pid",
      ...                                #  "proxy_pid", "neptunedata_pid"}
      ...

The servers bind 127.0.0.1 only and log to DIR/moto.log, DIR/proxy.log and DIR/neptunedata.log. proxy_url serves every
region; region_urls holds one endpoint per region of REGIONS that serves that region only (the proxy
refuses a request there signed for another region, as a real regional endpoint does: see aws_proxy.py).
"""
import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATE_FILE = "local_aws.json"
START_TIMEOUT = 30.0
# The regions that get an endpoint of their own: those the integration tests copy between.
REGIONS = ("us-east-1", "us-west-2")
# Popen handles of servers started by this process, so stop() can reap them (no zombies).
_CHILDREN = {}


class LocalAwsError(RuntimeError):
    pass


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _moto_command(port):
    """moto's server, through moto_patched.py: moto with the fixes restoring a Neptune cluster needs."""
    return [sys.executable, str(HERE / "moto_patched.py"), "-H", "127.0.0.1", "-p", str(port)]


def _spawn(cmd, log_path):
    with open(log_path, "ab") as log:
        # Own session: the servers outlive the CLI and are not hit by the caller's Ctrl-C.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)
    _CHILDREN[proc.pid] = proc
    return proc


def _answers(url):
    """True once anything speaks HTTP at url (an HTTP error status still counts)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def _log_tail(path, lines=20):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_ready(procs_and_urls, timeout):
    deadline = time.monotonic() + timeout
    pending = list(procs_and_urls)
    while pending:
        for name, proc, url, log in list(pending):
            if proc.poll() is not None:
                raise LocalAwsError("%s exited with code %s during startup; %s:\n%s"
                                    % (name, proc.returncode, log, _log_tail(log)))
            if _answers(url):
                pending.remove((name, proc, url, log))
        if pending and time.monotonic() > deadline:
            name, _pid, url, log = pending[0]
            raise LocalAwsError("%s did not answer at %s within %gs; %s:\n%s"
                                % (name, url, timeout, log, _log_tail(log)))
        if pending:
            time.sleep(0.1)


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False  # zombie: already dead, waiting for its parent
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _is_ours(pid, marker):
    """Guards against a recycled pid: the cmdline must mention our server."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return marker.encode() in f.read()
    except FileNotFoundError:
        return not os.path.isdir("/proc")  # no procfs: cannot check, trust the state file
    except OSError:
        return False


def _wait_dead(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc = _CHILDREN.get(pid)
        if (proc.poll() is not None) if proc is not None else not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def _terminate(pid, marker, grace=5.0):
    """SIGTERM, then SIGKILL if the process is still there after `grace` seconds."""
    if pid and _alive(pid) and _is_ours(pid, marker):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
            if _wait_dead(pid, grace):
                break
    _CHILDREN.pop(pid, None)


def _read_state(state_dir):
    try:
        return json.loads((Path(state_dir) / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def start(state_dir, timeout=START_TIMEOUT):
    """Starts moto and the proxy; returns the state dict (also written to DIR/local_aws.json)."""
    state_dir = Path(state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    old = _read_state(state_dir)
    if old and any(_alive(old.get(k) or 0) for k in ("moto_pid", "proxy_pid", "neptunedata_pid")):
        raise LocalAwsError("already running per %s; run 'stop' first" % (state_dir / STATE_FILE))
    ports = set()
    while len(ports) < 3 + len(REGIONS):
        ports.add(_free_port())
    moto_port, proxy_port, neptunedata_port, *region_ports = sorted(ports)
    moto_url = "http://127.0.0.1:%d" % moto_port
    proxy_url = "http://127.0.0.1:%d" % proxy_port
    neptunedata_url = "http://127.0.0.1:%d" % neptunedata_port
    moto_log, proxy_log, neptunedata_log = state_dir / "moto.log", state_dir / "proxy.log", state_dir / "neptunedata.log"
    moto = proxy = neptunedata = None
    try:
        moto = _spawn(_moto_command(moto_port), moto_log)
        region_args = [arg for region, port in zip(REGIONS, region_ports) for arg in ("--region-port", "%s=%d" % (region, port))]
        proxy = _spawn([sys.executable, str(HERE / "aws_proxy.py"), "--listen-port", str(proxy_port),
                        "--upstream", moto_url] + region_args, proxy_log)
        neptunedata = _spawn([sys.executable, str(HERE / "neptunedata_local.py"), "--listen-port",
                              str(neptunedata_port)], neptunedata_log)
        _wait_ready([("moto_server", moto, moto_url + "/moto-api/", moto_log),
                     ("aws_proxy", proxy, proxy_url + "/_proxy/health", proxy_log),
                     ("neptunedata_local", neptunedata, neptunedata_url + "/_data/health", neptunedata_log)], timeout)
    except BaseException:
        for proc, marker in ((neptunedata, "neptunedata_local"), (proxy, "aws_proxy"), (moto, "moto")):
            if proc is not None:
                _terminate(proc.pid, marker, grace=2.0)
        raise
    region_urls = {region: "http://127.0.0.1:%d" % port for region, port in zip(REGIONS, region_ports)}
    info = {"moto_url": moto_url, "proxy_url": proxy_url, "region_urls": region_urls,
            "neptunedata_url": neptunedata_url, "moto_pid": moto.pid, "proxy_pid": proxy.pid,
            "neptunedata_pid": neptunedata.pid}
    tmp = state_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(info, indent=2) + "\n")
    tmp.replace(state_dir / STATE_FILE)
    return info


def stop(state_dir):
    """Stops whatever DIR/local_aws.json describes; does nothing if there is nothing."""
    path = Path(state_dir) / STATE_FILE
    info = _read_state(state_dir)
    if info:
        _terminate(info.get("neptunedata_pid"), "neptunedata_local")
        _terminate(info.get("proxy_pid"), "aws_proxy")
        _terminate(info.get("moto_pid"), "moto")
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def local_aws(state_dir):
    info = start(state_dir)
    try:
        yield info
    finally:
        stop(state_dir)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Start/stop moto + aws_proxy + neptunedata_local on 127.0.0.1.")
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--timeout", type=float, default=START_TIMEOUT, help="start timeout (s)")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.state_dir, timeout=args.timeout)["proxy_url"])
        else:
            stop(args.state_dir)
    except LocalAwsError as exc:
        print("local_aws: error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
