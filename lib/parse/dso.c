/*
 * dso.c - the symbols of a mapped file, found and read as perf 6.1 finds
 * and reads them, so that a frame gets the name `perf script` prints.
 *
 * A user-space dso's candidates are tried in perf's order: the file named
 * by its .gnu_debuglink, perf's build-id cache (~/.debug/.build-id/xx/...,
 * "elf" then "debug"), /usr/lib/debug/PATH.debug, /usr/lib/debug/PATH,
 * /usr/lib/debug/.build-id/xx/....debug, PATH itself, DIR/.debug/BASE and
 * /usr/lib/debug/lib/... for /usr/lib/...; a candidate whose build id is
 * not the recorded one is passed over.  The first with a .symtab gives the
 * symbols, the first with a .dynsym the program headers that turn symbol
 * values into file offsets (the address space of perf's lookups) and the
 * PLT.  Symbols are functions, objects and labels in text or data
 * sections; C++ and Rust names are demangled by libiberty's
 * cplus_demangle without parameters, which is what perf links.
 */
#include <ctype.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libiberty/demangle.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "parse/perfdata.h"

static int
is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ------------------------------------------------------------- demangling */

static int
is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* OCaml: "camlModule__fn_123" -> "Module.fn_123", "$xx" a hex byte. */
static char *
ocaml_demangle(const char *s)
{
	size_t n = strlen(s), i = 4, j = 0;
	char *out;

	if (n < 5 || memcmp(s, "caml", 4) != 0 || !is_upper((unsigned char)s[4]))
		return NULL;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	while (i < n) {
		if (s[i] == '_' && s[i + 1] == '_') {
			out[j++] = '.';
			i += 2;
		} else if (s[i] == '$' && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			out[j++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 3;
		} else {
			out[j++] = s[i++];
		}
	}
	out[j] = '\0';
	return out;
}

/* A legacy Rust hash left at the end of a name: "::h" and 16 hex digits. */
static int
rust_hash_left(const char *s)
{
	size_t n = strlen(s), i;

	if (n <= 19 || memcmp(s + n - 19, "::h", 3) != 0)
		return 0;
	for (i = n - 16; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The name perf gives an ELF symbol: demangled when it can be.  Sets *odd
 * for names perf would rewrite in ways this reader does not (a Java
 * signature, a Rust hash that libiberty left).  Returns a malloc'ed name
 * or NULL for "as it is".
 */
static char *
demangle(const char *name, int *odd)
{
	char *d = cplus_demangle(name, 0);

	if (d == NULL) {
		d = ocaml_demangle(name);
		if (d == NULL && strchr(name, ')') != NULL)
			*odd = 1;
	} else if (rust_hash_left(d)) {
		*odd = 1;
	}
	return d;
}

/* ------------------------------------------------------------------- ELF */

struct elf_src {
	int fd;
	Elf *elf;
	void *mem;		/* the image elf reads, when not a file */
	GElf_Ehdr eh;
	Elf_Scn *symtab, *dynsym;
	GElf_Shdr symsh, dynsh;
	size_t dynidx;
};

static Elf_Scn *
section_by_name(Elf *elf, const GElf_Ehdr *eh, const char *name, GElf_Shdr *sh,
    size_t *idx)
{
	Elf_Scn *s = NULL;
	size_t i = 1;
	char *str;

	if (elf_rawdata(elf_getscn(elf, eh->e_shstrndx), NULL) == NULL)
		return NULL;
	while ((s = elf_nextscn(elf, s)) != NULL) {
		if (gelf_getshdr(s, sh) == NULL)
			return NULL;
		str = elf_strptr(elf, eh->e_shstrndx, sh->sh_name);
		if (str != NULL && strcmp(str, name) == 0) {
			if (idx != NULL)
				*idx = i;
			return s;
		}
		i++;
	}
	return NULL;
}

/* The GNU build id in an open ELF: from .note.gnu.build-id, .notes or
 * .note, as perf looks.  Returns its length (at most 20) or 0. */
static int
elf_build_id(Elf *elf, uint8_t *bid)
{
	static const char *const names[] = { ".note.gnu.build-id", ".notes", ".note" };
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Scn *s;
	Elf_Data *d;
	size_t i, off, name_off, desc_off;
	GElf_Nhdr nh;

	if (gelf_getehdr(elf, &eh) == NULL)
		return 0;
	for (i = 0; i < 3; i++) {
		s = section_by_name(elf, &eh, names[i], &sh, NULL);
		if (s != NULL)
			break;
	}
	if (s == NULL || (d = elf_getdata(s, NULL)) == NULL || d->d_buf == NULL)
		return 0;
	off = 0;
	while (off < d->d_size &&
	    (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0) {
			size_t n = nh.n_descsz < 20 ? nh.n_descsz : 20;

			memcpy(bid, (char *)d->d_buf + desc_off, n);
			return (int)n;
		}
	}
	return 0;
}

int
pf_elf_build_id(const char *path, uint8_t *bid)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n = 0;
	Elf *elf;

	if (fd < 0)
		return 0;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf != NULL && elf_kind(elf) == ELF_K_ELF)
		n = elf_build_id(elf, bid);
	elf_end(elf);
	close(fd);
	return n;
}

static void
src_close(struct elf_src *s)
{
	if (s->elf != NULL)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	free(s->mem);
	s->elf = NULL;
	s->mem = NULL;
	s->fd = -1;
}

/*
 * The sections perf's symsrc__init() looks for, after checking the build
 * id against the recorded one; 0, or -1 for a file perf passes over.
 */
static int
src_sections(struct elf_src *s, const struct pf_dso *d)
{
	uint8_t bid[20];
	int n;

	if (d->has_bid) {
		n = elf_build_id(s->elf, bid);
		if (n <= 0 || n != d->bid_len || memcmp(bid, d->bid, (size_t)n) != 0)
			return -1;
	}
	s->symtab = section_by_name(s->elf, &s->eh, ".symtab", &s->symsh, NULL);
	if (s->symtab != NULL && s->symsh.sh_type != SHT_SYMTAB)
		s->symtab = NULL;
	s->dynsym = section_by_name(s->elf, &s->eh, ".dynsym", &s->dynsh, &s->dynidx);
	if (s->dynsym != NULL && s->dynsh.sh_type != SHT_DYNSYM)
		s->dynsym = NULL;
	return 0;
}

/* Opens path as perf's symsrc__init() does; 0 or -1. */
static int
src_open(struct elf_src *s, const char *path, const struct pf_dso *d)
{
	memset(s, 0, sizeof(*s));
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return -1;
	s->elf = elf_begin(s->fd, ELF_C_READ_MMAP, NULL);
	if (s->elf == NULL || elf_kind(s->elf) != ELF_K_ELF ||
	    gelf_getehdr(s->elf, &s->eh) == NULL)
		goto bad;
	if (src_sections(s, d) != 0)
		goto bad;
	return 0;
bad:
	src_close(s);
	return -1;
}

/*
 * The vdso of this process, as perf's vdso__dso_findnew() finds it: the
 * kernel's own image, which is the one a recording made on this kernel
 * mapped.  A copy, for libelf.
 */
static int
src_open_vdso(struct elf_src *s, const struct pf_dso *d)
{
	const unsigned char *img = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	Elf64_Ehdr eh;
	size_t size;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (img == NULL || memcmp(img, ELFMAG, SELFMAG) != 0 || img[EI_CLASS] != ELFCLASS64)
		return -1;
	memcpy(&eh, img, sizeof(eh));
	size = (size_t)eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize;
	if (size < sizeof(eh) || size > ((size_t)1 << 20))
		return -1;
	if ((s->mem = malloc(size)) == NULL)
		return -1;
	memcpy(s->mem, img, size);
	s->elf = elf_memory(s->mem, size);
	if (s->elf == NULL || gelf_getehdr(s->elf, &s->eh) == NULL)
		goto bad;
	if (src_sections(s, d) != 0)
		goto bad;
	return 0;
bad:
	src_close(s);
	return -1;
}

/* The PT_LOAD segment that holds vaddr; 0 or -1. */
static int
load_segment(Elf *elf, uint64_t vaddr, GElf_Phdr *ph)
{
	size_t i, n;
	uint64_t sz;

	if (elf_getphdrnum(elf, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(elf, (int)i, ph) == NULL)
			return -1;
		if (ph->p_type != PT_LOAD)
			continue;
		sz = ph->p_memsz > ph->p_filesz ? ph->p_memsz : ph->p_filesz;
		if (sz == 0)
			continue;
		if (vaddr >= ph->p_vaddr && vaddr < ph->p_vaddr + sz)
			return 0;
	}
	return -1;
}

static int
bind_of(const GElf_Sym *sym)
{
	switch (GELF_ST_BIND(sym->st_info)) {
	case STB_GLOBAL:
		return PF_BIND_GLOBAL;
	case STB_WEAK:
		return PF_BIND_WEAK;
	}
	return PF_BIND_LOCAL;
}

/*
 * One pass of perf's dso__load_sym_internal(): the symbols of .symtab
 * (dynsym = 0) or .dynsym of syms, adjusted with run's program headers.
 * Returns the number added, or -1 when perf would stop with an error.
 */
static int
load_pass(struct pf_dso *d, struct elf_src *syms, struct elf_src *run, int dynsym)
{
	Elf_Scn *sec = dynsym ? syms->dynsym : syms->symtab, *ss;
	GElf_Shdr sh = dynsym ? syms->dynsh : syms->symsh, ssh;
	Elf_Data *data, *strs, *secstrs_sym, *secstrs_run, *secstrs;
	size_t nsyms, i;
	GElf_Sym sym;
	int nr = 0;

	if ((data = elf_getdata(sec, NULL)) == NULL)
		return -1;
	if ((ss = elf_getscn(syms->elf, sh.sh_link)) == NULL ||
	    (strs = elf_getdata(ss, NULL)) == NULL)
		return -1;
	if ((ss = elf_getscn(run->elf, run->eh.e_shstrndx)) == NULL ||
	    (secstrs_run = elf_getdata(ss, NULL)) == NULL)
		return -1;
	if ((ss = elf_getscn(syms->elf, syms->eh.e_shstrndx)) == NULL ||
	    (secstrs_sym = elf_getdata(ss, NULL)) == NULL)
		return -1;
	if (sh.sh_entsize == 0)
		return -1;
	nsyms = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < nsyms; i++) {
		int type, label, object, func;
		const char *name, *secname;
		char *dem = NULL;
		GElf_Phdr ph;

		if (gelf_getsym(data, (int)i, &sym) == NULL)
			memset(&sym, 0, sizeof(sym));
		type = GELF_ST_TYPE(sym.st_info);
		func = (type == STT_FUNC || type == STT_GNU_IFUNC) && sym.st_name != 0 &&
		    sym.st_shndx != SHN_UNDEF;
		object = type == STT_OBJECT && sym.st_name != 0 && sym.st_shndx != SHN_UNDEF;
		label = type == STT_NOTYPE && sym.st_name != 0 && sym.st_shndx != SHN_UNDEF &&
		    sym.st_shndx != SHN_ABS &&
		    GELF_ST_VISIBILITY(sym.st_other) != STV_HIDDEN &&
		    GELF_ST_VISIBILITY(sym.st_other) != STV_INTERNAL;
		if (!label && !func && !object)
			continue;
		if (sym.st_name >= strs->d_size || strs->d_buf == NULL)
			continue;
		name = (const char *)strs->d_buf + sym.st_name;
		if (memchr(name, '\0', strs->d_size - sym.st_name) == NULL)
			continue;
		if (sym.st_shndx == SHN_ABS)
			continue;
		if ((ss = elf_getscn(syms->elf, sym.st_shndx)) == NULL ||
		    gelf_getshdr(ss, &ssh) == NULL)
			return -1;
		if (!(ssh.sh_flags & SHF_ALLOC))
			continue;
		secstrs = secstrs_sym;
		if (ssh.sh_type == SHT_NOBITS) {
			if ((ss = elf_getscn(run->elf, sym.st_shndx)) == NULL ||
			    gelf_getshdr(ss, &ssh) == NULL)
				return -1;
			secstrs = secstrs_run;
		}
		if (label) {
			if (ssh.sh_name >= secstrs->d_size || secstrs->d_buf == NULL)
				continue;
			secname = (const char *)secstrs->d_buf + ssh.sh_name;
			if (strstr(secname, "text") == NULL && strstr(secname, "data") == NULL)
				continue;
		}
		if (load_segment(run->elf, sym.st_value, &ph) == 0)
			sym.st_value -= ph.p_vaddr - ph.p_offset;
		else
			sym.st_value -= ssh.sh_addr - ssh.sh_offset;
		dem = demangle(name, &d->odd);
		if (dem != NULL)
			name = dem;
		if (pf_symtab_add(&d->syms, sym.st_value,
		    sym.st_size ? sym.st_value + sym.st_size : sym.st_value,
		    bind_of(&sym), name, strlen(name)) != 0) {
			free(dem);
			return -1;
		}
		free(dem);
		nr++;
	}
	if (nr > 0)
		pf_symtab_fixup(&d->syms, 0);
	return nr;
}

