#!/usr/bin/env python3
"""Writes a V8 --prof log that is hard on a code map: N code-creation
events at falling addresses, L shared libraries, and T ticks whose frames
land in both.  Usage: gen-v8log.py N L T > FILE"""
import sys

n, libs, ticks = (int(a) for a in sys.argv[1:4])
out = sys.stdout
out.write("v8-version,11,3,244,8,0,0\n")
for i in range(libs):
    a = 0x10000000000 + i * 0x10000
    out.write("shared-library,/lib/l%d.so,0x%x,0x%x,0\n" % (i, a, a + 0x8000))
base = 0x40000000
for i in range(n):
    out.write("code-creation,LazyCompile,10,%d,0x%x,64,f%d x.js:1:1,0x1,~\n"
              % (i, base + (n - i) * 0x100, i))
for t in range(ticks):
    pc = base + ((t * 7919) % n + 1) * 0x100 + 8
    lib = 0x10000000000 + ((t * 104729) % max(libs, 1)) * 0x10000 + 16
    caller = base + ((t * 31) % n + 1) * 0x100
    out.write("tick,0x%x,%d,0,0x0,0,0x%x,0x%x\n" % (pc, t, lib, caller))
