"""A Redis server of the tests' own, from Debian's redis-server package, on a port of
their choosing, keeping nothing on disk. `make test-scale` installs the package."""
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


class ThrowawayRedis:
    def __init__(self, port: int):
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is missing: apt-get install -y redis-server")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"port {port} is taken")
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="redis-throwaway-"))
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        # No RDB snapshots and no append-only file: locks live only as long as a turn.
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=(self.dir / "log").open("w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.dir / 'log').read_text()}")
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on {self.port} not up")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