/* PLT entries "name@plt", from the file that has the .dynsym. */
static void
load_plt(struct pf_dso *d, struct elf_src *run)
{
	GElf_Shdr rsh, psh;
	Elf_Scn *rel, *ss;
	Elf_Data *rdata, *syms, *strs;
	uint64_t off, entsize;
	size_t n, i;
	char buf[1024];

	if (run->dynsym == NULL)
		return;
	rel = section_by_name(run->elf, &run->eh, ".rela.plt", &rsh, NULL);
	if (rel == NULL)
		rel = section_by_name(run->elf, &run->eh, ".rel.plt", &rsh, NULL);
	if (rel == NULL || rsh.sh_link != run->dynidx)
		return;
	if (section_by_name(run->elf, &run->eh, ".plt", &psh, NULL) == NULL)
		return;
	if ((rdata = elf_getdata(rel, NULL)) == NULL ||
	    (syms = elf_getdata(run->dynsym, NULL)) == NULL ||
	    (ss = elf_getscn(run->elf, run->dynsh.sh_link)) == NULL ||
	    (strs = elf_getdata(ss, NULL)) == NULL || strs->d_size == 0 ||
	    rsh.sh_entsize == 0)
		return;
	n = rsh.sh_size / rsh.sh_entsize;
	switch (run->eh.e_machine) {
	case EM_ARM:
		off = 20;
		entsize = 12;
		break;
	case EM_AARCH64:
		off = 32;
		entsize = 16;
		break;
	case EM_SPARC:
		off = 48;
		entsize = 12;
		break;
	case EM_SPARCV9:
		off = 128;
		entsize = 32;
		break;
	default:
		off = psh.sh_entsize;
		entsize = psh.sh_entsize;
		break;
	}
	off += psh.sh_offset;
	if (rsh.sh_type != SHT_RELA && rsh.sh_type != SHT_REL)
		return;
	for (i = 0; i < n; i++) {
		GElf_Rela ra;
		GElf_Rel r;
		GElf_Sym sym;
		const char *name = "";
		char *dem;
		uint64_t info;
		int k;

		if (rsh.sh_type == SHT_RELA) {
			if (gelf_getrela(rdata, (int)i, &ra) == NULL)
				memset(&ra, 0, sizeof(ra));
			info = ra.r_info;
		} else {
			if (gelf_getrel(rdata, (int)i, &r) == NULL)
				memset(&r, 0, sizeof(r));
			info = r.r_info;
		}
		if (gelf_getsym(syms, (int)GELF_R_SYM(info), &sym) == NULL)
			memset(&sym, 0, sizeof(sym));
		if (sym.st_name < strs->d_size && strs->d_buf != NULL &&
		    memchr((char *)strs->d_buf + sym.st_name, '\0',
		    strs->d_size - sym.st_name) != NULL)
			name = (const char *)strs->d_buf + sym.st_name;
		dem = demangle(name, &d->odd);
		k = snprintf(buf, sizeof(buf), "%s@plt", dem != NULL ? dem : name);
		free(dem);
		if (k < 0)
			return;
		if ((size_t)k >= sizeof(buf))
			k = sizeof(buf) - 1;
		if (pf_symtab_add(&d->syms, off, entsize ? off + entsize : off,
		    PF_BIND_GLOBAL, buf, (size_t)k) != 0)
			return;
		off += entsize;
	}
}

