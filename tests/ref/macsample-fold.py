#!/usr/bin/env python3
"""macsample-fold.py FILE [--drop-idle]: the call graph of a macOS
sample(1) report as folded stacks, merged and sorted (byte order), each
node weighted by its own samples (its count less its children's); then a
line "total N" with the sum of the threads' counts.  Frames are
"module`function" (".dylib" dropped; legacy Rust names demangled without
their hash and LLVM suffix); a thread is its line, blanks squeezed.
Written from the layout of sample's report, independently of pf's reader."""
import re
import sys

IDLE = {"__psynch_cvwait", "__select", "__semwait_signal", "__ulock_wait",
        "__wait4", "__workq_kernreturn", "kevent", "mach_msg_trap", "read",
        "semaphore_wait_trap", "mach_msg2_trap", "__psynch_mutexwait",
        "kevent64", "kevent_id"}
CODES = {"SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(",
         "RP": ")", "C": ","}


def rust(name):
    name = re.sub(r" ?\(?\.llvm\.\d+\)?$", "", name)
    m = re.match(r"^(.*)::h[0-9a-f]{16}$", name)
    if not m:
        return name
    out = []
    for e in m.group(1).split("::"):
        if e.startswith("_$"):
            e = e[1:]
        e = e.replace("..", "::")
        e = re.sub(r"\$([A-Za-z0-9]+)\$",
                   lambda x: CODES.get(x.group(1)) or
                   (chr(int(x.group(1)[1:], 16)) if re.match(r"^u[0-9a-f]+$", x.group(1))
                    else x.group(0)), e)
        out.append(e)
    return "::".join(out)


def frame(label, thread):
    if thread:
        name = " ".join(label.split()).replace(";", ":")
        return name, name
    m = re.match(r"^(.*?)\s*\(in ([^)]*)\)", label)
    func, mod = (m.group(1), m.group(2)) if m else (label, "")
    if not m:
        func = re.split(r"\s+(?:\+ |\[)", label)[0]
    func = rust(func.strip()).replace(";", ":")
    if mod.endswith(".dylib"):
        mod = mod[:-6]
    return (mod + "`" + func if mod else func), func


drop_idle = "--drop-idle" in sys.argv[2:]
lines = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().split("\n")
start = lines.index("Call graph:") + 1
nodes = []      # (depth, count, frame, function)
for ln in lines[start:]:
    ln = ln.rstrip()
    if not ln:
        continue
    if not ln.startswith("    "):
        break
    m = re.match(r"^([ +!:|]*)(\d+)\s+(.*)$", ln[4:])
    depth = len(m.group(1)) // 2
    fr, fn = frame(m.group(3), depth == 0)
    nodes.append((depth, int(m.group(2)), fr, fn))

out, total, path = {}, 0, []
for i, (depth, count, fr, fn) in enumerate(nodes):
    del path[depth:]
    path.append(fr)
    if depth == 0:
        total += count
    children = 0
    for d2, c2, _, _ in nodes[i + 1:]:
        if d2 <= depth:
            break
        if d2 == depth + 1:
            children += c2
    own = count - children
    assert own >= 0
    if own and not (drop_idle and fn in IDLE):
        key = ";".join(path)
        out[key] = out.get(key, 0) + own
for k in sorted(out, key=lambda s: s.encode("utf-8", "surrogateescape")):
    sys.stdout.buffer.write(k.encode("utf-8", "surrogateescape") + b" %d\n" % out[k])
print("total %d" % total)
