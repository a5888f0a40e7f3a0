"""A PostgreSQL instance of the tests' own, in a temporary directory, that a test may stop
and start: the shared cluster from scripts/start_postgres.sh serves other tests meanwhile.
Needs root (to run PostgreSQL as the postgres user), as `make test-server` does."""
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] if Path("/usr/lib/postgresql").exists() else None


class ThrowawayPostgres:
    def __init__(self, port: int):
        if BIN is None:
            raise RuntimeError("PostgreSQL is not installed: run scripts/start_postgres.sh once")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"port {port} is taken")
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="pg-throwaway-"))
        user = pwd.getpwnam("postgres")
        shutil.chown(self.dir, user.pw_uid, user.pw_gid)
        self.data = self.dir / "data"
        self.url = f"postgresql://postgres@localhost:{port}/postgres"
        # fsync off: the data is thrown away, and the tests need not wait on the disk
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, program, *args):
        subprocess.run(["runuser", "-u", "postgres", "--", str(BIN / program), *args],
                       check=True, capture_output=True, timeout=120)

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=localhost -c fsync=off")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def throwaway_postgres(port: int):
    """A started throwaway server, removed with its files afterwards."""
    server = ThrowawayPostgres(port)
    try:
        server.start()
        yield server
    finally:
        server.remove()
