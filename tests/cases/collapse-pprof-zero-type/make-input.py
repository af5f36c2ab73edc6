# Writes heap-freed.pb.gz: a Go heap profile (four sample types, inuse_space
# last, so the default) whose objects were all freed, as a Go program that
# frees what it allocated writes it: inuse_* 0 in every sample.
import gzip
def varint(v):
    out=b''
    while True:
        b=v&0x7f; v>>=7
        if v: out+=bytes([b|0x80])
        else: return out+bytes([b])
def field(n, wt, payload):
    return varint(n<<3|wt)+payload
def ld(n, b): return field(n,2,varint(len(b))+b)
def vi(n, v): return field(n,0,varint(v))
strings=["","alloc_objects","count","alloc_space","bytes","inuse_objects","inuse_space","main.churn","main.main","runtime.main","main.go"]
S={s:i for i,s in enumerate(strings)}
msg=b''
for t,u in [("alloc_objects","count"),("alloc_space","bytes"),("inuse_objects","count"),("inuse_space","bytes")]:
    msg+=ld(1, vi(1,S[t])+vi(2,S[u]))
def sample(locs, vals):
    return ld(2, ld(1, b''.join(varint(l) for l in locs)) + ld(2, b''.join(varint(v) for v in vals)))
msg+=sample([1,2,3],[1000,4096000,0,0])
msg+=sample([2,3],[24,3072,0,0])
for i,(fn) in enumerate(["main.churn","main.main","runtime.main"],1):
    msg+=ld(4, vi(1,i)+vi(3,0x401000+i*16)+ld(4, vi(1,i)+vi(2,10+i)))
for i,fn in enumerate(["main.churn","main.main","runtime.main"],1):
    msg+=ld(5, vi(1,i)+vi(2,S[fn])+vi(3,S[fn])+vi(4,S["main.go"]))
for s in strings:
    msg+=ld(6, s.encode())
msg+=vi(9, 1700000000000000000)
msg+=ld(11, vi(1,S["inuse_space"])+vi(2,S["bytes"]))
msg+=vi(12, 524288)
open("heap-freed.pb.gz","wb").write(gzip.compress(msg, mtime=0))
