#!/usr/bin/env python3
# A minimal JFR 2.0 chunk: metadata for the types a stack needs, one
# constant pool event, a few jdk.ExecutionSample events; the test data of
# pf-collapse's JFR reader (`jfr print` reads the plain one).
# usage: jfr-mini.py OUT [VARIANT]
#   fixed      integers not compressed (the header's flag clear)
#   nest       a stack frame holds a stack frame inline, endlessly
#   hugecount  a stack trace claims 2^31-1 frames
#   strloop    a string in the pool of strings refers to itself
#   wall       also async-profiler 4's batched wall-clock samples
#              (profiler.WallClockSample, weighing its "samples" field)
import struct, sys
variant = sys.argv[2] if len(sys.argv) > 2 else ''
fixed = variant == 'fixed'
def var(v):
    v &= (1 << 64) - 1
    out = bytearray()
    for i in range(8):
        if v < 0x80:
            out.append(v); return bytes(out)
        out.append((v & 0x7f) | 0x80); v >>= 7
    out.append(v & 0xff); return bytes(out)
def I(v, w=4):
    return var(v) if not fixed else (v & ((1 << (8*w)) - 1)).to_bytes(w, 'big')
L = lambda v: I(v, 8)
def S(s):
    if s is None: return b'\0'
    b = s.encode(); return b'\3' + I(len(b)) + b
strings = []
def si(s):
    if s not in strings: strings.append(s)
    return strings.index(s)
def elem(name, attrs, children=()):
    b = I(si(name)) + I(len(attrs))
    for k, v in attrs: b += I(si(k)) + I(si(v))
    b += I(len(children))
    for c in children: b += c
    return b
def field(name, cls, cp=False, dim=False):
    a = [('name', name), ('class', str(cls))]
    if cp: a.append(('constantPool', 'true'))
    if dim: a.append(('dimension', '1'))
    return elem('field', a)
def cls(id, name, fields=(), st=None):
    a = [('name', name), ('id', str(id))]
    if st: a.append(('superType', st))
    return elem('class', a, list(fields))
LONG, INT, BOOL, STR, THREAD, ST, FRAME, METHOD, CLASS, SYM, FT, EXEC = 1,2,3,4,5,6,7,8,9,10,11,100
WALL = 101
classes = [cls(LONG,'long'), cls(INT,'int'), cls(BOOL,'boolean'), cls(STR,'java.lang.String'),
  cls(THREAD,'java.lang.Thread',[field('osName',STR),field('osThreadId',LONG),field('javaName',STR),field('javaThreadId',LONG)]),
  cls(ST,'jdk.types.StackTrace',[field('truncated',BOOL),field('frames',FRAME,dim=True)]),
  cls(FRAME,'jdk.types.StackFrame',[field('method',METHOD,cp=True),field('lineNumber',INT),field('bytecodeIndex',INT),field('type',FT,cp=True)] + ([field('inner',FRAME)] if variant == 'nest' else [])),
  cls(METHOD,'jdk.types.Method',[field('type',CLASS,cp=True),field('name',SYM,cp=True),field('descriptor',SYM,cp=True),field('modifiers',INT),field('hidden',BOOL)]),
  cls(CLASS,'java.lang.Class',[field('classLoader',LONG),field('name',SYM,cp=True),field('modifiers',INT)]),
  cls(SYM,'jdk.types.Symbol',[field('string',STR)]),
  cls(FT,'jdk.types.FrameType',[field('description',STR)]),
  cls(EXEC,'jdk.ExecutionSample',[field('startTime',LONG),field('sampledThread',THREAD,cp=True),field('stackTrace',ST,cp=True),field('state',LONG)],'jdk.jfr.Event')]
if variant == 'wall':
    classes.append(cls(WALL,'profiler.WallClockSample',[field('startTime',LONG),field('sampledThread',THREAD,cp=True),field('stackTrace',ST,cp=True),field('state',LONG),field('samples',INT),field('timeSpan',LONG)],'jdk.jfr.Event'))
root = elem('root', [], [elem('metadata', [], classes), elem('region', [('locale', 'en_US')])])
def event(body):
    # size counts itself: padded to a fixed width so that it is known first
    n = len(body) + (4 if fixed else 5)
    sz = n.to_bytes(4, 'big') if fixed else bytes([(n & 0x7f) | 0x80, (n >> 7 & 0x7f) | 0x80, (n >> 14 & 0x7f) | 0x80, (n >> 21 & 0x7f) | 0x80, n >> 28])
    return sz + body
meta_body = L(0) + L(0) + L(0) + L(1)
strtab = b''.join(S(s) for s in strings)
meta = event(meta_body + I(len(strings)) + strtab + root)
# pools: symbols 1..6, classes 1..2, methods 1..4, frame types 1..2, threads 1..2, stack traces 1..3
sym = {1:'Main', 2:'main', 3:'work', 4:'java/util/Ha;sh', 5:'get', 6:'()V'}
pools = [(SYM, [(k, S(v)) for k, v in sym.items()]),
  (CLASS, [(1, L(0)+L(1)+I(1)), (2, L(0)+L(4)+I(1))]),
  (METHOD, [(1, L(1)+L(2)+L(6)+I(9)+b'\0'), (2, L(1)+L(3)+L(6)+I(9)+b'\0'), (3, L(2)+L(5)+L(6)+I(1)+b'\0'), (4, L(0)+L(3)+L(6)+I(0)+b'\0')]),
  (FT, [(1, S('Interpreted')), (2, S('JIT compiled'))]),
  (THREAD, [(1, S('main')+L(11)+S('main')+L(1)), (2, S('worker')+L(12)+b'\2'+L(7)+L(2))]),
  (STR, [(7, b'\2' + L(7) if variant == 'strloop' else S('w\u00e9rker'))]),
  (ST, [(1, b'\0'+I(0x7fffffff if variant == 'hugecount' else 2)+L(2)+I(5)+I(3)+L(2)+L(1)+I(3)+I(0)+L(1)),
        (2, b'\1'+I(3)+L(3)+I(5)+I(3)+L(2)+L(2)+I(5)+I(3)+L(1)+L(1)+I(3)+I(0)+L(1)),
        (3, b'\0'+I(1)+L(4)+I(0)+I(0)+L(1))])]
cpb = L(1) + L(0) + L(0) + L(0) + b'\0' + I(len(pools))
for t, entries in pools:
    cpb += L(t) + I(len(entries))
    for k, v in entries: cpb += L(k) + v
events = b''
for (th, st, n) in [(1, 1, 3), (2, 2, 2), (2, 1, 1), (1, 3, 1), (1, 9, 1)]:
    for _ in range(n):
        events += event(L(EXEC) + L(5) + L(th) + L(st) + L(0))
if variant == 'wall':
    for (th, st, n) in [(1, 1, 40), (2, 2, 7), (1, 1, 2)]:
        events += event(L(WALL) + L(5) + L(th) + L(st) + L(0) + I(n) + L(1000))
body = events
meta_off = 68 + len(body); body += meta
cp_off = 68 + len(body); body += event(cpb)
size = 68 + len(body)
hdr = b'FLR\0' + struct.pack('>HHQQQQQQQ', 2, 0, size, cp_off, meta_off, 0, 1000, 0, 1000000000) + bytes([0, 0, 0, 0 if fixed else 1])
open(sys.argv[1], 'wb').write(hdr + body)
