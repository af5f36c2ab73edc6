/*
 * perfdata.h - the parts of the perf.data reader shared by its files
 * (perfdata.c: the file and its records; symtab.c: symbol tables; dso.c:
 * where a dso's symbols come from).  Internal to libpf.
 */
#ifndef PF_PERFDATA_H
#define PF_PERFDATA_H

#include <stdint.h>

#include "internal.h"

enum { PF_BIND_LOCAL = 0, PF_BIND_GLOBAL = 1, PF_BIND_WEAK = 2 };

/* A symbol, also a node of its table's red-black tree. */
struct pf_sym {
	uint64_t start, end;
	const char *name;	/* NUL-terminated, in the table's arena */
	uint32_t len;
	uint32_t c[2], p;	/* tree links: left, right, parent (UINT32_MAX: none) */
	uint8_t red, dead, bind;
};

struct pf_symtab {
	struct pf_sym *s;
	size_t n, cap, live;
	uint32_t root;
	struct pf_arena names;
};

void pf_symtab_init(struct pf_symtab *t);
void pf_symtab_release(struct pf_symtab *t);
/* Inserts a symbol [start, end) (end == start: zero-sized); -1 on ENOMEM. */
int pf_symtab_add(struct pf_symtab *t, uint64_t start, uint64_t end, int bind,
    const char *name, size_t len);
/* perf's symbols__fixup_end() then symbols__fixup_duplicate(). */
void pf_symtab_fixup(struct pf_symtab *t, int kallsyms);
const struct pf_sym *pf_symtab_find(const struct pf_symtab *t, uint64_t ip);
void pf_symtab_each(const struct pf_symtab *t,
    void (*fn)(const struct pf_sym *, void *), void *arg);
void pf_symtab_shift(struct pf_symtab *t, uint64_t delta);
void pf_symtab_filter(struct pf_symtab *t,
    int (*drop)(const struct pf_sym *, void *), void *arg);

/* ------------------------------------------------------------------ dsos */

enum { PF_DSO_USER = 0, PF_DSO_KERNEL, PF_DSO_MODULE, PF_DSO_KSYM };

struct pf_dso {
	char *name;		/* as perf script prints it */
	char *path;		/* the file (long name) */
	int kind;		/* PF_DSO_* */
	int has_bid;
	uint8_t bid[20];
	uint8_t bid_len;
	int loaded;
	int perfmap;		/* /tmp/perf-PID.map */
	int vdso;
	/* Symbols that perf would name differently from this reader (Java
	 * signatures, an unknown demangling): a lookup that lands on one
	 * makes the reader hand the file to perf script. */
	int odd;
	struct pf_symtab syms;
	uint32_t id;		/* index in the dso list */
};

/* Where symbols come from: the build-id cache directory and the kernel
 * symbol file to use (NULL: decide as perf does). */
struct pf_symsrc {
	int offline;		/* read no file (the fuzz target) */
	char buildid_dir[4096];
	int host_kernel;	/* the recording's kernel build id is ours */
};

/*
 * Loads a user-space dso's symbols (ELF .symtab and .dynsym, PLT entries,
 * a perf map), as perf 6.1 does.  Never fails: a dso whose file cannot be
 * found or read has no symbols, as in perf.
 */
void pf_dso_load_user(struct pf_dso *d, const struct pf_symsrc *src);
/*
 * Loads the kernel's symbols from a kallsyms file; text_addr is the
 * address of "_text" the recording saw (0: unknown).  Returns 0, or -1
 * when no kallsyms file fits the recording.
 */
int pf_dso_load_kallsyms(struct pf_dso *d, const struct pf_symsrc *src,
    const char *ref_name, uint64_t ref_addr, uint64_t *first, uint64_t *last);
/* Whether a kernel image perf would read before kallsyms is installed. */
int pf_kernel_image_present(const struct pf_dso *d, const struct pf_symsrc *src,
    const char *release);
/* The build id of an ELF file (bid of 20 bytes); length, or 0. */
int pf_elf_build_id(const char *path, uint8_t *bid);
/* The kernel's own build id from /sys/kernel/notes; length, or 0. */
int pf_host_kernel_build_id(uint8_t *bid);

#endif /* PF_PERFDATA_H */
