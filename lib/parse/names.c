/*
 * names.c - frame names tidied the way users of each platform expect.
 *
 * One function is one frame whichever profiler recorded it, so every
 * parser of a format that prints symbols as text (perf script and
 * perf.data, DTrace, bpftrace, Instruments) sends its names through here:
 *
 *  - legacy-mangled Rust ("_$LT$impl$u20$core..cmp..PartialOrd$u20$for$u20$
 *    i32$GT$::lt::h83a6ff38d43e0d55", or the raw "_ZN...17h<hash>E") is
 *    demangled and loses its "::h<hash>", which differs between builds of
 *    the same code;
 *  - a trailing parameter list ("JavaThread::run()", Java's
 *    "call(Ljava/lang/Object;)V") is cut, as FlameGraph's stackcollapse
 *    scripts do, without cutting C++ names inside template arguments;
 *  - the "caller->inlined" chains of old perf and of DTrace's Java frames
 *    are split into frames of their own, the inlined ones marked "_[i]".
 *
 * Every function here only shortens a name, so a caller can tidy in place.
 */
#include <ctype.h>

#include "internal.h"

static int
is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static int
is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* ------------------------------------------------------------------ Rust */

/* Whether s[0..n-1] is "h" and 16 lower-case hex digits: a Rust hash. */
static int
is_rust_hash(const char *s, size_t n)
{
	size_t i;

	if (n != 17 || s[0] != 'h')
		return 0;
	for (i = 1; i < n; i++)
		if (!is_lower_hex(s[i]))
			return 0;
	return 1;
}

/* The length of s without the ".llvm.NNN" suffix that LTO appends, or
 * " (.llvm.NNN)" as illumos' DTrace prints it. */
static size_t
strip_llvm_suffix(const char *s, size_t n)
{
	size_t i, m = n;

	if (m > 0 && s[m - 1] == ')')
		m--;
	i = m;
	while (i > 0 && (isxdigit((unsigned char)s[i - 1]) || s[i - 1] == '@'))
		i--;
	if (i == m || i < 6 || memcmp(s + i - 6, ".llvm.", 6) != 0)
		return n;
	i -= 6;
	if (m == n)
		return i;
	return i >= 2 && s[i - 1] == '(' && s[i - 2] == ' ' ? i - 2 : n;
}

/* Appends the UTF-8 encoding of code point c (not a surrogate) at out. */
static size_t
put_utf8(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Decodes the escapes of one legacy Rust path element s[0..n-1] into out
 * (which may be s itself: the output is never longer): "$LT$" '<', "$GT$"
 * '>', "$LP$" '(', "$RP$" ')', "$C$" ',', "$RF$" '&', "$BP$" '*', "$SP$"
 * '@', "$uXX$" the code point XX, ".." "::"; an element that starts with
 * "_$" loses the '_' rustc adds so that it starts with a letter.  An
 * unknown escape is kept as it is.
 */
static size_t
rust_element(const char *s, size_t n, char *out)
{
	static const struct {
		const char *code;
		char c;
	} esc[] = {
		{ "LT", '<' }, { "GT", '>' }, { "LP", '(' }, { "RP", ')' },
		{ "C", ',' }, { "RF", '&' }, { "BP", '*' }, { "SP", '@' },
	};
	size_t i = 0, o = 0, k, e;

	if (n >= 2 && s[0] == '_' && s[1] == '$')
		i = 1;
	while (i < n) {
		if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') {
			out[o++] = ':';
			out[o++] = ':';
			i += 2;
			continue;
		}
		if (s[i] != '$') {
			out[o++] = s[i++];
			continue;
		}
		for (e = i + 1; e < n && s[e] != '$'; e++)
			;
		if (e >= n) {
			out[o++] = s[i++];
			continue;
		}
		for (k = 0; k < sizeof(esc) / sizeof(esc[0]); k++)
			if (e - i - 1 == strlen(esc[k].code) &&
			    memcmp(s + i + 1, esc[k].code, e - i - 1) == 0)
				break;
		if (k < sizeof(esc) / sizeof(esc[0])) {
			out[o++] = esc[k].c;
			i = e + 1;
			continue;
		}
		if (s[i + 1] == 'u' && e - i - 2 >= 1 && e - i - 2 <= 6) {
			unsigned long c = 0;
			size_t d;

			for (d = i + 2; d < e && is_lower_hex(s[d]); d++)
				c = c * 16 + (unsigned long)(isdigit((unsigned char)s[d]) ?
				    s[d] - '0' : s[d] - 'a' + 10);
			/* Control characters and surrogates stay escaped. */
			if (d == e && c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) &&
			    !(c >= 0xd800 && c < 0xe000) && c <= 0x10ffff) {
				o += put_utf8(out + o, c);
				i = e + 1;
				continue;
			}
		}
		out[o++] = s[i++];
	}
	return o;
}

/*
 * Raw legacy Rust "_ZN" LEN NAME ... "17h" HASH "E": the elements joined
 * with "::", decoded, without the hash, into out (room for n bytes).
 * Returns the length, or 0 when s is not such a symbol.
 */
