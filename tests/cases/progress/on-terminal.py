# Runs the command of argv with its stderr on a terminal (a pty) and its
# stdin a pipe that stays open until a progress line has reached the
# terminal (at most 30 s); prints what reached the terminal.
import os
import pty
import select
import subprocess
import sys
import time

master, slave = pty.openpty()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
child.stdin.write(b"a;b 1\n")
child.stdin.flush()
seen = b""
deadline = time.monotonic() + 30
while b" read" not in seen and time.monotonic() < deadline:
    if select.select([master], [], [], 0.1)[0]:
        try:
            seen += os.read(master, 4096)
        except OSError:
            break
child.stdin.write(b"a;c 2\n")
child.stdin.close()
while True:
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the child closed the terminal
        break
    if not data:
        break
    seen += data
child.wait()
sys.stdout.buffer.write(seen)
sys.exit(child.returncode)
