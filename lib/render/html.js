// The flame graph viewer of pf-html's pages.
//
// The page holds its data as JSON in a script element of type
// application/json, which the browser does not run; the frames are in it
// packed (see unpack): the distinct frame names once each, and the tree in
// preorder as arrays (name id, levels up from the previous frame, own
// count).  Everything here draws on canvases the size of the window; names
// are only ever canvas text or DOM textContent, cut for display when they
// are long.  Nothing is fetched; searches run in a worker made from a
// blob, stopped when they take too long, so that no pattern can hang the
// page.
(async function () {
"use strict";

const data = JSON.parse(document.getElementById("pf-data").textContent);

// The frames of the page: base64 of gzip'ed bytes, in which every number
// is a LEB128 (7 bits a byte, low first): the number of names, the names
// in UTF-8 each ended by a NUL, the number of frames n, then n name ids,
// n "up"s and n own counts (and n "before" ones in a differential
// profile).  A count is twice the number, or an odd 2k + 1 for the k-th
// of the decimal texts at the end (each ended by a NUL).
async function unpack(b64) {
	let z;
	if (typeof Uint8Array.fromBase64 === "function") {
		z = Uint8Array.fromBase64(b64);
	} else {
		const s = atob(b64);
		z = new Uint8Array(s.length);
		for (let i = 0; i < s.length; i++) z[i] = s.charCodeAt(i);
	}
	const b = await gunzip(z);
	const one = new Float64Array(1);
	let p = leb128(b, 0, one, 1);
	const nnames = one[0], start = p;
	for (let k = 0; k < nnames; k++) {
		p = b.indexOf(0, p) + 1;
		if (p === 0) throw new Error("the names end early");
	}
	const names = nnames ? new TextDecoder().decode(b.subarray(start, p - 1)).split("\0") : [];
	p = leb128(b, p, one, 1);
	const n = one[0];
	if (n < 1) throw new Error("no frames");
	const name = new Uint32Array(n), up = new Uint32Array(n), self = new Float64Array(n);
	const before = data.differential ? new Float64Array(n) : null;
	p = leb128(b, p, name, n);
	for (let i = 0; i < n; i++)
		if (name[i] >= nnames) throw new Error("a frame's name is out of range");
	p = leb128(b, p, up, n);
	// The depths, in place of the "up"s: a frame other than the root is
	// at least one level down.
	const depth = up;
	for (let i = 1; i < n; i++) {
		if (up[i] > depth[i - 1]) throw new Error("a frame's depth is out of range");
		depth[i] = depth[i - 1] + 1 - up[i];
	}
	if (n > 0 && depth[0] !== 0) throw new Error("the first frame is not the root");
	p = counts(b, p, self, n);
	if (before) p = counts(b, p, before, n);
	if (p > b.length) throw new Error("the frames end early");
	let texts = null;
	for (const a of before ? [self, before] : [self]) {
		for (let i = 0; i < n; i++) {
			if (a[i] >= 0) continue;
			if (!texts) texts = new TextDecoder().decode(b.subarray(p)).split("\0").map(Number);
			a[i] = texts[-a[i] - 1];
		}
	}
	return { names, name, depth, self, before };
}

// The bytes of a gzip stream, inflated by the browser.
async function gunzip(z) {
	const ds = new DecompressionStream("gzip"), w = ds.writable.getWriter();
	w.write(z).catch(() => {});
	w.close().catch(() => {});
	const r = ds.readable.getReader(), parts = [];
	let size = 0;
	for (;;) {
		const { done, value } = await r.read();
		if (done) break;
		parts.push(value);
		size += value.length;
	}
	const b = new Uint8Array(size);
	size = 0;
	for (const c of parts) {
		b.set(c, size);
		size += c.length;
	}
	return b;
}

// Reads n packed counts at b[p] into out: twice the count, or 2k + 1 for
// the k-th text, kept as -(k + 1) until the texts are read.
function counts(b, p, out, n) {
	p = leb128(b, p, out, n);
	for (let i = 0; i < n; i++) {
		const h = out[i] / 2, f = Math.floor(h);
		out[i] = h === f ? h : -(f + 1);
	}
	return p;
}

// Reads n LEB128 numbers at b[p] into out; returns the position after them.
function leb128(b, p, out, n) {
	for (let i = 0; i < n; i++) {
		let c = b[p++];
		if (c < 128) {
			out[i] = c;
			continue;
		}
		let v = c & 127, m = 128;
		do {
			if (p >= b.length) throw new Error("the frames end early");
			c = b[p++];
			v += (c & 127) * m;
			m *= 128;
		} while (c >= 128);
		out[i] = v;
	}
	return p;
}

// A page that cannot be read says so.
function fail(what) {
	const e = document.createElement("p");
	e.className = "empty";
	e.textContent = what;
	document.body.append(e);
	window.pfHtml = { ready: true, failed: what };
}
let frames = null;
if (!data.empty) {
	if (typeof DecompressionStream !== "function") {
		fail("This page needs a newer browser (one with DecompressionStream: Chrome 80, " +
		    "Firefox 113, Safari 16.4 or later).");
		return;
	}
	try {
		frames = await unpack(data.frames || "");
	} catch (e) {
		fail("This page's data is damaged: " + e.message + ".");
		return;
	}
}

const ROW = 16, PAD = 4, MINPX = 1, FONT = "12px Verdana, DejaVu Sans, sans-serif";
// The frame names; transforms that collapse a module add its name.
const names = frames ? frames.names : [];
const diff = !!data.differential;
const countname = data.countname || "samples";

function el(tag, cls, text) {
	const e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined) e.textContent = text;
	return e;
}

// ------------------------------------------------------------ long names

// Names are shown whole up to DISP characters; longer ones are cut in the
// middle ("head…tail"), so that a megabyte of name costs nothing to lay
// out.  The whole name is one action away (showFullName).
const DISP = 200;
const dnames = [];
function cutAt(s, k) {
	// Never between the two halves of a surrogate pair.
	const c = s.charCodeAt(k);
	return c >= 0xdc00 && c <= 0xdfff ? k - 1 : k;
}
function disp(s) {
	if (s.length <= DISP) return s;
	return s.slice(0, cutAt(s, 150)) + "\u2026" + s.slice(cutAt(s, s.length - 40));
}
function dname(k) {
	let s = dnames[k];
	if (s === undefined) s = dnames[k] = disp(names[k]);
	return s;
}
function isCut(k) {
	return names[k].length > DISP;
}

// ------------------------------------------------------------------ units

// --countname ns, us, ms or s shows counts as times, bytes as sizes; any
// other name is shown after the number.
const TIME = { ns: 1e-9, us: 1e-6, "\u00b5s": 1e-6, ms: 1e-3, s: 1 }[countname];
const BYTES = countname === "bytes" || countname === "B";

function num(v) {
	return v.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

// Three significant digits, trailing zeros dropped: 1.24, 3.1, 512.
function sig3(v) {
	return String(Number(v.toPrecision(3)));
}

function withUnit(v) {
	const a = Math.abs(v);
	if (TIME !== undefined) {
		const s = a * TIME;
		if (s === 0) return "0 s";
		if (s >= 1) return sig3(s) + " s";
		if (s >= 1e-3) return sig3(s * 1e3) + " ms";
		if (s >= 1e-6) return sig3(s * 1e6) + " \u00b5s";
		return sig3(s * 1e9) + " ns";
	}
	if (BYTES) {
		const u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
		let x = a, i = 0;
		while (x >= 1024 && i < u.length - 1) { x /= 1024; i++; }
		return (i === 0 ? num(x) : sig3(x)) + " " + u[i];
	}
	return null;
}

// A count for text: "1.24 s", "3.1 MiB" or "1,234 samples".
function fmtCount(v) {
	const u = withUnit(v);
	return (v < 0 ? "-" : "") + (u !== null ? u : num(Math.abs(v)) + " " + countname);
}

// A count in a table cell, where the column says what it counts.
function fmtCell(v) {
	const u = withUnit(v);
	return (v < 0 ? "-" : "") + (u !== null ? u : num(Math.abs(v)));
}

function signed(s, v) {
	return (v > 0 ? "+" : "") + s;
}

// A relative change in percent, with a sign: "+5.4%", "-0.04%".
function relPct(dv, before) {
	const r = 100 * dv / before;
	return signed((Math.abs(r) < 0.1 ? r.toFixed(2) : r.toFixed(1)) + "%", dv);
}

function pct(v, of) {
	return of > 0 ? (100 * v / of).toFixed(2) + "%" : "0.00%";
}

// ------------------------------------------------------------------ trees

// A tree: frames in preorder with their name id, depth, parent, subtree
// end (exclusive), own and total counts (and the "before" ones of a
// differential profile), and x, the count offset of the frame's left edge.
function finishTree(name, depth, self, selfB) {
	const n = name.length;
	const parent = new Int32Array(n), end = new Uint32Array(n);
	const total = self.slice(), x = new Float64Array(n);
	const totalB = selfB ? selfB.slice() : null;
	let maxDepth = 0;
	for (let i = 0; i < n; i++)
		if (depth[i] > maxDepth) maxDepth = depth[i];
	// One pass: the path to frame i is open on the stack; a frame closed
	// has its total, which goes to its parent, and the next frame at its
	// depth starts where it ends (children follow their parent left to
	// right).
	const stack = new Int32Array(maxDepth + 1), next = new Float64Array(maxDepth + 2);
	let sp = 0;
	for (let i = 0; i <= n; i++) {
		const d = i < n ? depth[i] : 0;
		while (sp > d || (i === n && sp > 0)) {
			const j = stack[--sp];
			end[j] = i;
			next[sp] = x[j] + total[j];
			if (sp > 0) {
				const p = stack[sp - 1];
				total[p] += total[j];
				if (totalB) totalB[p] += totalB[j];
			}
		}
		if (i === n) break;
		parent[i] = sp ? stack[sp - 1] : -1;
		x[i] = d === 0 ? 0 : next[d];
		next[d + 1] = x[i];
		stack[sp++] = i;
	}
	const t = { n, name, depth, parent, end, self, selfB, total, totalB, x, maxDepth };
	if (diff) {
		t.dSelf = new Float64Array(n);
		t.dIncl = new Float64Array(n);
		t.maxSelf = 0;
		t.maxIncl = 0;
		for (let i = 0; i < n; i++) {
			t.dSelf[i] = self[i] - selfB[i];
			t.dIncl[i] = total[i] - totalB[i];
			t.maxSelf = Math.max(t.maxSelf, Math.abs(t.dSelf[i]));
			t.maxIncl = Math.max(t.maxIncl, Math.abs(t.dIncl[i]));
		}
	}
	return t;
}

function mainTree() {
	return finishTree(frames.name, frames.depth, frames.self, frames.before);
}

// Merges paths of name ids into a new tree, children sorted by name; in a
// flame chart (ordered) a frame merges only with its parent's last child,
// so that the time order stays.
class Builder {
	constructor(root, ordered) {
		this.name = [root];
		this.parent = [-1];
		this.self = [0];
		this.selfB = [0];
		this.kids = new Map();
		this.last = [-1];
		this.ordered = !!ordered;
	}
	child(p, nm) {
		let c;
		if (this.ordered) {
			c = this.last[p];
			if (c >= 0 && this.name[c] === nm) return c;
		} else {
			c = this.kids.get(p * names.length + nm);
			if (c !== undefined) return c;
		}
		c = this.name.length;
		this.name.push(nm);
		this.parent.push(p);
		this.self.push(0);
		this.selfB.push(0);
		this.last.push(-1);
		if (this.ordered) this.last[p] = c;
		else this.kids.set(p * names.length + nm, c);
		return c;
	}
	add(node, a, b) {
		this.self[node] += a;
		this.selfB[node] += b;
	}
	finish() {
		const m = this.name.length, kids = [];
		for (let i = 0; i < m; i++) kids.push([]);
		for (let i = 1; i < m; i++) kids[this.parent[i]].push(i);
		const byName = (a, b) => {
			const x = names[this.name[a]], y = names[this.name[b]];
			return x < y ? -1 : x > y ? 1 : 0;
		};
		const name = new Uint32Array(m), depth = new Uint32Array(m);
		const self = new Float64Array(m), selfB = diff ? new Float64Array(m) : null;
		const stack = [[0, 0]];
		let o = 0;
		while (stack.length) {
			const [v, d] = stack.pop();
			name[o] = this.name[v];
			depth[o] = d;
			self[o] = this.self[v];
			if (selfB) selfB[o] = this.selfB[v];
			o++;
			const k = this.ordered ? kids[v] : kids[v].sort(byName);
			for (let j = k.length - 1; j >= 0; j--) stack.push([k[j], d + 1]);
		}
		return finishTree(name, depth, self, selfB);
	}
}

function selfB(t, i) {
	return t.selfB ? t.selfB[i] : 0;
}

// Every stack leaf first: the callers view of the whole profile.
function reversedTree(t) {
	const b = new Builder(t.name[0]);
	for (let i = 1; i < t.n; i++) {
		if (t.self[i] === 0 && selfB(t, i) === 0) continue;
		let node = 0;
		for (let v = i; v > 0; v = t.parent[v]) node = b.child(node, t.name[v]);
		b.add(node, t.self[i], selfB(t, i));
	}
	return b.finish();
}

// The outermost frames of function nm: those without an ancestor of it.
function outermost(t, nm) {
	const out = [];
	for (let i = 0; i < t.n; ) {
		if (t.name[i] === nm) {
			out.push(i);
			i = t.end[i];
		} else {
			i++;
		}
	}
	return out;
}

// The sandwich of function nm: its callers merged into one tree rooted at
// it (callers above), and its callees merged likewise.
function sandwich(t, nm) {
	const callers = new Builder(nm), callees = new Builder(nm);
	const map = new Int32Array(t.n);
	for (const v of outermost(t, nm)) {
		let node = 0;
		for (let p = t.parent[v]; p > 0; p = t.parent[p]) node = callers.child(node, t.name[p]);
		callers.add(node, t.total[v], t.totalB ? t.totalB[v] : 0);
		map[v] = 0;
		callees.add(0, t.self[v], selfB(t, v));
		for (let u = v + 1; u < t.end[v]; u++) {
			map[u] = callees.child(map[t.parent[u]], t.name[u]);
			callees.add(map[u], t.self[u], selfB(t, u));
		}
	}
	return { callers: callers.finish(), callees: callees.finish() };
}

// Self and total per function (and the "before" ones); a total counts
// each sample once even when the function recurses.
function functionTable(t) {
	const m = names.length, self = new Float64Array(m), total = new Float64Array(m);
	const selfBf = diff ? new Float64Array(m) : null, totalBf = diff ? new Float64Array(m) : null;
	const active = new Uint32Array(m), stack = [];
	for (let i = 0; i < t.n; i++) {
		while (stack.length > t.depth[i]) active[t.name[stack.pop()]]--;
		const nm = t.name[i];
		self[nm] += t.self[i];
		if (diff) selfBf[nm] += t.selfB[i];
		if (active[nm] === 0) {
			total[nm] += t.total[i];
			if (diff) totalBf[nm] += t.totalB[i];
		}
		active[nm]++;
		stack.push(i);
	}
	const rows = [];
	for (let k = 0; k < m; k++)
		if (total[k] > 0 || self[k] > 0 || (diff && (totalBf[k] > 0 || selfBf[k] > 0)))
			rows.push(k);
	return { self, total, selfB: selfBf, totalB: totalBf, rows };
}

// ------------------------------------------------------------- transforms

// The operations of pf-merge's options, applied in the page: each makes a
// new tree from the one before.  focus keeps the stacks through a function,
// starting them there (--focus); merge folds a function into its callers;
// drop removes the stacks through a function (--exclude); recursion
// collapses a function calling itself (all functions for "",
// --collapse-recursion); module collapses the frames of a module, class
// or file into one frame; root keeps one root frame (a thread or process
// of a profile folded with --pid or --tid).
const KINDS = {
	focus: "Focus on", merge: "Merged into callers:", drop: "Dropped", recursion: "Recursion collapsed:",
	module: "Collapsed", root: "Only",
};

// The modules a frame belongs to, narrowest first: the file of a location
// ("f (a/b.py:12)", "f a/b.js:3:1") and its directories, the module of
// "mod`f", or the namespaces, classes and packages of a qualified name
// ("std::vector<int>::push_back", "java/util/HashMap.get",
// "net/http.(*conn).serve").
const chains = [];
function moduleChain(k) {
	if (chains[k] !== undefined) return chains[k];
	const s = names[k], out = [];
	let m;
	if (s.length > 4096 || /^\[.*\]$/.test(s)) {
		// Too long to be a qualified name; [unknown] and [lib.so] are none.
	} else if ((m = /^([^`]+)`/.exec(s)) !== null) {
		out.push(m[1]);
	} else if ((m = /(?: \(| )((?:[A-Za-z]:)?[^ ()]*[/.][^ ()]*?)(?::\d+)+\)?$/.exec(s)) !== null) {
		let p = m[1];
		out.push(p);
		for (let i = p.lastIndexOf("/"); i > 0 && out.length < 4; i = p.lastIndexOf("/")) {
			p = p.slice(0, i);
			out.push(p);
		}
	} else {
		let body = s, depth = 0;
		if (body.endsWith(")")) {
			// The argument list of a C++ or Rust signature.
			for (let i = body.length - 1; i >= 0; i--) {
				const c = body[i];
				if (c === ")") depth++;
				else if (c === "(" && --depth === 0) { body = body.slice(0, i); break; }
			}
		}
		const cuts = [];
		depth = 0;
		for (let i = 0; i < body.length; i++) {
			const c = body[i];
			if (c === "<" || c === "(" || c === "[") depth++;
			else if ((c === ">" || c === ")" || c === "]") && depth > 0) depth--;
			else if (depth === 0 && i > 0) {
				if (c === ":" && body[i + 1] === ":") { cuts.push(i); i++; }
				else if (c === "." || c === "/") cuts.push(i);
			}
		}
		for (let j = cuts.length - 1; j >= 0 && out.length < 4; j--)
			if (cuts[j] > 0) out.push(body.slice(0, cuts[j]));
	}
	chains[k] = out;
	return out;
}

const nameIds = new Map();
function nameId(s) {
	if (nameIds.size === 0) for (let k = 0; k < names.length; k++) nameIds.set(names[k], k);
	let k = nameIds.get(s);
	if (k === undefined) {
		k = names.length;
		names.push(s);
		nameIds.set(s, k);
		palette.push(0xc8c8c8);
	}
	return k;
}

// The tree t with one transform applied, or t when it changes nothing
// (a name the profile does not have).
function transformed(t, tr) {
	const every = tr.kind === "recursion" && tr.name === "";
	const want = every ? -1 : names.indexOf(tr.name);
	let inModule = null, modId = -1;
	if (tr.kind === "module") {
		inModule = new Uint8Array(names.length);
		for (let k = 0; k < names.length; k++) inModule[k] = moduleChain(k).includes(tr.name) ? 1 : 0;
		modId = nameId(tr.name);
	} else if (want < 0 && !every) {
		return t;
	}
	const b = new Builder(t.name[0], data.flamechart);
	const map = new Int32Array(t.n);
	map[0] = tr.kind === "focus" ? -1 : 0;
	if (tr.kind !== "focus") b.add(0, t.self[0], selfB(t, 0));
	for (let i = 1; i < t.n; i++) {
		const nm = t.name[i], m = map[t.parent[i]];
		let node;
		switch (tr.kind) {
		case "focus":
			if (m < 0) node = nm === want ? b.child(0, nm) : -1;
			else node = b.child(m, nm);
			break;
		case "merge":
			node = nm === want ? m : b.child(m, nm);
			break;
		case "drop":
			if (nm === want) { i = t.end[i] - 1; continue; }
			node = b.child(m, nm);
			break;
		case "recursion":
			node = (every || nm === want) && m > 0 && b.name[m] === nm ? m : b.child(m, nm);
			break;
		case "module":
			if (inModule[nm]) node = m > 0 && b.name[m] === modId ? m : b.child(m, modId);
			else node = b.child(m, nm);
			break;
		case "root":
			if (t.depth[i] === 1 && nm !== want) { i = t.end[i] - 1; continue; }
			node = b.child(m, nm);
			break;
		default:
			return t;
		}
		map[i] = node;
		if (node >= 0) b.add(node, t.self[i], selfB(t, i));
	}
	return b.finish();
}

// ---------------------------------------------------------------- colours

// Colours are 0xRRGGBB numbers; their CSS strings and the ink that reads
// best on them are made once each.
const palette = [];
for (let k = 0; k < names.length; k++) {
	const h = (data.colors || "").substr(6 * k, 6);
	palette.push(h.length === 6 ? parseInt(h, 16) : 0xc8c8c8);
}
const plainCss = [], plainInk = [];
const HIGHLIGHT = 0xe600e6;
const cssCache = new Map();
function css(c) {
	let s = cssCache.get(c);
	if (s === undefined) {
		s = "#" + (0x1000000 + c).toString(16).slice(1);
		cssCache.set(c, s);
	}
	return s;
}
function lum(c) {
	const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	return 0.2126 * f(c >> 16) + 0.7152 * f((c >> 8) & 255) + 0.0722 * f(c & 255);
}
// The contrast ratio of two colours (WCAG), for the tests as well.
function contrast(a, b) {
	const x = lum(a), y = lum(b);
	return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
const inkCache = new Map();
// 0 for black text on c, 1 for white: whichever contrasts more.
function ink(c) {
	let k = inkCache.get(c);
	if (k === undefined) {
		k = contrast(c, 0) >= contrast(c, 0xffffff) ? 0 : 1;
		inkCache.set(c, k);
	}
	return k;
}
function mix(c, d, f) {
	const ch = (s) => Math.round(((c >> s) & 255) * (1 - f) + ((d >> s) & 255) * f);
	return (ch(16) << 16) | (ch(8) << 8) | ch(0);
}

const state = {
	inverted: !!data.inverted, reversed: false, diffmode: data.diffmode || "self",
	search: "", icase: false, tab: "graph", fn: -1, theme: "", pal: "rb", transforms: [],
};

// A differential frame's colour: its change against the largest change,
// from a light tint to the full colour; no change at all is grey, which
// stands out from the page in both themes.  "rb" is flamegraph.pl's red
// and blue; "cb" is orange and blue, which colour-blind eyes tell apart.
const DIFF = {
	rb: { grew: [0xffd2d2, 0xff0000], shrank: [0xd2d2ff, 0x0000ff] },
	cb: { grew: [0xfdd0a2, 0xd94801], shrank: [0xc6dbef, 0x08519c] },
};
const SAME = 0xc9c9c3;
function diffColor(t, i) {
	const incl = state.diffmode === "inclusive";
	let d = incl ? t.dIncl[i] : t.dSelf[i];
	const m = incl ? t.maxIncl : t.maxSelf;
	if (data.negate) d = -d;
	if (!(m > 0) || d === 0) return SAME;
	const p = DIFF[state.pal] || DIFF.rb, ends = d > 0 ? p.grew : p.shrank;
	return mix(ends[0], ends[1], Math.floor(210 * Math.abs(d) / m) / 210);
}

let themeColors = null;		// from the style sheet; null after a change of theme
function theme() {
	if (!themeColors) {
		const st = getComputedStyle(document.documentElement);
		const get = (v, d) => {
			const m = /^#([0-9a-f]{6})$/i.exec(st.getPropertyValue(v).trim());
			return m ? parseInt(m[1], 16) : d;
		};
		themeColors = { bg: get("--bg", 0xf6f6f0), merged: get("--merged", 0xbbbbbb),
		    focus: get("--focus", 0x0050c8) };
	}
	return themeColors;
}

// --------------------------------------------------------------- matching

// The search: a regular expression matched against every name in a
// worker.  The page never waits for it: a pattern that backtracks without
// end ("(a+)+$") is stopped after SEARCH_BUDGET ms and reported as too
// slow.  Without workers (a policy forbids them), only simple patterns are
// matched, in the page (simplePattern).
const SEARCH_BUDGET = 1500;
const WORKER = "\"use strict\";let names=[];onmessage=function(e){const m=e.data;" +
    "if(m.names!==undefined){if(m.names!=='')names=names.concat(m.names.split('\\u0000'));return;}" +
    "const re=new RegExp(m.source,m.flags),bits=new Uint8Array(names.length);" +
    "for(let k=0;k<names.length;k++)if(re.test(names[k]))bits[k]=1;" +
    "postMessage({seq:m.seq,bits:bits},[bits.buffer]);};";

let matcher = null;		// Uint8Array over names, or null
const search_ = {
	worker: null, sent: 0, seq: 0, timer: 0, noWorker: false, busy: false,
	status: "", error: false, done: null,
};
// Workers are only tried where the page's policy lets them start.
{
	const policy = document.querySelector("meta[http-equiv=Content-Security-Policy]");
	if (policy && !/(^|;)\s*worker-src[^;]*\bblob:/.test(policy.content)) search_.noWorker = true;
}

function startWorker() {
	if (search_.worker || search_.noWorker) return search_.worker;
	try {
		const url = URL.createObjectURL(new Blob([WORKER], { type: "text/javascript" }));
		search_.worker = new Worker(url);
		URL.revokeObjectURL(url);
		search_.worker.onmessage = (e) => searchDone(e.data);
		// A policy that forbids workers says so here, after the fact:
		// match in the page from then on.
		search_.worker.onerror = (e) => {
			e.preventDefault();
			stopWorker();
			search_.noWorker = true;
			if (search_.busy) setSearch(state.search, state.icase);
		};
		search_.sent = 0;
	} catch (e) {
		search_.noWorker = true;
		search_.worker = null;
	}
	return search_.worker;
}

function stopWorker() {
	if (search_.worker) search_.worker.terminate();
	search_.worker = null;
	search_.sent = 0;
}

// Whether a pattern is safe to match in the page: no quantified group, no
// back reference, no lookaround, at most one quantifier (*, +, {m,n}).
// It is matched against the first FALLBACK_LEN characters of each name,
// which bounds its time.
const FALLBACK_LEN = 4096;
function simplePattern(src) {
	if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(src) || /\)[*+?{]/.test(src)) return false;
	return (src.replace(/\\./g, "").match(/[*+]|\{\d*,\d*\}/g) || []).length <= 1;
}

function setStatus(text, error) {
	search_.status = text;
	search_.error = !!error;
	matched.textContent = text;
	matched.classList.toggle("bad", !!error);
	searchBox.setAttribute("aria-invalid", error ? "true" : "false");
}

// Starts matching text; the result arrives in searchDone.
function setSearch(text, icase) {
	state.search = text;
	state.icase = icase;
	clearTimeout(search_.timer);
	search_.seq++;
	search_.busy = false;
	matcher = null;
	if (text === "") {
		setStatus("");
		searchSettled();
		return;
	}
	let re;
	try {
		re = new RegExp(text, icase ? "i" : "");
	} catch (e) {
		setStatus("Invalid pattern: " + String(e.message).replace(/^Invalid regular expression: /, ""), true);
		searchSettled();
		return;
	}
	const w = startWorker();
	if (!w) {
		if (!simplePattern(text)) {
			setStatus("Pattern not searched: this page cannot start a worker to bound it", true);
			searchSettled();
			return;
		}
		const bits = new Uint8Array(names.length);
		for (let k = 0; k < names.length; k++)
			if (re.test(names[k].length > FALLBACK_LEN ? names[k].slice(0, FALLBACK_LEN) : names[k]))
				bits[k] = 1;
		searchDone({ seq: search_.seq, bits });
		return;
	}
	if (search_.sent < names.length) {
		w.postMessage({ names: names.slice(search_.sent).join("\u0000") });
		search_.sent = names.length;
	}
	search_.busy = true;
	w.postMessage({ seq: search_.seq, source: re.source, flags: re.flags });
	const seq = search_.seq;
	search_.timer = setTimeout(() => {
		if (seq !== search_.seq || !search_.busy) return;
		stopWorker();
		search_.busy = false;
		setStatus("Pattern too slow: stopped after " + (SEARCH_BUDGET / 1000) +
		    " s (nested quantifiers such as (a+)+ can take forever)", true);
		afterSearch();
	}, SEARCH_BUDGET);
	setTimeout(() => {
		if (seq === search_.seq && search_.busy) setStatus("Searching\u2026");
	}, 150);
}

function searchDone(m) {
	if (m.seq !== search_.seq) return;
	clearTimeout(search_.timer);
	search_.busy = false;
	matcher = m.bits.length === names.length ? m.bits : null;
	if (!matcher) {
		// Names were added while it ran: match again.
		setSearch(state.search, state.icase);
		return;
	}
	afterSearch();
}

// ------------------------------------------------------------- flame view

// A canvas view of one tree: only the rows and the part of the width in
// sight are drawn, the canvas is the size of its box, and the box scrolls
// over the full height of the graph.  The box takes the keyboard: arrows
// move a focus between frames, which is drawn and announced.
class FlameView {
	constructor(box, inverted, label) {
		this.box = box;
		this.scroller = el("div", "scroll");
		this.scroller.tabIndex = 0;
		this.scroller.setAttribute("role", "application");
		this.scroller.setAttribute("aria-roledescription", "flame graph");
		this.scroller.setAttribute("aria-label", label + ": arrow keys move between frames, " +
		    "Enter zooms, a opens the actions of a frame");
		this.canvas = el("canvas");
		this.canvas.setAttribute("aria-hidden", "true");
		this.spacer = el("div", "spacer");
		this.scroller.append(this.canvas, this.spacer);
		box.append(this.scroller);
		this.ctx = this.canvas.getContext("2d");
		this.inverted = inverted;
		this.tree = null;
		this.zoom = 0;
		this.hover = -1;
		this.focus = -1;
		this.widths = [];
		this.scroller.addEventListener("scroll", () => this.draw());
		this.canvas.addEventListener("mousemove", (e) => this.onMove(e));
		this.canvas.addEventListener("mouseleave", () => { this.setHover(-1); hideTip(); });
		this.canvas.addEventListener("click", (e) => {
			const i = this.hit(e);
			if (i >= 0 && this.onzoom) this.onzoom(this, i);
		});
		this.canvas.addEventListener("contextmenu", (e) => {
			const i = this.hit(e);
			if (i < 0) return;
			e.preventDefault();
			this.setFocus(i, false);
			openMenu(this, i, e.clientX, e.clientY);
		});
		this.scroller.addEventListener("keydown", (e) => this.onKey(e));
		this.scroller.addEventListener("focus", () => {
			if (this.tree && (this.focus < 0 || this.focus >= this.tree.n)) this.setFocus(this.zoom, true);
			else this.draw();
		});
		this.scroller.addEventListener("blur", () => this.draw());
	}
	setTree(t, zoom) {
		this.tree = t;
		this.zoom = zoom >= 0 && zoom < t.n ? zoom : 0;
		this.focus = -1;
		this.layout(true);
	}
	contentHeight() {
		return (this.tree.maxDepth + 1) * ROW + 2 * PAD;
	}
	layout(scrollHome) {
		if (!this.tree) return;
		// A graph shorter than its box makes the box shorter: no empty
		// space between the toolbar and a shallow graph.
		if (this.shrink) this.box.style.maxHeight = this.contentHeight() + "px";
		// A flame graph stands on its root: what was at the bottom of the
		// view stays there when the box changes height.
		const below = this.inverted || !this.h ? 0 :
		    Math.max(0, this.contentHeight() - this.h - this.scroller.scrollTop);
		const w = this.scroller.clientWidth, h = this.scroller.clientHeight;
		const dpr = window.devicePixelRatio || 1;
		this.w = w;
		this.h = h;
		this.canvas.style.width = w + "px";
		this.canvas.style.height = h + "px";
		this.canvas.width = Math.max(1, Math.round(w * dpr));
		this.canvas.height = Math.max(1, Math.round(h * dpr));
		this.dpr = dpr;
		this.spacer.style.height = Math.max(0, this.contentHeight() - h) + "px";
		if (scrollHome)
			this.scroller.scrollTop = this.inverted ? 0 : this.contentHeight();
		else if (!this.inverted)
			this.scroller.scrollTop = Math.max(0, this.contentHeight() - h - below);
		this.draw();
	}
	rowY(d) {
		const ch = Math.max(this.contentHeight(), this.h);
		const y = this.inverted ? PAD + d * ROW : ch - PAD - (d + 1) * ROW;
		return y - this.scroller.scrollTop;
	}
	depthAt(py) {
		const ch = Math.max(this.contentHeight(), this.h), cy = py + this.scroller.scrollTop;
		return Math.floor(this.inverted ? (cy - PAD) / ROW : (ch - PAD - cy) / ROW);
	}
	// The colour of frame i, a number.
	rgb(i) {
		const t = this.tree;
		if (matcher && matcher[t.name[i]]) return HIGHLIGHT;
		return diff ? diffColor(t, i) : palette[t.name[i]];
	}
	// The same as CSS, for the tests.
	color(i) {
		return css(this.rgb(i));
	}
	// Label widths from a table of ASCII advances measured once; other
	// characters are measured by the canvas.
	textWidth(ctx, s) {
		if (!this.adv) {
			this.adv = new Float32Array(128);
			for (let c = 32; c < 127; c++) this.adv[c] = ctx.measureText(String.fromCharCode(c)).width;
		}
		let w = 0;
		for (let k = 0; k < s.length; k++) {
			const c = s.charCodeAt(k);
			if (c >= 32 && c < 127) w += this.adv[c];
			else return ctx.measureText(s).width;
		}
		return w;
	}
	labelWidth(ctx, nm) {
		let w = this.widths[nm];
		if (w === undefined) w = this.widths[nm] = this.textWidth(ctx, dname(nm));
		return w;
	}
	draw() {
		const t = this.tree;
		// While the address is read, loadHash draws once at its end.
		if (!t || !this.w || loading) return;
		const t0 = performance.now();
		const ctx = this.ctx, w = this.w, z = this.zoom;
		const x0 = t.x[z], span = t.total[z] || 1, scale = w / span;
		const th = theme();
		ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
		ctx.clearRect(0, 0, w, this.h);
		ctx.font = FONT;
		ctx.textBaseline = "middle";
		const merged = css(th.merged);
		let d0 = this.depthAt(this.inverted ? 0 : this.h), d1 = this.depthAt(this.inverted ? this.h : 0);
		d0 = Math.max(0, d0 - 1);
		d1 = d1 + 1;
		// rowY() without asking the scroller for its position every time:
		// y = ybase + ysign * depth.
		const top = this.scroller.scrollTop, inv = this.inverted;
		const ybase = inv ? PAD - top : Math.max(this.contentHeight(), this.h) - PAD - ROW - top;
		const ystep = inv ? ROW : -ROW;
		// The rectangles first, setting the colour only when it changes;
		// the labels after, in black then in white.
		const labels = this.labels || (this.labels = [[], []]);
		const nl = [0, 0];
		// Frames of an ordinary graph without a search take their
		// colour and ink from tables by name.
		const plain = !diff && !matcher;
		let fill = "";
		let i = 0;
		while (i < t.n) {
			const d = t.depth[i];
			if (d > d1) { i = t.end[i]; continue; }
			const xs = (t.x[i] - x0) * scale, xe = xs + t.total[i] * scale;
			if (xe <= 0 || xs >= w) { i = t.end[i]; continue; }
			if (xe - xs < MINPX) {
				// Narrow neighbours become one block; what is under
				// them is narrower still and not drawn.
				let j = t.end[i], e = xe;
				while (j < t.n && t.depth[j] === d && (t.total[j] * scale) < MINPX) {
					e = (t.x[j] - x0) * scale + t.total[j] * scale;
					j = t.end[j];
				}
				if (d >= d0 && e - xs >= 0.5) {
					if (fill !== merged) ctx.fillStyle = fill = merged;
					ctx.fillRect(xs, ybase + ystep * d, e - xs, ROW - 1);
				}
				i = j;
				continue;
			}
			if (d >= d0) {
				const y = ybase + ystep * d, a = Math.max(xs, 0), b = Math.min(xe, w);
				let s, k;
				if (i < z && t.end[i] > z) {
					// The ancestors of the zoomed frame, faded into the page.
					const c = mix(this.rgb(i), th.bg, 0.55);
					s = css(c);
					k = ink(c);
				} else if (plain) {
					const nm = t.name[i];
					s = plainCss[nm];
					if (s === undefined) {
						s = plainCss[nm] = css(palette[nm]);
						plainInk[nm] = ink(palette[nm]);
					}
					k = plainInk[nm];
				} else {
					const c = this.rgb(i);
					s = css(c);
					k = ink(c);
				}
				if (fill !== s) ctx.fillStyle = fill = s;
				ctx.fillRect(a, y, Math.max(b - a - 0.5, 0.5), ROW - 1);
				if (b - a > 21) {
					const l = labels[k];
					let n = nl[k];
					l[n++] = i;
					l[n++] = a;
					l[n++] = y;
					l[n++] = b - a;
					nl[k] = n;
				}
			}
			i++;
		}
		for (let k = 0; k < 2; k++) {
			ctx.fillStyle = k ? "#fff" : "#000";
			const l = labels[k];
			for (let j = 0; j < nl[k]; j += 4)
				this.label(ctx, t.name[l[j]], l[j + 1] + 3, l[j + 2] + ROW / 2, l[j + 3] - 6);
		}
		this.outline(this.hover, "#000", 1);
		if (document.activeElement === this.scroller) this.outline(this.focus, css(th.focus), 3);
		this.drawMs = performance.now() - t0;
	}
	// A frame's outline, drawn over it (the hover and the keyboard focus).
	outline(i, color, width) {
		const t = this.tree;
		if (i < 0 || i >= t.n) return;
		const r = this.frameBox(i);
		if (r === null) return;
		const ctx = this.ctx;
		ctx.lineWidth = width;
		ctx.strokeStyle = color;
		ctx.strokeRect(r.x + width / 2, r.y + width / 2, Math.max(r.w - width, 1), ROW - 1 - width);
		if (width > 1) {
			ctx.lineWidth = 1;
			ctx.strokeStyle = "#fff";
			ctx.strokeRect(r.x + width + 0.5, r.y + width + 0.5, Math.max(r.w - 2 * width - 1, 1),
			    Math.max(ROW - 2 - 2 * width, 1));
		}
	}
	// Frame i's box in the canvas, clipped to it, or null when not in sight.
	frameBox(i) {
		const t = this.tree, z = this.zoom, scale = this.w / (t.total[z] || 1);
		const xs = (t.x[i] - t.x[z]) * scale, xe = xs + t.total[i] * scale;
		const inside = i >= z && i < t.end[z], above = i < z && t.end[i] > z;
		if (!inside && !above) return null;
		const a = above ? 0 : Math.max(xs, 0), b = above ? this.w : Math.min(xe, this.w);
		const y = this.rowY(t.depth[i]);
		if (b - a < 0.5 || y + ROW < 0 || y > this.h) return null;
		return { x: a, y, w: b - a };
	}
	// The name, cut to fit avail pixels with "..", in the current colour.
	label(ctx, nm, x, y, avail) {
		const s = dname(nm), full = this.labelWidth(ctx, nm);
		if (full <= avail) {
			ctx.fillText(s, x, y);
			return;
		}
		const k = this.fit(ctx, s, avail);
		if (k > 0) ctx.fillText(s.slice(0, k) + "..", x, y);
	}
	// How many characters of s fit in avail pixels with ".." after them:
	// summed from the table of advances for ASCII, measured otherwise.
	fit(ctx, s, avail) {
		const adv = this.adv;
		let w = 2 * adv[46], k = 0;
		for (; k < s.length; k++) {
			const c = s.charCodeAt(k);
			if (c < 32 || c >= 127) break;
			if (w + adv[c] > avail) return k;
			w += adv[c];
		}
		if (k === s.length) return k;
		k = Math.floor(s.length * avail / this.textWidth(ctx, s)) - 1;
		while (k > 0 && this.textWidth(ctx, s.slice(0, k) + "..") > avail) k--;
		return k;
	}
	// The frame under the mouse, or -1.
	hit(e) {
		const t = this.tree;
		if (!t) return -1;
		const r = this.canvas.getBoundingClientRect();
		const px = e.clientX - r.left, d = this.depthAt(e.clientY - r.top);
		if (d < 0 || d > t.maxDepth) return -1;
		const z = this.zoom, scale = this.w / (t.total[z] || 1);
		const cx = t.x[z] + px / scale;
		let v = 0;
		if (cx < t.x[0] || cx >= t.x[0] + t.total[0]) return -1;
		while (t.depth[v] < d) {
			let j = v + 1, found = -1;
			while (j < t.end[v]) {
				if (cx >= t.x[j] && cx < t.x[j] + t.total[j]) { found = j; break; }
				j = t.end[j];
			}
			if (found < 0) return -1;
			v = found;
		}
		if (t.total[v] * scale < MINPX) return -1;
		return v;
	}
	setHover(i) {
		if (i !== this.hover) {
			this.hover = i;
			this.draw();
		}
	}
	onMove(e) {
		const i = this.hit(e);
		this.setHover(i);
		if (i < 0) {
			hideTip();
			return;
		}
		showTip(this.tree, i, e.clientX, e.clientY);
	}
	// Whether frame i is wide enough to see at the current zoom.
	visible(i) {
		const t = this.tree, z = this.zoom;
		if (i < z) return t.end[i] > z;
		return i < t.end[z] && t.total[i] * this.w / (t.total[z] || 1) >= MINPX;
	}
	// Moves the keyboard focus to frame i, brings it into sight, and says
	// what it is.
	setFocus(i, speak) {
		const t = this.tree;
		if (!t || i < 0 || i >= t.n) return;
		this.focus = i;
		this.reveal(i);
		this.draw();
		if (speak) announce(describe(t, i));
	}
	// The neighbour of frame i at the same depth, left (-1) or right (+1),
	// that can be seen; -1 when there is none.
	across(i, dir) {
		const t = this.tree, d = t.depth[i];
		if (dir > 0) {
			for (let j = t.end[i]; j < t.n; j++) {
				if (t.depth[j] < d && !this.visible(j)) break;
				if (t.depth[j] === d) {
					if (this.visible(j)) return j;
					j = t.end[j] - 1;
				}
			}
		} else {
			for (let j = i - 1; j >= 0; j--) {
				if (t.depth[j] === d && this.visible(j)) return j;
			}
		}
		return -1;
	}
	// The child to go down into: the one last come up from, else the widest.
	child(i) {
		const t = this.tree;
		if (this.cameFrom !== undefined && this.cameFrom > i && this.cameFrom < t.end[i] &&
		    t.parent[this.cameFrom] === i && this.visible(this.cameFrom))
			return this.cameFrom;
		let best = -1;
		for (let j = i + 1; j < t.end[i]; j = t.end[j])
			if (this.visible(j) && (best < 0 || t.total[j] > t.total[best])) best = j;
		return best;
	}
	onKey(e) {
		const t = this.tree;
		if (!t || e.ctrlKey || e.metaKey || e.altKey) return;
		let i = this.focus >= 0 && this.focus < t.n ? this.focus : this.zoom;
		const k = e.key;
		// Up and down are what the eye sees: towards the leaves in a flame
		// graph, towards the root in an icicle.
		const toParent = this.inverted ? "ArrowUp" : "ArrowDown";
		const toChild = this.inverted ? "ArrowDown" : "ArrowUp";
		if (k === toParent) {
			if (t.parent[i] < 0) return;
			this.cameFrom = i;
			i = t.parent[i];
		} else if (k === toChild) {
			const c = this.child(i);
			if (c < 0) { e.preventDefault(); return; }
			i = c;
		} else if (k === "ArrowLeft" || k === "ArrowRight") {
			const j = this.across(i, k === "ArrowLeft" ? -1 : 1);
			if (j < 0) { e.preventDefault(); return; }
			i = j;
		} else if (k === "Home") {
			i = this.zoom;
		} else if (k === "Enter" || k === " ") {
			if (this.onzoom) this.onzoom(this, i);
			this.setFocus(Math.min(i, this.tree.n - 1), true);
			e.preventDefault();
			e.stopPropagation();
			return;
		} else if (k === "a" || k === "ContextMenu" || (k === "F10" && e.shiftKey)) {
			const r = this.rectOf(i);
			openMenu(this, i, r.x + Math.min(r.w / 2, 40), r.y + ROW);
			e.preventDefault();
			e.stopPropagation();
			return;
		} else if (k === "x") {
			selectFn(t.name[i], true);
			e.preventDefault();
			e.stopPropagation();
			return;
		} else {
			return;
		}
		e.preventDefault();
		e.stopPropagation();
		this.setFocus(i, true);
	}
	// Where frame i is, in page coordinates (for tests and stepping).
	rectOf(i) {
		const t = this.tree, r = this.canvas.getBoundingClientRect();
		const scale = this.w / (t.total[this.zoom] || 1);
		const xs = (t.x[i] - t.x[this.zoom]) * scale;
		return { x: r.left + xs, y: r.top + this.rowY(t.depth[i]), w: t.total[i] * scale, h: ROW - 1 };
	}
	reveal(i) {
		const t = this.tree, y = this.rowY(t.depth[i]);
		if (y < 0 || y + ROW > this.h)
			this.scroller.scrollTop += y - this.h / 2;
	}
}

// -------------------------------------------------- what a frame is, in words

function changeText(after, before) {
	const dv = after - before;
	const rel = before > 0 ? " (" + relPct(dv, before) + ")" :
	    after > 0 ? " (new)" : "";
	return fmtCount(before) + " \u2192 " + fmtCount(after) + ", " + signed(fmtCount(dv), dv) +
	    (dv === 0 ? "" : rel);
}

// The lines the tooltip shows and the announcement reads.
function details(t, i) {
	const all = t.total[0];
	const lines = ["Total: " + fmtCount(t.total[i]) + " (" + pct(t.total[i], all) + ")",
	    "Self: " + fmtCount(t.self[i]) + " (" + pct(t.self[i], all) + ")"];
	if (diff) {
		lines.push("Self before \u2192 after: " + changeText(t.self[i], t.selfB[i]));
		lines.push("Total before \u2192 after: " + changeText(t.total[i], t.totalB[i]));
	}
	return lines;
}

function describe(t, i) {
	return dname(t.name[i]) + ". " + details(t, i).join(". ") + ". Depth " + t.depth[i] + ".";
}

// ---------------------------------------------------------------- tooltip

const tip = el("div", "tip");
tip.hidden = true;
tip.setAttribute("aria-hidden", "true");

function showTip(t, i, cx, cy) {
	tip.textContent = "";
	const k = t.name[i];
	tip.append(el("div", "tip-name", dname(k)));
	if (isCut(k))
		tip.append(el("div", "tip-note", "A name of " + names[k].length.toLocaleString("en-US") +
		    " characters, cut: its whole text is in the actions (right click)"));
	for (const l of details(t, i)) tip.append(el("div", "", l));
	tip.hidden = false;
	const w = tip.offsetWidth, h = tip.offsetHeight;
	tip.style.left = Math.max(0, Math.min(cx + 14, window.innerWidth - w - 4)) + "px";
	tip.style.top = (cy + 18 + h > window.innerHeight ? Math.max(0, cy - h - 8) : cy + 18) + "px";
}

function hideTip() {
	tip.hidden = true;
}

// ------------------------------------------------------------------- page

const root = document.body;
if (data.empty) {
	root.append(el("h1", "title", data.title || "Flame Graph"),
	    el("p", "empty", "No stack counts found"));
	window.pfHtml = { ready: true, empty: true };
	return;
}

const base = mainTree();
let current = base;		// base with the transforms applied
let reversed = null;
let fnTable = null;

const live = el("div", "sr-only");
live.setAttribute("role", "status");
live.setAttribute("aria-live", "polite");
function announce(text) {
	// The same text twice is still read: clear, then set.
	live.textContent = "";
	live.textContent = text;
}

const header = el("header", "bar");
const titles = el("div", "titles");
titles.append(el("h1", "title", data.title || "Flame Graph"));
if (data.subtitle) titles.append(el("div", "subtitle", data.subtitle));
const tools = el("div", "tools");

function button(label, title, onclick) {
	const b = el("button", "", label);
	b.type = "button";
	if (title) b.title = title;
	b.addEventListener("click", onclick);
	return b;
}

// A group of buttons of which one is on: each says what it shows, the one
// showing is pressed.
function choice(label, options, onpick) {
	const g = el("div", "group");
	g.setAttribute("role", "group");
	g.setAttribute("aria-label", label);
	const bs = options.map(([value, text, title]) => {
		const b = button(text, title, () => onpick(value));
		b.dataset.value = value;
		g.append(b);
		return b;
	});
	g.set = (value) => {
		for (const b of bs) {
			const on = b.dataset.value === value;
			b.classList.toggle("on", on);
			b.setAttribute("aria-pressed", on ? "true" : "false");
		}
	};
	return g;
}

// A button that stays pressed while its setting is on.
function toggle(label, title, onclick) {
	const b = button(label, title, onclick);
	b.set = (on) => {
		b.classList.toggle("on", on);
		b.setAttribute("aria-pressed", on ? "true" : "false");
	};
	return b;
}

const tabs = el("div", "group tabs");
tabs.setAttribute("role", "tablist");
tabs.setAttribute("aria-label", "Views");
function tab(label, title, name) {
	const b = button(label, title, () => setTab(name));
	b.setAttribute("role", "tab");
	b.id = "tab-" + name;
	tabs.append(b);
	return b;
}
const tabGraph = tab("Flame graph", "The graph (g)", "graph");
const tabTable = tab("Functions", "Every function, self and total (f)", "table");
const tabSandwich = tab("Sandwich", "Callers and callees of a function (s)", "sandwich");
const gMode = choice("Orientation", [["flame", "Flame", "Roots at the bottom (i)"],
    ["icicle", "Icicle", "Roots at the top (i)"]], (v) => {
	state.inverted = v === "icicle";
	refresh(true);
});
const bReverse = toggle("Reverse", "Merge from the leaves: callers (r)", () => {
	state.reversed = !state.reversed;
	zoomTo(0);
	refresh(false);
});
const gDiff = choice("Colour by", [["self", "Self change", "Colour by the change of own counts (d)"],
    ["inclusive", "Total change", "Colour by the change of total counts (d)"]], (v) => {
	state.diffmode = v;
	refresh(false);
});
const searchBox = el("input", "search");
searchBox.type = "search";
searchBox.placeholder = "Search (regex)";
searchBox.title = "Regular expression; Enter, n and N step through matches (/ to focus)";
searchBox.spellcheck = false;
searchBox.setAttribute("aria-label", "Search function names (regular expression)");
const icase = el("label", "icase");
const icaseBox = el("input");
icaseBox.type = "checkbox";
icaseBox.title = "Ignore case";
icase.append(icaseBox, document.createTextNode("Aa"));
icaseBox.setAttribute("aria-label", "Ignore case");
const matched = el("span", "matched");
matched.id = "pf-matched";
searchBox.setAttribute("aria-describedby", matched.id);
const bTheme = toggle("Dark theme", "Light or dark (t)", () => {
	const dark = document.documentElement.dataset.theme === "dark" ||
	    (!document.documentElement.dataset.theme && matchMedia("(prefers-color-scheme: dark)").matches);
	state.theme = dark ? "light" : "dark";
	document.documentElement.dataset.theme = state.theme;
	refresh(false);
});
const bHelp = button("?", "Keyboard shortcuts (?)", () => toggleHelp());
bHelp.setAttribute("aria-label", "Keyboard shortcuts");

// The roots of a profile folded with --pid or --tid are processes or
// threads ("comm-PID", "comm-PID/TID"): a picker shows one at a time.
const rootNames = [];
for (let i = 1; i < base.n; i = base.end[i]) rootNames.push(base.name[i]);
const threads = rootNames.length > 1 && rootNames.every((k) => /-\d+(\/\d+)?$/.test(names[k]));
const rootPick = el("select", "roots");
rootPick.setAttribute("aria-label", "Thread or process");
rootPick.title = "Show one thread or process";
if (threads) {
	rootPick.append(new Option("All threads and processes", ""));
	for (const k of rootNames.slice().sort((a, b) => base.total[b] - base.total[a]))
		rootPick.append(new Option(dname(k), String(k)));
	rootPick.addEventListener("change", () => {
		const rest = state.transforms.filter((x) => x.kind !== "root");
		if (rootPick.value !== "") rest.unshift({ kind: "root", name: names[+rootPick.value] });
		setTransforms(rest);
	});
}

tools.append(tabs, gMode, bReverse);
if (diff) tools.append(gDiff);
if (threads) tools.append(rootPick);
tools.append(searchBox, icase, matched, bTheme, bHelp);
header.append(titles, tools);

const crumbs = el("nav", "crumbs");
crumbs.setAttribute("aria-label", "Zoom path");
const xforms = el("nav", "transforms");
xforms.setAttribute("aria-label", "Transforms");
const legend = el("div", "legend");
const palPick = el("select", "palette");
if (diff) {
	palPick.setAttribute("aria-label", "Colours of the change");
	palPick.append(new Option("Red and blue", "rb"), new Option("Orange and blue (colour-blind safe)", "cb"));
	palPick.addEventListener("change", () => { state.pal = palPick.value; refresh(false); });
	legend.append(el("span", "", "Widths: after. Colours: change of "), el("b", "legend-mode"),
	    el("span", "swatch grew"), el("span", "", "grew"),
	    el("span", "swatch shrank"), el("span", "", "shrank"),
	    el("span", "swatch same"), el("span", "", "no change"), palPick);
}

const paneGraph = el("section", "pane graph");
const paneTable = el("section", "pane table");
const paneSandwich = el("section", "pane sandwich");
for (const [p, b] of [[paneGraph, tabGraph], [paneTable, tabTable], [paneSandwich, tabSandwich]]) {
	p.setAttribute("role", "tabpanel");
	p.setAttribute("aria-labelledby", b.id);
}
const swTop = el("div", "sw-half"), swName = el("div", "sw-name"), swBottom = el("div", "sw-half");
paneSandwich.append(swTop, swName, swBottom);
const tableEl = el("table", "functions");
const tableNote = el("div", "note");
paneTable.append(tableEl, tableNote);

const help = el("div", "help");
help.hidden = true;
help.setAttribute("role", "dialog");
help.setAttribute("aria-label", "Keyboard shortcuts");
{
	help.append(el("h2", "", "Keyboard shortcuts"));
	const dl = el("dl");
	for (const [k, v] of [["click", "zoom into a frame"], ["right click, a", "actions: focus, merge, drop, collapse"],
	    ["Tab", "move between the controls and the graph"],
	    ["arrows", "move between frames (in the graph)"], ["Enter", "zoom into the frame"],
	    ["Esc / Backspace", "zoom out / reset"],
	    ["/", "search"], ["Enter, n / N", "next / previous match"], ["c", "toggle ignore case"],
	    ["i", "flame graph or icicle"], ["r", "reverse (callers)"], ["d", "self or total change (differential)"],
	    ["g / f / s", "graph, functions, sandwich"], ["x", "sandwich of the frame"],
	    ["t", "light or dark theme"], ["?", "this help"]]) {
		dl.append(el("dt", "", k), el("dd", "", v));
	}
	help.append(dl, el("p", "", "Press ? or Esc to close."));
}

// The actions of a frame: a menu of buttons, by mouse or keyboard.
const menu = el("div", "menu");
menu.hidden = true;
menu.setAttribute("role", "menu");
// The whole of a long name, on demand.
const full = el("div", "fullname");
full.hidden = true;
full.setAttribute("role", "dialog");
full.setAttribute("aria-label", "Whole name");
const fullText = el("textarea");
fullText.readOnly = true;
fullText.setAttribute("aria-label", "The whole name");
const fullClose = button("Close", "Close (Esc)", () => closeFull());
full.append(el("h2", "", "Whole name"), fullText, fullClose);

root.append(header, crumbs, xforms, paneGraph, paneTable, paneSandwich, legend, tip, help,
    menu, full, live);

const view = new FlameView(paneGraph, state.inverted, "Flame graph");
view.shrink = true;
const callersView = new FlameView(swTop, false, "Callers");
const calleesView = new FlameView(swBottom, true, "Callees");
let swTrees = null;

function tree() {
	if (!state.reversed) return current;
	if (!reversed) reversed = reversedTree(current);
	return reversed;
}

view.onzoom = (v, i) => zoomTo(i);
callersView.onzoom = calleesView.onzoom = (v, i) => {
	v.zoom = v.zoom === i ? 0 : i;
	v.draw();
};

let hovered = { view: null, i: -1 };
for (const v of [view, callersView, calleesView]) {
	v.canvas.addEventListener("mousemove", () => { hovered = { view: v, i: v.hover }; });
}

function zoomTo(i) {
	const t = tree();
	if (view.tree !== t) view.setTree(t, i);
	view.zoom = i >= 0 && i < t.n ? i : 0;
	view.draw();
	view.reveal(view.zoom);
	updateCrumbs();
	updateMatches();
	saveHash();
}

function updateCrumbs() {
	const t = view.tree;
	crumbs.textContent = "";
	const path = [];
	for (let v = view.zoom; v >= 0; v = t.parent[v]) path.unshift(v);
	const reset = button("Reset zoom", "Back to the whole graph (Esc)", () => zoomTo(0));
	reset.disabled = view.zoom === 0;
	crumbs.append(reset);
	for (const v of path) {
		crumbs.append(el("span", "sep", "\u203a"));
		const b = button(dname(t.name[v]), "Zoom to this frame", () => zoomTo(v));
		b.className = "crumb";
		if (v === view.zoom) b.setAttribute("aria-current", "location");
		crumbs.append(b);
	}
}

// ------------------------------------------------------------ transforms

function setTransforms(list) {
	state.transforms = list;
	let t = base;
	for (const tr of list) t = transformed(t, tr);
	current = t;
	reversed = null;
	fnTable = null;
	swTrees = null;
	if (state.fn >= names.length) state.fn = -1;
	if (matcher && matcher.length !== names.length) setSearch(state.search, state.icase);
	const r = list.find((x) => x.kind === "root");
	rootPick.value = r ? String(names.indexOf(r.name)) : "";
	updateTransforms();
	view.setTree(tree(), 0);
	zoomTo(0);
	if (state.tab === "table") fillTable();
	else if (state.tab === "sandwich") showSandwich();
}

function transformText(tr) {
	return tr.kind === "recursion" && tr.name === "" ? "All recursion collapsed" :
	    KINDS[tr.kind] + " " + disp(tr.name);
}

function updateTransforms() {
	xforms.textContent = "";
	xforms.hidden = state.transforms.length === 0;
	if (xforms.hidden) return;
	xforms.append(el("span", "label", "Transforms:"));
	state.transforms.forEach((tr, j) => {
		const chip = el("span", "chip");
		const text = transformText(tr);
		const x = button("\u00d7", "Remove this transform", () => {
			setTransforms(state.transforms.filter((_, k) => k !== j));
			(xforms.querySelector("button") || view.scroller).focus();
			announce("Removed: " + text);
		});
		x.setAttribute("aria-label", "Remove: " + text);
		chip.append(el("span", "", text), x);
		xforms.append(chip);
	});
	xforms.append(button("Clear all", "Remove every transform", () => {
		setTransforms([]);
		view.scroller.focus();
		announce("Every transform removed");
	}));
}

function addTransform(kind, name) {
	const tr = { kind, name };
	setTransforms(state.transforms.concat([tr]));
	announce("Applied: " + transformText(tr));
}

// ------------------------------------------------------------------ menu

let menuFrom = null;
function openMenu(v, i, cx, cy) {
	const t = v.tree, k = t.name[i], nm = names[k];
	menu.textContent = "";
	menuFrom = v;
	const items = [];
	const item = (text, fn) => {
		const b = button(text, "", () => { closeMenu(false); fn(); });
		b.setAttribute("role", "menuitem");
		b.tabIndex = -1;
		items.push(b);
		menu.append(b);
	};
	const short = disp(nm).length > 60 ? disp(nm).slice(0, cutAt(disp(nm), 57)) + "\u2026" : disp(nm);
	menu.append(el("div", "menu-title", short));
	if (v === view) item("Zoom into it", () => zoomTo(i));
	if (i > 0) {
		item("Focus on " + short, () => addTransform("focus", nm));
		item("Merge " + short + " into its callers", () => addTransform("merge", nm));
		item("Drop " + short + " (and what it calls)", () => addTransform("drop", nm));
		item("Collapse the recursion of " + short, () => addTransform("recursion", nm));
		for (const m of moduleChain(k))
			item("Collapse the module " + disp(m), () => addTransform("module", m));
	}
	item("Collapse all recursion", () => addTransform("recursion", ""));
	if (v === view && !state.reversed && t === current && i > 0) {
		let r = i;
		while (t.depth[r] > 1) r = t.parent[r];
		item("Show only the root " + disp(names[t.name[r]]), () => addTransform("root", names[t.name[r]]));
	}
	item("Sandwich: its callers and callees", () => selectFn(k, true));
	if (isCut(k)) item("Show the whole name", () => showFullName(k));
	menu.hidden = false;
	hideTip();
	const w = menu.offsetWidth, h = menu.offsetHeight;
	menu.style.left = Math.max(0, Math.min(cx, window.innerWidth - w - 4)) + "px";
	menu.style.top = Math.max(0, cy + h > window.innerHeight ? cy - h : cy) + "px";
	items[0].focus();
	menu.onkeydown = (e) => {
		const at = items.indexOf(document.activeElement);
		if (e.key === "ArrowDown" || e.key === "ArrowUp") {
			const n = items.length, j = (at + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
			items[j].focus();
		} else if (e.key === "Home") items[0].focus();
		else if (e.key === "End") items[items.length - 1].focus();
		else if (e.key === "Escape" || e.key === "Tab") closeMenu(true);
		else return;
		e.preventDefault();
		e.stopPropagation();
	};
}

function closeMenu(refocus) {
	if (menu.hidden) return;
	menu.hidden = true;
	if (refocus && menuFrom) menuFrom.scroller.focus();
}
document.addEventListener("mousedown", (e) => {
	if (!menu.hidden && !menu.contains(e.target)) closeMenu(false);
});

let fullFrom = null;
function showFullName(k) {
	fullFrom = document.activeElement;
	fullText.value = names[k];
	full.hidden = false;
	fullText.focus();
	fullText.setSelectionRange(0, 0);
	fullText.scrollTop = 0;
}
function closeFull() {
	full.hidden = true;
	fullText.value = "";
	if (fullFrom && fullFrom.focus) fullFrom.focus();
}
full.addEventListener("keydown", (e) => {
	if (e.key === "Escape") {
		closeFull();
		e.preventDefault();
		e.stopPropagation();
	}
});

// ---------------------------------------------------------------- search

let stepList = [], stepAt = -1;
function updateMatches() {
	if (!matcher) {
		if (!search_.error && !search_.busy) setStatus(state.search ? "No match" : "");
		stepList = [];
		return;
	}
	const list = [], t = view.tree;
	let sum = 0, cover = 0;
	// A frame inside a match is not counted again.
	for (let i = 0; i < t.n; i++) {
		if (matcher[t.name[i]]) {
			list.push(i);
			if (i >= cover) {
				sum += t.total[i];
				cover = t.end[i];
			}
		}
	}
	stepList = list;
	setStatus("Matched: " + pct(sum, t.total[0]) +
	    (list.length ? " (" + (stepAt >= 0 ? stepAt + 1 + "/" : "") + list.length + ")" : ""));
}

function step(dir) {
	if (!stepList.length) return;
	stepAt = (stepAt + dir + stepList.length) % stepList.length;
	setTab("graph");
	zoomTo(stepList[stepAt]);
}

// Called when a search settles (matched, failed or stopped).
function afterSearch() {
	if (!view.tree) {
		// Still loading: loadHash draws once everything is set.
		searchSettled();
		return;
	}
	updateMatches();
	view.draw();
	callersView.draw();
	calleesView.draw();
	if (state.tab === "table") fillTable();
	if (!loading && state.search) announce(search_.status);
	searchSettled();
}

function searchSettled() {
	const d = search_.done;
	search_.done = null;
	if (d) for (const f of d) f();
}

function runSearch() {
	setSearch(searchBox.value, icaseBox.checked);
	stepAt = -1;
	if (!search_.busy) afterSearch();
	saveHash();
}
searchBox.addEventListener("input", runSearch);
icaseBox.addEventListener("change", runSearch);
searchBox.addEventListener("keydown", (e) => {
	if (e.key === "Enter") {
		e.preventDefault();
		step(e.shiftKey ? -1 : 1);
	} else if (e.key === "Escape") {
		searchBox.blur();
	}
});

// ------------------------------------------------------- functions table

// A table of every function: sortable columns (buttons in the headers),
// filtered by the search; the name opens the sandwich view.
let sortKey = "self", sortDown = true;
const TABLE_ROWS = 1000;
function columns() {
	const u = TIME !== undefined ? " (time)" : BYTES ? " (bytes)" : " (" + countname + ")";
	if (!diff)
		return [["self", "Self" + u], ["total", "Total" + u], ["name", "Function"]];
	return [["selfB", "Self before"], ["self", "Self after"], ["dself", "Self change"],
	    ["totalB", "Total before"], ["total", "Total after"], ["dtotal", "Total change"],
	    ["name", "Function"]];
}
function value(ft, key, k) {
	switch (key) {
	case "dself": return ft.self[k] - ft.selfB[k];
	case "dtotal": return ft.total[k] - ft.totalB[k];
	default: return ft[key][k];
	}
}
function cell(ft, key, k) {
	const all = current.total[0], allB = diff ? current.totalB[0] : 0;
	switch (key) {
	case "self": case "total":
		return fmtCell(ft[key][k]) + " (" + pct(ft[key][k], all) + ")";
	case "selfB": case "totalB":
		return fmtCell(ft[key][k]) + " (" + pct(ft[key][k], allB) + ")";
	default: {
		const after = key === "dself" ? ft.self[k] : ft.total[k];
		const before = key === "dself" ? ft.selfB[k] : ft.totalB[k], dv = after - before;
		return signed(fmtCell(dv), dv) + (dv === 0 ? "" : before > 0 ?
		    " (" + relPct(dv, before) + ")" : " (new)");
	}
	}
}
function fillTable() {
	if (!fnTable) fnTable = functionTable(current);
	const ft = fnTable;
	tableEl.textContent = "";
	const cap = el("caption", "sr-only", "Functions, sorted by " +
	    columns().find(([k]) => k === sortKey)[1] + (sortDown ? ", descending" : ", ascending"));
	tableEl.append(cap);
	const head = el("tr");
	for (const [key, label] of columns()) {
		const th = el("th", key === sortKey ? (sortDown ? "sorted down" : "sorted up") : "");
		th.scope = "col";
		if (key !== "name") th.classList.add("num");
		th.setAttribute("aria-sort", key === sortKey ? (sortDown ? "descending" : "ascending") : "none");
		const b = button(label, "Sort by " + label.toLowerCase(), () => {
			if (sortKey === key) sortDown = !sortDown;
			else { sortKey = key; sortDown = key !== "name"; }
			fillTable();
			const again = tableEl.querySelector("th[aria-sort]:not([aria-sort=none]) button");
			if (again) again.focus();
		});
		th.append(b);
		head.append(th);
	}
	const thead = el("thead");
	thead.append(head);
	tableEl.append(thead);
	let rows = ft.rows.filter((k) => !matcher || matcher[k]);
	const sgn = sortDown ? -1 : 1;
	if (sortKey === "name")
		rows.sort((a, b) => sgn * (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
	else
		rows.sort((a, b) => sgn * (value(ft, sortKey, a) - value(ft, sortKey, b)) || a - b);
	const body = el("tbody");
	for (const k of rows.slice(0, TABLE_ROWS)) {
		const tr = el("tr", k === state.fn ? "selected" : "");
		for (const [key] of columns()) {
			if (key === "name") {
				const td = el("td", "fn");
				const b = button(dname(k), "", () => selectFn(k, true));
				b.className = "fnlink";
				b.title = "Callers and callees";
				td.append(b);
				if (isCut(k)) {
					const more = button("whole name", "", () => showFullName(k));
					more.className = "more";
					more.setAttribute("aria-label", "Show the whole name, " +
					    names[k].length.toLocaleString("en-US") + " characters");
					td.append(more);
				}
				tr.append(td);
			} else {
				tr.append(el("td", "num", cell(ft, key, k)));
			}
		}
		tr.addEventListener("click", (e) => { if (e.target === tr || e.target.tagName === "TD") selectFn(k, true); });
		body.append(tr);
	}
	tableEl.append(body);
	tableNote.textContent = rows.length > TABLE_ROWS ?
	    "Showing " + TABLE_ROWS + " of " + rows.length + " functions; search to narrow." :
	    rows.length + " functions";
}

function selectFn(k, open) {
	state.fn = k;
	swTrees = null;
	if (open) setTab("sandwich");
	else saveHash();
}

// The function the sandwich opens on when none was picked: the one with
// the most samples of its own.
function heaviest() {
	if (!fnTable) fnTable = functionTable(current);
	let best = -1;
	for (const k of fnTable.rows)
		if (best < 0 || fnTable.self[k] > fnTable.self[best]) best = k;
	return best;
}

function showSandwich() {
	swName.textContent = "";
	if (state.fn < 0) state.fn = heaviest();
	if (state.fn < 0) {
		swName.append(el("span", "", "No function to show."));
		return;
	}
	if (!swTrees) swTrees = sandwich(current, state.fn);
	swName.append(el("span", "sw-label", "Callers \u2191  "), el("b", "", dname(state.fn)),
	    el("span", "sw-label", "  \u2193 Callees"));
	callersView.setTree(swTrees.callers, 0);
	calleesView.setTree(swTrees.callees, 0);
}

function setTab(t) {
	state.tab = t;
	paneGraph.hidden = t !== "graph";
	paneTable.hidden = t !== "table";
	paneSandwich.hidden = t !== "sandwich";
	for (const [b, name] of [[tabGraph, "graph"], [tabTable, "table"], [tabSandwich, "sandwich"]]) {
		b.classList.toggle("on", t === name);
		b.setAttribute("aria-selected", t === name ? "true" : "false");
	}
	if (t === "graph") view.layout(false);
	else if (t === "table") fillTable();
	else showSandwich();
	saveHash();
}

function refresh(scrollHome) {
	themeColors = null;
	view.inverted = state.inverted;
	gMode.set(state.inverted ? "icicle" : "flame");
	bReverse.set(state.reversed);
	gDiff.set(state.diffmode);
	bTheme.set(document.documentElement.dataset.theme === "dark" ||
	    (!document.documentElement.dataset.theme && matchMedia("(prefers-color-scheme: dark)").matches));
	palPick.value = state.pal;
	legend.hidden = !diff;
	legend.classList.toggle("cb", state.pal === "cb");
	const lm = legend.querySelector(".legend-mode");
	if (lm) lm.textContent = state.diffmode === "self" ? "self counts" : "total counts";
	if (state.tab === "graph") view.layout(scrollHome);
	else if (state.tab === "sandwich") { callersView.layout(false); calleesView.layout(false); }
	saveHash();
}

function toggleHelp(show) {
	help.hidden = show === undefined ? !help.hidden : !show;
}

// ------------------------------------------------------------- URL state

let loading = true, hashTimer = 0;
// Writing the address costs milliseconds: done once things settle, not in
// the middle of a redraw.
function saveHash() {
	if (loading || hashTimer) return;
	hashTimer = setTimeout(writeHash, 0);
}

// Names longer than this go into the address as their index.
const URL_NAME = 2000;
function writeHash() {
	hashTimer = 0;
	const p = new URLSearchParams();
	if (view.zoom) p.set("z", view.zoom);
	if (state.search) p.set("s", state.search);
	if (state.icase) p.set("i", "1");
	if (state.inverted !== !!data.inverted) p.set("m", state.inverted ? "icicle" : "flame");
	if (state.reversed) p.set("r", "1");
	if (diff && state.diffmode !== (data.diffmode || "self")) p.set("d", state.diffmode);
	if (diff && state.pal !== "rb") p.set("pal", state.pal);
	if (state.tab !== "graph") p.set("t", state.tab);
	if (state.fn >= 0) {
		if (names[state.fn].length <= URL_NAME) p.set("f", names[state.fn]);
		else p.set("fi", state.fn);
	}
	for (const tr of state.transforms)
		p.append("x", tr.kind + ":" + (tr.name.length <= URL_NAME ? tr.name : "#" + names.indexOf(tr.name)));
	if (state.theme) p.set("th", state.theme);
	const h = p.toString();
	history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
}

// The transforms of the address: unknown kinds and names are left out.
function hashTransforms(p) {
	const out = [];
	for (const v of p.getAll("x").slice(0, 64)) {
		const c = v.indexOf(":"), kind = v.slice(0, c);
		let name = v.slice(c + 1);
		if (c < 0 || !Object.prototype.hasOwnProperty.call(KINDS, kind)) continue;
		if (/^#\d+$/.test(name) && +name.slice(1) < names.length) name = names[+name.slice(1)];
		if (kind === "recursion" && name === "") out.push({ kind, name });
		else if (kind === "module" || names.indexOf(name) >= 0) out.push({ kind, name });
	}
	return out;
}

function loadHash() {
	loading = true;
	const p = new URLSearchParams(location.hash.slice(1));
	const m = p.get("m");
	state.inverted = m ? m === "icicle" : !!data.inverted;
	state.reversed = p.get("r") === "1";
	const d = p.get("d");
	state.diffmode = d === "inclusive" || d === "self" ? d : data.diffmode || "self";
	state.pal = p.get("pal") === "cb" ? "cb" : "rb";
	const th = p.get("th");
	state.theme = th === "dark" || th === "light" ? th : "";
	if (state.theme) document.documentElement.dataset.theme = state.theme;
	else delete document.documentElement.dataset.theme;
	const list = hashTransforms(p);
	if (JSON.stringify(list) !== JSON.stringify(state.transforms)) {
		state.transforms = list;
		let t = base;
		for (const tr of list) t = transformed(t, tr);
		current = t;
		reversed = null;
		fnTable = null;
		const r = list.find((x) => x.kind === "root");
		rootPick.value = r ? String(names.indexOf(r.name)) : "";
	}
	updateTransforms();
	searchBox.value = p.get("s") || "";
	icaseBox.checked = p.get("i") === "1";
	setSearch(searchBox.value, icaseBox.checked);
	const f = p.get("f"), fi = p.get("fi");
	state.fn = f !== null ? names.indexOf(f) : fi !== null && +fi < names.length ? +fi : -1;
	swTrees = null;
	const t = p.get("t");
	const tb = t === "table" || t === "sandwich" ? t : "graph";
	refresh(true);
	view.setTree(tree(), parseInt(p.get("z") || "0", 10) || 0);
	setTab(tb);
	zoomTo(view.zoom);
	if (state.search && !search_.busy) afterSearch();
	loading = false;
	if (state.tab === "graph") view.draw();
	else if (state.tab === "sandwich") { callersView.draw(); calleesView.draw(); }
	writeHash();
}
window.addEventListener("hashchange", () => {
	if (!loading) loadHash();
});

// -------------------------------------------------------------- keyboard

// The page's shortcuts, unless a control that takes those keys has them.
document.addEventListener("keydown", (e) => {
	if (e.ctrlKey || e.metaKey || e.altKey) return;
	const tg = e.target, k = e.key;
	if (tg === searchBox || tg === fullText || tg.tagName === "SELECT" || tg.tagName === "TEXTAREA" ||
	    (tg.tagName === "INPUT" && tg.type !== "checkbox") || menu.contains(tg))
		return;
	if (tg.tagName === "BUTTON" && (k === "Enter" || k === " ")) return;
	if (k === "?") toggleHelp();
	else if (k === "Escape" && !help.hidden) toggleHelp(false);
	else if (k === "Escape" || k === "Backspace") {
		const t = view.tree;
		zoomTo(k === "Escape" ? 0 : Math.max(t.parent[view.zoom], 0));
		if (document.activeElement === view.scroller) view.setFocus(view.zoom, true);
	} else if (k === "/") { e.preventDefault(); searchBox.focus(); searchBox.select(); }
	else if (k === "Enter" || k === "n") step(1);
	else if (k === "N") step(-1);
	else if (k === "c") { icaseBox.checked = !icaseBox.checked; runSearch(); }
	else if (k === "i") { state.inverted = !state.inverted; refresh(true); }
	else if (k === "r") bReverse.click();
	else if (k === "d" && diff) { state.diffmode = state.diffmode === "self" ? "inclusive" : "self"; refresh(false); }
	else if (k === "t") bTheme.click();
	else if (k === "g") setTab("graph");
	else if (k === "f") setTab("table");
	else if (k === "s") setTab("sandwich");
	else if (k === "x" && hovered.view && hovered.i >= 0) selectFn(hovered.view.tree.name[hovered.i], true);
	else return;
	e.preventDefault();
});

new ResizeObserver(() => {
	if (state.tab === "graph") view.layout(false);
	else if (state.tab === "sandwich") { callersView.layout(false); calleesView.layout(false); }
}).observe(document.body);
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => refresh(false));

loadHash();

// For tests and benchmarks: the state, and where frames are.
window.pfHtml = {
	ready: true,
	view, callersView, calleesView, state, names,
	tree: () => view.tree,
	find(name, v) {
		v = v || view;
		const t = v.tree, k = names.indexOf(name);
		for (let i = 0; i < t.n; i++) if (t.name[i] === k) return i;
		return -1;
	},
	rect(name, v) {
		v = v || view;
		const i = this.find(name, v);
		return i < 0 ? null : v.rectOf(i);
	},
	zoomTo,
	matched: () => matched.textContent,
	// The profile shown (transforms applied) as sorted folded lines.
	folded() {
		const t = current, out = [], path = [];
		for (let i = 1; i < t.n; i++) {
			path.length = t.depth[i] - 1;
			path.push(names[t.name[i]]);
			if (t.self[i] > 0 || selfB(t, i) > 0)
				out.push(path.join(";") + " " + (diff ? t.selfB[i] + " " : "") + t.self[i]);
		}
		return out.sort((a, b) => a < b ? -1 : a > b ? 1 : 0).join("\n") + (out.length ? "\n" : "");
	},
	// Resolves when the search in progress (if any) has settled.
	settled: () => new Promise((done) => {
		if (!search_.busy) done();
		else (search_.done || (search_.done = [])).push(done);
	}),
	searching: () => search_.busy,
	contrast, ink, lum, mix, theme: () => theme(), disp, withUnit, fmtCount, moduleChain,
	paintedAt: 0,
};
// The first frame shown, for the benchmark (performance.now() counts
// from the start of the navigation).
requestAnimationFrame(() => { window.pfHtml.paintedAt = performance.now(); });
})();
