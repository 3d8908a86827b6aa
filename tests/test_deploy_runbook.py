"""The operations guide's commands, followed literally, do what it says (docs/operations.md).

- Installing the systemd units: the guide's `install … /etc/systemd/system/` line copied the services and
  the target, not the timers, so `ascolto.target`'s `Wants=ascolto-compact.timer ascolto-purge.timer`
  pointed at nothing: compaction and the retention purge (privacy) silently never ran.
- Upgrading on systemd: the guide said "`ascolto-migrate.service`"; that unit stays active after boot
  (`RemainAfterExit=yes`), so `systemctl start` did nothing — the new code ran on the old schema — and
  `restart` stopped and started every role at once (they `Requires=` it). Now `systemctl reload`, which
  runs the same command again.
- Booting: every role `Requires=` the migration, so a database that came up after this host failed it and
  left every role down for good; it now waits for the database (`--wait`).
"""
from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

from tests.test_deploy import SYSTEMD, unit

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "operations.md").read_text("utf-8")


def installed_units() -> set[str]:
    """The unit files the guide's install line copies to /etc/systemd/system/."""
    line = next(line for line in GUIDE.splitlines() if line.startswith("install ") and "/etc/systemd/system/" in line)
    args = shlex.split(line)[1:-1]
    return {Path(f).name for a in args if a.startswith("deploy/") for f in glob.glob(str(ROOT / a))}


def test_every_unit_the_target_and_its_timers_want_is_installed_by_the_guides_command():
    installed = installed_units()
    wanted = set()
    for value in unit(SYSTEMD / "ascolto.target")["Unit"]["Wants"]:
        wanted.update(value.split())
    wanted = {re.sub(r"@\d+\.", "@.", name) for name in wanted}  # template instances
    for timer in [n for n in wanted if n.endswith(".timer")]:
        wanted.add(unit(SYSTEMD / timer)["Timer"].get("Unit", [timer.replace(".timer", ".service")])[0])
    assert wanted - installed == set(), f"wanted but never installed: {sorted(wanted - installed)}"
    assert {p.name for p in SYSTEMD.glob("*.timer")} <= installed


def test_the_upgrade_step_on_systemd_runs_the_migration_again():
    migrate = unit(SYSTEMD / "ascolto-migrate.service")["Service"]
    assert migrate["Type"] == ["oneshot"] and migrate["RemainAfterExit"] == ["yes"]  # start: a no-op once active
    assert migrate["ExecReload"] == ["/opt/ascolto/venv/bin/ascolto registry migrate"]
    assert migrate["ExecStart"] == ["/opt/ascolto/venv/bin/ascolto registry migrate --wait 600"]  # at boot
    assert migrate["TimeoutStartSec"] == ["infinity"]
    upgrades = GUIDE.split("## Upgrades", 1)[1].split("\n## ", 1)[0]
    assert "systemctl reload ascolto-migrate.service" in upgrades
    assert not re.search(r"systemctl (start|restart) ascolto-migrate", GUIDE)


def _forward_later(port: int, delay_s: float, target=("127.0.0.1", 5432)):
    """After ``delay_s``, forward 127.0.0.1:``port`` to ``target`` (before: connection refused)."""
    import socket
    import threading
    import time

    def pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve():
        time.sleep(delay_s)
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(16)
        while True:
            client, _ = server.accept()
            upstream = socket.create_connection(target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()


def test_migrate_waits_for_a_database_that_comes_up_after_it(db_url):
    import socket
    import time

    import pytest
    from click.testing import CliRunner

    from ascolto.cli import EXIT_REGISTRY_UNAVAILABLE, main

    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there: refused
    url = db_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{port}/")
    runner = CliRunner()
    result = runner.invoke(main, ["registry", "migrate"], env={"ASCOLTO_DATABASE_URL": url})
    assert result.exit_code == EXIT_REGISTRY_UNAVAILABLE  # without --wait: at once, as before
    _forward_later(port, 3.0)
    t0 = time.monotonic()
    result = runner.invoke(main, ["registry", "migrate", "--wait", "30"], env={"ASCOLTO_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "-> 0012_test_mode_until" in result.output and 3.0 <= time.monotonic() - t0 < 15
