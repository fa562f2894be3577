"""Serve the app to a whole school: N replicas of `streamlit run streamlit_app.py` behind HAProxy.

    python -m deploy.serve --replicas 4 --port 8501          # students open http://<this machine>:8501

Each replica is its own process on its own loopback port; the replicas share nothing but Streamlit's
cookie secret (XSRF tokens of uploads). HAProxy (Debian's `haproxy`, deploy/haproxy.cfg.template) listens
on --port, keeps every browser on one replica with a SERVERID cookie and moves it to a live replica when its
own dies. The script waits until every replica is healthy, restarts a replica that exits, and stops
everything on Ctrl-C or SIGTERM (systemd: deploy/nndl.service).

Tests and benchmarks use the same code:

    with Cluster(replicas=2, warm=False) as cluster:      # ports on loopback chosen freely
        cluster.url                                         # through HAProxy
        cluster.kill(1); cluster.wait_status(1, "DOWN"); cluster.restart(1); cluster.wait_status(1, "UP")

`python -m deploy.serve --render-config --backends app1:8501,app2:8501 ...` prints the configuration
for other layouts (deploy/haproxy-compose.cfg is made this way for deploy/compose.yaml).
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("haproxy.cfg.template")


def haproxy_path() -> str | None:
    """The haproxy executable: $HAPROXY_PATH, on PATH, or Debian's /usr/sbin/haproxy (not on a user's PATH)."""
    found = os.environ.get("HAPROXY_PATH") or shutil.which("haproxy") or "/usr/sbin/haproxy"
    return found if os.access(found, os.X_OK) else None


def render_config(bind: str, backends: list[str], stats_socket: str, stats_bind: str) -> str:
    """The HAProxy configuration for replicas at `backends` ("host:port"), named r0, r1, ... (also their
    SERVERID cookie values)."""
    servers = "\n".join(f"    server r{i} {address} cookie r{i}" for i, address in enumerate(backends))
    return Template(TEMPLATE.read_text()).substitute(
        bind=bind, servers=servers, stats_socket=stats_socket, stats_bind=stats_bind)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it is still there after `timeout` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Replica:
    """One `streamlit run streamlit_app.py` on 127.0.0.1:port."""

    def __init__(self, index: int, port: int, env: dict[str, str], log_dir: Path | None) -> None:
        self.index, self.port, self.env = index, port, env
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_dir / f"replica-r{index}.log" if log_dir else None
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "a") if self.log_path else None       # None: the serve script's own output
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT if log else None,
                start_new_session=True)     # signals reach it from this script only, in the order stop() chooses
        finally:
            if log:
                log.close()                                             # the child holds its own copy

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(self.url):
            if self.proc.poll() is not None:
                raise RuntimeError(f"replica r{self.index} exited with {self.proc.returncode}"
                                   + (f" (log: {self.log_path})" if self.log_path else ""))
            if time.monotonic() > deadline:
                raise RuntimeError(f"replica r{self.index} not healthy after {timeout:.0f} s")
            time.sleep(0.2)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Cluster:
    """N app replicas on loopback ports plus HAProxy in front of them on `port` (0: a free one).

    `warm`: each replica's background warm-up of the lessons' runs (ui/warm.py, ~20 s of one core per
    replica); on for a school, off in tests. `cookie_secret`: shared by all replicas (a random one if not
    given). `log_dir`: where replica-r<i>.log and haproxy.log go (None: this process's own output).
    """

    def __init__(self, replicas: int = 3, port: int = 0, *, host: str = "127.0.0.1", first_replica_port: int = 0,
                 warm: bool = True, cookie_secret: str | None = None, log_dir: str | Path | None = None,
                 stats_port: int = 0) -> None:
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        self.haproxy_path = haproxy_path()
        if not self.haproxy_path:
            raise RuntimeError("haproxy not found: install Debian's haproxy (apt-get install haproxy)")
        self.port = port or free_port()
        self.host = host
        self.url = f"http://127.0.0.1:{self.port}"
        self.stats_port = stats_port or free_port()
        self.log_dir = Path(log_dir) if log_dir else None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(prefix="nndl-haproxy-")
        self.stats_socket = str(Path(self._tmp.name) / "stats.sock")
        self.config_path = Path(self._tmp.name) / "haproxy.cfg"
        # the machine's cores shared out: one core stays with the event loops, as one server's default does
        slots = str(max(1, ((os.cpu_count() or 2) - 1) // replicas))
        env = {"NNDL_TRAIN_SLOTS": slots, **os.environ, "PYTHONUNBUFFERED": "1",
               "NNDL_WARM": "1" if warm else "0",
               # the environment, not the command line: other users of the machine can read command lines
               "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret or secrets.token_hex(32)}
        ports = [first_replica_port + i if first_replica_port else free_port() for i in range(replicas)]
        self.replicas = [Replica(i, p, env, self.log_dir) for i, p in enumerate(ports)]
        self.haproxy: subprocess.Popen | None = None

    # -- lifecycle --------------------------------------------------------------------------------------

    def start(self, timeout: float = 120) -> Cluster:
        """Start every replica, wait until each is healthy, then HAProxy, and wait until it sees them UP."""
        if self.haproxy is not None:
            raise RuntimeError("this cluster was started already")
        try:
            for replica in self.replicas:
                replica.start()
            for replica in self.replicas:
                replica.wait_healthy(timeout)
            self._start_haproxy()
            for replica in self.replicas:
                self.wait_status(replica.index, "UP", timeout=30)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_haproxy(self) -> None:
        self.config_path.write_text(render_config(
            bind=f"{self.host}:{self.port}", backends=[f"127.0.0.1:{r.port}" for r in self.replicas],
            stats_socket=self.stats_socket, stats_bind=f"127.0.0.1:{self.stats_port}"))
        check = subprocess.run([self.haproxy_path, "-c", "-q", "-f", str(self.config_path)],
                               capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"haproxy rejected {self.config_path}: {check.stderr or check.stdout}")
        log = open(self.log_dir / "haproxy.log", "a") if self.log_dir else None
        try:
            # -db: stay in the foreground (this script supervises it), log to stdout
            self.haproxy = subprocess.Popen([self.haproxy_path, "-db", "-f", str(self.config_path)],
                                            stdout=log, stderr=subprocess.STDOUT if log else None,
                                            start_new_session=True)
        finally:
            if log:
                log.close()
        deadline = time.monotonic() + 15
        while not Path(self.stats_socket).exists():
            if self.haproxy.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("haproxy did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop HAProxy first (no new requests), then every replica; idempotent."""
        if self.haproxy is not None:
            stop_process(self.haproxy)
        for replica in self.replicas:
            if replica.proc is not None:
                stop_process(replica.proc)
        self._tmp.cleanup()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- faults and repairs -----------------------------------------------------------------------------

    def kill(self, index: int) -> None:
        """Kill replica `index` at once (SIGKILL, as a crash or the OOM killer would)."""
        proc = self.replicas[index].proc
        proc.kill()
        proc.wait()

    def restart(self, index: int, timeout: float = 120) -> None:
        """Start replica `index` again on its port (stopping it first if it runs) and wait until it is healthy."""
        replica = self.replicas[index]
        if replica.alive():
            stop_process(replica.proc)
        replica.start()
        replica.wait_healthy(timeout)

    # -- HAProxy's view -----------------------------------------------------------------------------------

    def stats(self) -> list[dict[str, str]]:
        """HAProxy's `show stat` for the replicas: one dict per server (svname r0.., status, scur, stot, ...)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.stats_socket)
            s.sendall(b"show stat\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        lines = b"".join(chunks).decode().lstrip("# ").splitlines()
        return [row for row in csv.DictReader(lines) if row["pxname"] == "replicas"
                and row["svname"] not in ("FRONTEND", "BACKEND")]

    def status(self, index: int) -> str:
        """HAProxy's status of replica `index`: "UP", "DOWN", or a transition such as "UP 1/2"."""
        return next(row["status"] for row in self.stats() if row["svname"] == f"r{index}")

    def wait_status(self, index: int, status: str, timeout: float = 30) -> float:
        """Wait until HAProxy reports exactly `status` for replica `index`; return the seconds it took."""
        start = time.monotonic()
        while (current := self.status(index)) != status:
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"replica r{index} is {current!r} after {timeout:.0f} s, not {status!r}")
            time.sleep(0.1)
        return time.monotonic() - start

    def supervise(self, poll_s: float = 2.0) -> None:
        """Run until interrupted: restart a replica that exited; give up if HAProxy itself exits."""
        while True:
            if self.haproxy.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.haproxy.returncode}")
            for replica in self.replicas:
                if not replica.alive():
                    print(f"replica r{replica.index} exited with {replica.proc.returncode}; restarting it",
                          file=sys.stderr, flush=True)
                    try:
                        self.restart(replica.index)
                    except RuntimeError as err:
                        print(f"  restart failed: {err}; trying again", file=sys.stderr, flush=True)
            time.sleep(poll_s)


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt     # SIGTERM (systemd stop) stops everything as Ctrl-C does


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="app processes (default: cores - 1; one training slot each)")
    parser.add_argument("--port", type=int, default=8501, help="HAProxy's port, the one students open")
    parser.add_argument("--host", default="0.0.0.0", help="HAProxy's address (default: every interface)")
    parser.add_argument("--first-replica-port", type=int, default=8601,
                        help="replica i listens on 127.0.0.1:(this + i)")
    parser.add_argument("--stats-port", type=int, default=8404, help="HAProxy's status page, on 127.0.0.1 only")
    parser.add_argument("--no-warm", action="store_true", help="skip each replica's warm-up of the lessons' runs")
    parser.add_argument("--log-dir", help="write replica-r<i>.log and haproxy.log here (default: this output)")
    parser.add_argument("--render-config", action="store_true",
                        help="only print an HAProxy configuration for --backends and exit")
    parser.add_argument("--backends", help="with --render-config: host:port,host:port,...")
    parser.add_argument("--stats-socket", default="/tmp/haproxy-stats.sock", help="with --render-config")
    args = parser.parse_args(argv)

    if args.render_config:
        if not args.backends:
            parser.error("--render-config needs --backends")
        print(render_config(f"{args.host}:{args.port}", args.backends.split(","), args.stats_socket,
                            f"{args.host}:{args.stats_port}"), end="")
        return
    # a fixed secret survives restarts of this script (browsers keep their XSRF cookie); else a random one
    secret = os.environ.get("NNDL_COOKIE_SECRET") or None
    cluster = Cluster(args.replicas, args.port, host=args.host, first_replica_port=args.first_replica_port,
                      warm=not args.no_warm, cookie_secret=secret, log_dir=args.log_dir, stats_port=args.stats_port)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cluster.start()
        print(f"serving {len(cluster.replicas)} replicas at http://{args.host}:{args.port} "
              f"(status page http://127.0.0.1:{args.stats_port}/)", flush=True)
        cluster.supervise()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