/* ------------------------------------------------------------ candidates */

static void
hexid(const struct pf_dso *d, char *out)
{
	int i;

	for (i = 0; i < d->bid_len; i++)
		snprintf(out + 2 * i, 3, "%02x", d->bid[i]);
	out[2 * d->bid_len] = '\0';
}

/* The name in .gnu_debuglink of path, or -1. */
static int
debuglink(const char *path, char *out, size_t size)
{
	struct elf_src s;
	struct pf_dso none;
	GElf_Shdr sh;
	Elf_Scn *sec;
	Elf_Data *data;
	int rc = -1;

	memset(&none, 0, sizeof(none));
	if (src_open(&s, path, &none) != 0)
		return -1;
	sec = section_by_name(s.elf, &s.eh, ".gnu_debuglink", &sh, NULL);
	if (sec != NULL && (data = elf_getdata(sec, NULL)) != NULL && data->d_buf != NULL &&
	    data->d_size > 0) {
		size_t n = strnlen(data->d_buf, data->d_size);

		if (n < size) {
			memcpy(out, data->d_buf, n);
			out[n] = '\0';
			rc = 0;
		}
	}
	src_close(&s);
	return rc;
}

/* The file of candidate k (0..8) for d, or -1 when it has none. */
static int
candidate(const struct pf_dso *d, const struct pf_symsrc *src, int k, char *out,
    size_t size)
{
	char hex[41], dir[4096], link[4096];
	const char *slash;
	int n = -1, i;

	switch (k) {
	case 0:		/* .gnu_debuglink */
		if (debuglink(d->path, link, sizeof(link)) != 0)
			return -1;
		slash = strrchr(d->path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - d->path) : 0, d->path);
		for (i = 0; i < 4; i++) {
			if (i == 0)
				n = snprintf(out, size, "%s", link);
			else if (i == 1)
				n = snprintf(out, size, "%s/%s", dir, link);
			else if (i == 2)
				n = snprintf(out, size, "%s/.debug/%s", dir, link);
			else
				n = snprintf(out, size, "/usr/lib/debug%s/%s", dir, link);
			if (n > 0 && (size_t)n < size && is_regular(out))
				return 0;
		}
		return -1;
	case 1:		/* build-id cache */
	case 2:
		if (!d->has_bid)
			return -1;
		hexid(d, hex);
		n = snprintf(out, size, "%s/.build-id/%.2s/%s", src->buildid_dir, hex, hex + 2);
		if (n < 0 || (size_t)n >= size)
			return -1;
		if (!is_regular(out))
			n = snprintf(out + n, size - (size_t)n, "/%s",
			    d->vdso ? "vdso" : (k == 2 ? "debug" : "elf"));
		break;
	case 3:
		n = snprintf(out, size, "/usr/lib/debug%s.debug", d->path);
		break;
	case 4:
		n = snprintf(out, size, "/usr/lib/debug%s", d->path);
		break;
	case 5:
		if (!d->has_bid)
			return -1;
		hexid(d, hex);
		n = snprintf(out, size, "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
		break;
	case 6:
		n = snprintf(out, size, "%s", d->path);
		break;
	case 7:
		slash = strrchr(d->path, '/');
		if (slash == NULL)
			return -1;
		n = snprintf(out, size, "%.*s/.debug%s", (int)(slash - d->path), d->path, slash);
		break;
	case 8:
		if (strncmp(d->path, "/usr/lib/", 9) != 0)
			return -1;
		n = snprintf(out, size, "/usr/lib/debug%s", d->path + 4);
		break;
	}
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* ------------------------------------------------------------- perf maps */

static void
load_perfmap(struct pf_dso *d)
{
	FILE *f = fopen(d->path, "r");
	char *line = NULL, *p;
	size_t cap = 0, len, pos;
	ssize_t n;
	unsigned long long start, size;

	if (f == NULL)
		return;
	while ((n = getline(&line, &cap, f)) >= 0) {
		len = (size_t)n;
		if (len == 0)
			continue;
		line[--len] = '\0';
		/* "START SIZE NAME", hex, as strtoull reads it. */
		start = strtoull(line, &p, 16);
		pos = (size_t)(p - line) + 1;
		if (pos + 2 >= len || (n > 0 && (size_t)n < pos))
			continue;
		size = strtoull(line + pos, &p, 16);
		pos = (size_t)(p - line) + 1;
		if (pos + 2 >= len)
			continue;
		if (pf_symtab_add(&d->syms, start, size ? start + size : start,
		    PF_BIND_GLOBAL, line + pos, strlen(line + pos)) != 0)
			break;
	}
	free(line);
	fclose(f);
}

void
pf_dso_load_user(struct pf_dso *d, const struct pf_symsrc *src)
{
	struct elf_src ss[2], *syms = NULL, *run = NULL;
	char path[8192];
	int k, pos = 0, nr;

	if (d->loaded)
		return;
	d->loaded = 1;
	if (src->offline)
		return;
	elf_version(EV_CURRENT);
	if (d->perfmap) {
		load_perfmap(d);
		return;
	}
	if (d->vdso && !d->has_bid) {
		struct elf_src v;

		/* perf reads the build id of its copy of the running vdso. */
		if (src_open_vdso(&v, d) == 0) {
			int n = elf_build_id(v.elf, d->bid);

			if (n > 0) {
				d->has_bid = 1;
				d->bid_len = (uint8_t)n;
			}
			src_close(&v);
		}
	} else if (!d->has_bid && is_regular(d->path)) {
		int n = pf_elf_build_id(d->path, d->bid);

		if (n > 0) {
			d->has_bid = 1;
			d->bid_len = (uint8_t)n;
		}
	}
	for (k = 0; k <= 8 && pos < 2; k++) {
		struct elf_src *s = &ss[pos];
		int used = 0;

		if (d->vdso && k == 6) {
			/* "[vdso]" is no file: perf reads the running one. */
			if (src_open_vdso(s, d) != 0)
				continue;
		} else if (candidate(d, src, k, path, sizeof(path)) != 0 ||
		    !is_regular(path) || src_open(s, path, d) != 0) {
			continue;
		}
		if (syms == NULL && s->symtab != NULL) {
			syms = s;
			used = 1;
		}
		if (run == NULL && s->dynsym != NULL) {
			run = s;
			used = 1;
		}
		if (used) {
			pos++;
			if (syms != NULL && run != NULL)
				break;
		} else {
			src_close(s);
		}
	}
	if (syms == NULL)
		syms = run;
	if (run == NULL)
		run = syms;
	if (syms != NULL) {
		nr = 0;
		if (syms->symtab != NULL) {
			nr = load_pass(d, syms, run, 0);
			if (nr >= 0 && syms->dynsym != NULL) {
				int k2 = load_pass(d, syms, run, 1);

				nr = k2 < 0 ? k2 : nr + k2;
			}
		} else if (syms->dynsym != NULL) {
			nr = load_pass(d, syms, run, 1);
		}
		if (nr > 0)
			load_plt(d, run);
	}
	while (pos > 0)
		src_close(&ss[--pos]);
}

/* ----------------------------------------------------------------- kernel */

int
pf_host_kernel_build_id(uint8_t *bid)
{
	unsigned char buf[4096];
	size_t n, off = 0;
	int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return 0;
	k = read(fd, buf, sizeof(buf));
	close(fd);
	if (k <= 0)
		return 0;
	n = (size_t)k;
	while (off + 12 <= n) {
		uint32_t namesz, descsz, type;

		memcpy(&namesz, buf + off, 4);
		memcpy(&descsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		off += 12;
		if (namesz > n || descsz > n)
			return 0;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && off + 4 <= n &&
		    memcmp(buf + off, "GNU", 4) == 0) {
			off += 4;
			if (off + descsz > n)
				return 0;
			descsz = descsz < 20 ? descsz : 20;
			memcpy(bid, buf + off, descsz);
			return (int)descsz;
		}
		off += (namesz + 3) & ~3u;
		off += (descsz + 3) & ~3u;
	}
	return 0;
}

int
pf_kernel_image_present(const struct pf_dso *d, const struct pf_symsrc *src,
    const char *release)
{
	char path[8192], hex[41];
	static const char *const fmt[] = {
		"/boot/vmlinux-%s", "/usr/lib/debug/boot/vmlinux-%s",
		"/lib/modules/%s/build/vmlinux", "/usr/lib/debug/lib/modules/%s/vmlinux",
		"/usr/lib/debug/boot/vmlinux-%s.debug",
	};
	size_t i;

	if (src->offline)
		return 0;
	if (is_regular("vmlinux") || is_regular("/boot/vmlinux"))
		return 1;
	if (d->has_bid) {
		hexid(d, hex);
		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s/elf", src->buildid_dir,
		    hex, hex + 2);
		if (is_regular(path))
			return 1;
		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s", src->buildid_dir,
		    hex, hex + 2);
		if (is_regular(path))
			return 1;
	}
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]) && release != NULL && *release; i++) {
		snprintf(path, sizeof(path), fmt[i], release);
		if (is_regular(path))
			return 1;
	}
	return 0;
}