static size_t
rust_raw(const char *s, size_t n, char *out)
{
	size_t i = 3, o = 0, len = 0, last = 0, last_o = 0;
	int elems = 0;

	if (!pf_mem_starts(s, n, "_ZN") || s[n - 1] != 'E')
		return 0;
	n--;
	while (i < n) {
		if (!isdigit((unsigned char)s[i]) || s[i] == '0')
			return 0;
		for (len = 0; i < n && isdigit((unsigned char)s[i]); i++) {
			len = len * 10 + (size_t)(s[i] - '0');
			if (len > n)
				return 0;
		}
		if (len > n - i)
			return 0;
		last = i;
		last_o = o;
		if (elems++ > 0) {
			out[o++] = ':';
			out[o++] = ':';
		}
		o += rust_element(s + i, len, out + o);
		i += len;
	}
	if (elems < 2 || len != 17 || !is_rust_hash(s + last, 17))
		return 0;
	return last_o;
}

/*
 * Legacy Rust names, in place: the raw "_ZN...E" form, or the form with
 * "::" that C++ demanglers (DTrace, bpftrace, perf without Rust support)
 * and perf's own Rust demangler print, still ending in "::h<hash>".  Other
 * names are left alone: without the hash nothing says that "$LT$" is an
 * escape.  Returns the new length.
 */
static size_t
rust_demangle(char *s, size_t n)
{
	char tmp[1024];
	size_t m = strip_llvm_suffix(s, n), i, start, o, sep;

	if (m > 20 && s[0] == '_' && s[1] == 'Z' && m <= sizeof(tmp) &&
	    (o = rust_raw(s, m, tmp)) > 0) {
		memcpy(s, tmp, o);
		return o;
	}
	if (m < 20 || s[m - 19] != ':' || s[m - 18] != ':' || !is_rust_hash(s + m - 17, 17))
		return n;
	m -= 19;
	/* Element by element, so that only an element's own "_$" loses its
	 * '_'; "`" ends DTrace's module prefix. */
	for (start = o = 0;; start = i + sep) {
		for (i = start; i < m && s[i] != '`' &&
		    !(s[i] == ':' && i + 1 < m && s[i + 1] == ':'); i++)
			;
		o += rust_element(s + start, i - start, s + o);
		if (i == m)
			break;
		sep = s[i] == '`' ? 1 : 2;
		memmove(s + o, s + i, sep);
		o += sep;
	}
	return o;
}

/* ------------------------------------------------------- parameter lists */

size_t
pf_name_params(const char *s, size_t n)
{
	size_t i = 0, j;
	int angle = 0, brace = 0, depth;

	while (i < n) {
		char c = s[i];

		if (c == 'o' && (i == 0 || !is_ident(s[i - 1])) &&
		    pf_mem_starts(s + i, n - i, "operator") &&
		    (i + 8 == n || !is_ident(s[i + 8]))) {
			int k = 0;

			i += 8;
			while (i < n && s[i] == ' ')
				i++;
			if (i + 1 < n && ((s[i] == '(' && s[i + 1] == ')') ||
			    (s[i] == '[' && s[i + 1] == ']'))) {
				i += 2;
				continue;
			}
			while (i < n && k < 3 && strchr("<>=!+-*/%^&|~,", s[i]) != NULL &&
			    s[i] != '\0') {
				i++;
				k++;
			}
			continue;
		}
		if (c == '<') {
			angle++;
		} else if (c == '>') {
			if (angle > 0 && !(i > 0 && s[i - 1] == '-'))
				angle--;
		} else if (c == '{') {
			brace++;
		} else if (c == '}') {
			if (brace > 0)
				brace--;
		} else if (c == '(' && angle == 0 && brace == 0) {
			if (pf_mem_starts(s + i, n - i, "(anonymous namespace)")) {
				i += 21;
				continue;
			}
			for (depth = 0, j = i; j < n; j++) {
				if (s[j] == '(')
					depth++;
				else if (s[j] == ')' && --depth == 0)
					break;
			}
			if (j >= n)
				return i;	/* unbalanced: a truncated signature */
			if (j + 1 < n && (s[j + 1] == '.' ||
			    (s[j + 1] == ':' && j + 2 < n && s[j + 2] == ':'))) {
				i = j + 1;
				continue;
			}
			return i;
		}
		i++;
	}
	return n;
}

/* --------------------------------------------------------------- the tidy */

size_t
pf_name_tidy(char *s, size_t n, unsigned flags)
{
	size_t i, o, cut;

	for (i = 0; i < n; i++)
		if (s[i] == ';')
			s[i] = ':';
	if (flags & PF_NAME_QUOTES) {
		for (i = o = 0; i < n; i++)
			if (s[i] != '"' && s[i] != '\'')
				s[o++] = s[i];
		n = o;
	}
	/* After the quotes: a lifetime's "'" is escaped until here. */
	if (flags & PF_NAME_RUST)
		n = rust_demangle(s, n);
	if (flags & PF_NAME_PARAMS) {
		cut = pf_name_params(s, n);
		if (cut < n) {
			/* "f (int)" -> "f", not "f " with an invisible blank. */
			n = cut;
			while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
		}
	}
	/* Java: "Lorg/foo/Bar:.baz" -> "org/foo/Bar:.baz". */
	if ((flags & PF_NAME_JAVA) && n > 0 && s[0] == 'L' && memchr(s, '/', n) != NULL) {
		memmove(s, s + 1, n - 1);
		n--;
	}
	return n;
}

