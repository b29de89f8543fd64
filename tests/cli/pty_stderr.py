#!/usr/bin/env python3
"""Run a command with stderr on a pseudo-terminal (stdout, stdin as given).

Usage: pty_stderr.py OUTFILE COMMAND...   Writes what the command wrote to the
terminal into OUTFILE, byte for byte, and exits with the command's status.
"""
import os, pty, subprocess, sys

out, cmd = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
p = subprocess.Popen(cmd, stderr=slave)
os.close(slave)
got = bytearray()
while True:
    try:
        b = os.read(master, 65536)
    except OSError:   # EIO: the terminal's last writer has gone
        break
    if not b:
        break
    got += b
rc = p.wait()
with open(out, "wb") as f:
    f.write(got)
sys.exit(rc)
