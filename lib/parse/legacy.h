/*
 * legacy.h - what the readers of legacy pprof profiles share (legacy.c):
 * gperftools' binary CPU profile (gperfcpu.c) and the legacy text heap,
 * growth, contention, thread and Go count profiles (pproftext.c).
 * Internal to libpf.
 *
 * Their stacks are return addresses, and the memory map that names them
 * comes at the end of the input.  So the addresses are kept first, as
 * distinct stacks (memory grows with those, not with the input), and
 * symbolized once the map is known: through the ELF symbol tables of the
 * mapped files when they are on this machine, else as "[module <0x...>]"
 * (the address inside the file), or "[unknown <0x...>]" outside every
 * mapping.
 */
#ifndef PF_PARSE_LEGACY_H
#define PF_PARSE_LEGACY_H

#include "internal.h"

struct pf_lp;

struct pf_lp *pf_lp_new(void);
void pf_lp_free(struct pf_lp *lp);

/*
 * One stack, its frames leaf first: pf_lp_addr for an address to
 * symbolize (already moved back onto the call for callers), pf_lp_name
 * for a frame the profile names itself; then pf_lp_end with its value
 * and 1 for one record of the input.  0, or -1 when memory runs out.
 */
int pf_lp_addr(struct pf_lp *lp, uint64_t addr);
int pf_lp_name(struct pf_lp *lp, const char *s, size_t n);
int pf_lp_end(struct pf_lp *lp, pf_count value, struct pf_error *err);
/* Drops the frames of the stack begun. */
void pf_lp_discard(struct pf_lp *lp);

/*
 * A line of the memory map (/proc/self/maps, or "START-END: FILE"): 1 when
 * it was one (non-executable mappings are read and left out), 0 when the
 * line is something else, -1 when memory runs out.
 */
int pf_lp_map_line(struct pf_lp *lp, const char *s, size_t n);
/* A Java symbol line " 0xID NAME (FILE:LINE)": 1, 0 or -1 as above. */
int pf_lp_java_symbol(struct pf_lp *lp, const char *s, size_t n);

enum {
	/* pprof's clean-up of gperftools' CPU stacks: a second frame
	 * shared by nearly every record is the signal handler's, and a
	 * second frame one below the leaf repeats it. */
	PF_LP_CPU_CLEANUP = 1,
	/* Addresses are Java method ids, named by pf_lp_java_symbol. */
	PF_LP_JAVA = 2,
};

/* Symbolizes the stacks kept and adds them to p.  0, or -1 with err. */
int pf_lp_finish(struct pf_lp *lp, struct pf_profile *p, unsigned flags,
    const char *name, struct pf_error *err);

/*
 * The index of the sample type want names ("inuse_space", "cpu/nanoseconds"
 * or an index) among types[0..n-1] (type, unit), dflt for NULL; -1 with a
 * error for none.
 */
int pf_lp_choose_type(const char *want, const char *const (*types)[2], size_t n,
    size_t dflt, const char *name, struct pf_error *err);

/* The stacks kept so far (records, not distinct). */
uint64_t pf_lp_records(const struct pf_lp *lp);

/* Whether s[0..n-1] is "0x" and hex digits; the value in *v. */
int pf_lp_hex(const char *s, size_t n, uint64_t *v);

/* With on set, no file is read to symbolize (the fuzz targets). */
void pf_lp_offline(int on);

#endif /* PF_PARSE_LEGACY_H */