size_t
pf_name_arrow(const char *s, size_t n)
{
	const char *a = memmem(s, n, "->", 2);

	/* "operator->" is a name, not an inline arrow. */
	while (a != NULL && a - s >= 8 && memcmp(a - 8, "operator", 8) == 0)
		a = memmem(a + 2, n - (size_t)(a + 2 - s), "->", 2);
	return a != NULL ? (size_t)(a - s) : n;
}

/* -------------------------------------------------------------- perf dsos */

int
pf_name_kernel_dso(const char *m, size_t n)
{
	const char *base = m;
	size_t i, bn;

	if (n > 0 && m[0] == '[')
		return memmem(m, n, "unknown", 7) == NULL;
	for (i = 0; i < n; i++)
		if (m[i] == '/')
			base = m + i + 1;
	bn = n - (size_t)(base - m);
	if (pf_mem_ends(m, n, "vmlinux") || pf_mem_starts(base, bn, "vmlinux-"))
		return 1;
	return pf_mem_ends(m, n, ".ko") || pf_mem_ends(m, n, ".ko.xz") ||
	    pf_mem_ends(m, n, ".ko.gz") || pf_mem_ends(m, n, ".ko.zst");
}

int
pf_name_jit_dso(const char *m, size_t n)
{
	const char *s = memmem(m, n, "/tmp/perf-", 10), *base = m;
	size_t i, bn;

	if (s != NULL) {
		s += 10;
		i = 0;
		while (s + i < m + n && isdigit((unsigned char)s[i]))
			i++;
		if (i > 0 && (size_t)(m + n - (s + i)) >= 4 && memcmp(s + i, ".map", 4) == 0)
			return 1;
	}
	for (i = 0; i < n; i++)
		if (m[i] == '/')
			base = m + i + 1;
	bn = n - (size_t)(base - m);
	if (!pf_mem_starts(base, bn, "jitted-") || !pf_mem_ends(base, bn, ".so"))
		return 0;
	for (i = 7; i < bn - 3; i++)
		if (!isdigit((unsigned char)base[i]) && base[i] != '-')
			return 0;
	return bn > 10;
}

/* ------------------------------------------------------------ perf frames */

/* Appends s[0..n-1] to *buf at *len. */
static int
put(char **buf, size_t *cap, size_t *len, const char *s, size_t n)
{
	if (pf_grow(buf, cap, *len + n + 1, 1) != 0)
		return -1;
	memcpy(*buf + *len, s, n);
	*len += n;
	return 0;
}

long
pf_perf_frame_name(char **buf, size_t *cap, const char *sym, size_t slen,
    const char *dso, size_t dlen, const char *addr, size_t alen, int inlined,
    int java, const struct pf_perf_options *o)
{
	size_t len = 0, i;
	int unknown = slen == 0 || (slen == 9 && memcmp(sym, "[unknown]", 9) == 0);

	if (unknown) {
		/* "[unknown] (/usr/lib/libfoo.so)" -> "[libfoo.so]". */
		const char *base = "unknown";
		size_t bn = 7;

		if (dso != NULL && !(dlen == 9 && memcmp(dso, "[unknown]", 9) == 0)) {
			base = dso;
			bn = dlen;
			for (i = 0; i < dlen; i++)
				if (dso[i] == '/') {
					base = dso + i + 1;
					bn = dlen - i - 1;
				}
		}
		if (put(buf, cap, &len, "[", 1) || put(buf, cap, &len, base, bn))
			return -1;
		if (o->include_addrs && (put(buf, cap, &len, " <", 2) ||
		    put(buf, cap, &len, addr, alen) || put(buf, cap, &len, ">", 1)))
			return -1;
		if (put(buf, cap, &len, "]", 1))
			return -1;
		/* A file name in brackets has no parameter list to cut. */
		len = pf_name_tidy(*buf, len, PF_NAME_QUOTES);
	} else {
		if (put(buf, cap, &len, sym, slen))
			return -1;
		len = pf_name_tidy(*buf, len, PF_NAME_RUST | PF_NAME_PARAMS |
		    PF_NAME_QUOTES | (java ? PF_NAME_JAVA : 0));
	}
	if (inlined) {
		if (put(buf, cap, &len, "_[i]", 4))
			return -1;
	} else if (o->annotate_kernel && dso != NULL && pf_name_kernel_dso(dso, dlen)) {
		if (put(buf, cap, &len, "_[k]", 4))
			return -1;
	} else if (o->annotate_jit && dso != NULL && pf_name_jit_dso(dso, dlen)) {
		if (put(buf, cap, &len, "_[j]", 4))
			return -1;
	}
	return (long)len;
}
