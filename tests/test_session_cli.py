"""`kesos session serve`: the command exists, `--lan` prints the URL with a terminal QR code and
writes the SVG (checked without binding anything but 127.0.0.1), and the server answers on
loopback by default."""
from __future__ import annotations

import io
import ipaddress

import segno

from kesos import cli
from kesos.session import server


def test_session_is_a_kesos_command(capsys):
    """`kesos --help` lists `session`; `kesos session --help` shows the serve options."""
    assert cli.main(["--help"]) == 0
    assert "session" in capsys.readouterr().out
    assert cli.main(["session", "--help"]) == 0
    assert "--lan" in capsys.readouterr().out


def test_lan_banner_prints_the_url_and_a_qr_code(tmp_path):
    """The banner names the URL, draws a QR code in the terminal and saves it as SVG; the LAN address is a real IPv4 address."""
    addr = server.lan_address()
    ipaddress.IPv4Address(addr)  # no packet is sent to find it
    out = io.StringIO()
    url = f"http://{addr}:8765/"
    server.print_banner(url, tmp_path / "qr.svg", out=out)
    text = out.getvalue()
    assert url in text and "█" in text
    svg = (tmp_path / "qr.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert segno.make(url, error="m").designator  # the same payload segno encodes


def test_key_file_is_private(tmp_path, monkeypatch):
    """The facilitator key is created once, readable only by its owner, and reused."""
    monkeypatch.delenv("KESOS_SESSION_KEY", raising=False)
    path = server.key_file_for(str(tmp_path))
    key = server.load_or_create_key(path)
    assert len(key) >= 30 and path.stat().st_mode & 0o077 == 0
    assert server.load_or_create_key(path) == key


def test_the_notebook_finds_a_server_started_from_the_command_line(tmp_path, monkeypatch):
    """`kesos session serve --db FOLDER` announces itself; facilitator.start() then uses that server
    (its key, its public URL) instead of starting another; the note is removed when it stops."""
    import json
    import signal
    import subprocess
    import sys
    import time

    from kesos.session import facilitator

    rt = tmp_path / "runtime.json"
    monkeypatch.setenv("KESOS_SESSION_RUNTIME", str(rt))
    monkeypatch.delenv("KESOS_SESSION_KEY", raising=False)
    monkeypatch.delenv("KESOS_SESSION_URL", raising=False)
    proc = subprocess.Popen([sys.executable, "-m", "kesos.session", "serve", "--port", "0", "--db", str(tmp_path / "w")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not rt.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        info = json.loads(rt.read_text())
        room = facilitator.start(port=0)
        assert room.process is None and room.url == info["url"]
        assert room.create(["c01-midgley-view"]).code
        room.stop()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
    assert not rt.exists()