static int
kallsyms_keep(int type)
{
	type = toupper(type);
	return type == 'T' || type == 'W' || type == 'D' || type == 'B';
}

/* Drops module symbols (no module maps in this reader) and the x86-64
 * entry trampoline, as perf's maps__split_kallsyms() does. */
static int
split_drop(const struct pf_sym *s, void *arg)
{
	PF_UNUSED(arg);
	return strchr(s->name, '\t') != NULL ||
	    strcmp(s->name, "__entry_SYSCALL_64_trampoline") == 0;
}

int
pf_dso_load_kallsyms(struct pf_dso *d, const struct pf_symsrc *src,
    const char *ref_name, uint64_t ref_addr, uint64_t *firstp, uint64_t *lastp)
{
	char path[8192], hex[41], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	uint64_t ref_now = 0;
	int have_ref = 0;
	struct first_last { uint64_t a, b; int any; } fl = { 0, 0, 0 };

	d->loaded = 1;
	if (src->offline)
		return -1;
	if (d->has_bid && !src->host_kernel) {
		hexid(d, hex);
		snprintf(path, sizeof(path), "%s/[kernel.kallsyms]/%s/kallsyms",
		    src->buildid_dir, hex);
		if (!is_regular(path))
			return -1;
	} else {
		snprintf(path, sizeof(path), "/proc/kallsyms");
	}
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		unsigned long long a;
		char *p, *name;
		size_t len = (size_t)n;
		int type;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		a = strtoull(line, &p, 16);
		if (p == line || *p != ' ' || p[1] == '\0' || p[2] != ' ')
			continue;
		type = (unsigned char)p[1];
		name = p + 3;
		len -= (size_t)(name - line);
		if (ref_name != NULL && !have_ref && strcmp(name, ref_name) == 0) {
			ref_now = a;
			have_ref = 1;
		}
		if (!kallsyms_keep(type) || name[0] == '$')
			continue;
		if (pf_symtab_add(&d->syms, a, a, toupper(type) == 'W' ? PF_BIND_WEAK :
		    (isupper(type) ? PF_BIND_GLOBAL : PF_BIND_LOCAL), name, len) != 0)
			break;
	}
	free(line);
	fclose(f);
	if (ref_name != NULL && !have_ref)
		return -1;
	pf_symtab_fixup(&d->syms, 1);
	pf_symtab_filter(&d->syms, split_drop, NULL);
	if (have_ref && ref_now != ref_addr)
		pf_symtab_shift(&d->syms, ref_now - ref_addr);
	{
		size_t i;

		for (i = 0; i < d->syms.n; i++) {
			const struct pf_sym *s = &d->syms.s[i];

			if (s->dead)
				continue;
			if (!fl.any || s->start < fl.a)
				fl.a = s->start;
			if (!fl.any || s->end > fl.b)
				fl.b = s->end;
			fl.any = 1;
		}
	}
	*firstp = fl.a;
	*lastp = fl.b;
	return fl.any ? 0 : -1;
}
