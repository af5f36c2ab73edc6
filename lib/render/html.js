// The flame graph viewer of pf-html's pages.
//
// The page holds its data as JSON in a script element of type
// application/json, which the browser does not run: the distinct
// frame names once each, and the tree in preorder as arrays (name id,
// levels up from the previous frame, own count).  Everything here draws
// on canvases the size of the window; names are only ever canvas text or
// DOM textContent.  Nothing is fetched.
(function () {
"use strict";

const data = JSON.parse(document.getElementById("pf-data").textContent);
const ROW = 16, PAD = 4, MINPX = 1, FONT = "12px Verdana, DejaVu Sans, sans-serif";
const names = data.names || [];
const diff = !!data.differential;
const grand = data.grand || 0;
const countname = data.countname || "samples";

function el(tag, cls, text) {
	const e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined) e.textContent = text;
	return e;
}

function fmt(v) {
	return v.toLocaleString("en-US", { maximumFractionDigits: 2 });
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
	const total = Float64Array.from(self), x = new Float64Array(n);
	const totalB = selfB ? Float64Array.from(selfB) : null;
	const stack = [];
	let maxDepth = 0;
	for (let i = 0; i < n; i++) {
		const d = depth[i];
		while (stack.length > d)
			end[stack.pop()] = i;
		parent[i] = stack.length ? stack[stack.length - 1] : -1;
		stack.push(i);
		if (d > maxDepth) maxDepth = d;
	}
	while (stack.length)
		end[stack.pop()] = n;
	for (let i = n - 1; i > 0; i--) {
		total[parent[i]] += total[i];
		if (totalB) totalB[parent[i]] += totalB[i];
	}
	// Children follow their parent left to right.
	const next = new Float64Array(maxDepth + 2);
	for (let i = 0; i < n; i++) {
		const d = depth[i];
		x[i] = d === 0 ? 0 : next[d];
		next[d] = x[i] + total[i];
		next[d + 1] = x[i];
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
	const n = data.name.length, depth = new Uint32Array(n);
	for (let i = 1; i < n; i++)
		depth[i] = depth[i - 1] + 1 - data.up[i];
	return finishTree(Uint32Array.from(data.name), depth, Float64Array.from(data.self),
	    diff ? Float64Array.from(data.before) : null);
}

// Merges paths of name ids into a new tree, children sorted by name.
class Builder {
	constructor(root) {
		this.name = [root];
		this.parent = [-1];
		this.self = [0];
		this.selfB = [0];
		this.kids = new Map();
	}
	child(p, nm) {
		const k = p * names.length + nm;
		let c = this.kids.get(k);
		if (c === undefined) {
			c = this.name.length;
			this.name.push(nm);
			this.parent.push(p);
			this.self.push(0);
			this.selfB.push(0);
			this.kids.set(k, c);
		}
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
			const k = kids[v].sort(byName);
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

// Self and total per function; a total counts each sample once even when
// the function recurses.
function functionTable(t) {
	const m = names.length, self = new Float64Array(m), total = new Float64Array(m);
	const active = new Uint32Array(m), stack = [];
	for (let i = 0; i < t.n; i++) {
		while (stack.length > t.depth[i]) active[t.name[stack.pop()]]--;
		const nm = t.name[i];
		self[nm] += t.self[i];
		if (active[nm] === 0) total[nm] += t.total[i];
		active[nm]++;
		stack.push(i);
	}
	const rows = [];
	for (let k = 0; k < m; k++)
		if (total[k] > 0 || self[k] > 0) rows.push(k);
	return { self, total, rows };
}

// ---------------------------------------------------------------- colours

const palette = [];
for (let k = 0; k < names.length; k++) {
	const h = (data.colors || "").substr(6 * k, 6);
	palette.push(h.length === 6 ? "#" + h : "#c8c8c8");
}

const state = {
	inverted: !!data.inverted, reversed: false, diffmode: data.diffmode || "self",
	search: "", icase: false, tab: "graph", fn: -1, theme: "",
};

function diffColor(t, i) {
	const incl = state.diffmode === "inclusive";
	let d = incl ? t.dIncl[i] : t.dSelf[i];
	const m = incl ? t.maxIncl : t.maxSelf;
	if (data.negate) d = -d;
	let r = 255, g = 255, b = 255;
	if (m > 0 && d > 0) g = b = Math.floor(210 * (m - d) / m);
	else if (m > 0 && d < 0) r = g = Math.floor(210 * (m + d) / m);
	return "rgb(" + r + "," + g + "," + b + ")";
}

// --------------------------------------------------------------- matching

let matcher = null;		// Uint8Array over names, or null
function setSearch(text, icase) {
	state.search = text;
	state.icase = icase;
	matcher = null;
	if (text === "") return true;
	let re;
	try {
		re = new RegExp(text, icase ? "i" : "");
	} catch (e) {
		return false;
	}
	matcher = new Uint8Array(names.length);
	for (let k = 0; k < names.length; k++) matcher[k] = re.test(names[k]) ? 1 : 0;
	return true;
}

// The matched share of t (a frame inside a match is not counted again)
// and the matching frames, left to right.
function matches(t) {
	const list = [];
	let sum = 0, cover = 0;
	if (!matcher) return { sum, list };
	for (let i = 0; i < t.n; i++) {
		if (matcher[t.name[i]]) {
			list.push(i);
			if (i >= cover) {
				sum += t.total[i];
				cover = t.end[i];
			}
		}
	}
	return { sum, list };
}

// ------------------------------------------------------------- flame view

let mergedColor = "";		// from the theme; "" after a change of theme

// A canvas view of one tree: only the rows and the part of the width in
// sight are drawn, the canvas is the size of its box, and the box scrolls
// over the full height of the graph.
class FlameView {
	constructor(box, inverted) {
		this.box = box;
		this.scroller = el("div", "scroll");
		this.canvas = el("canvas");
		this.spacer = el("div", "spacer");
		this.scroller.append(this.canvas, this.spacer);
		box.append(this.scroller);
		this.ctx = this.canvas.getContext("2d");
		this.inverted = inverted;
		this.tree = null;
		this.zoom = 0;
		this.hover = -1;
		this.widths = new Float32Array(names.length).fill(-1);
		this.scroller.addEventListener("scroll", () => this.draw());
		this.canvas.addEventListener("mousemove", (e) => this.onMove(e));
		this.canvas.addEventListener("mouseleave", () => { this.setHover(-1); hideTip(); });
		this.canvas.addEventListener("click", (e) => {
			const i = this.hit(e);
			if (i >= 0 && this.onzoom) this.onzoom(this, i);
		});
	}
	setTree(t, zoom) {
		this.tree = t;
		this.zoom = zoom >= 0 && zoom < t.n ? zoom : 0;
		this.layout(true);
	}
	contentHeight() {
		return (this.tree.maxDepth + 1) * ROW + 2 * PAD;
	}
	layout(scrollHome) {
		if (!this.tree) return;
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
	color(i) {
		const t = this.tree;
		if (matcher && matcher[t.name[i]]) return "rgb(230,0,230)";
		return diff ? diffColor(t, i) : palette[t.name[i]];
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
		if (w < 0) w = this.widths[nm] = this.textWidth(ctx, names[nm]);
		return w;
	}
	draw() {
		const t = this.tree;
		if (!t || !this.w) return;
		const t0 = performance.now();
		const ctx = this.ctx, w = this.w, z = this.zoom;
		const x0 = t.x[z], span = t.total[z] || 1, scale = w / span;
		ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
		ctx.clearRect(0, 0, w, this.h);
		ctx.font = FONT;
		ctx.textBaseline = "middle";
		ctx.globalAlpha = 1;
		if (!mergedColor)
			mergedColor = getComputedStyle(document.documentElement).getPropertyValue("--merged").trim() || "#bbb";
		const merged = mergedColor;
		let d0 = this.depthAt(this.inverted ? 0 : this.h), d1 = this.depthAt(this.inverted ? this.h : 0);
		d0 = Math.max(0, d0 - 1);
		d1 = d1 + 1;
		// rowY() without asking the scroller for its position every time:
		// y = ybase + ysign * depth.
		const top = this.scroller.scrollTop, inv = this.inverted;
		const ybase = inv ? PAD - top : Math.max(this.contentHeight(), this.h) - PAD - ROW - top;
		const ystep = inv ? ROW : -ROW;
		// The rectangles first, setting the colour and the opacity only
		// when they change; the labels after, all in one colour.
		const labels = this.labels || (this.labels = []);
		let nl = 0, fill = "", alpha = 1;
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
					if (alpha !== 1) ctx.globalAlpha = alpha = 1;
					if (fill !== merged) ctx.fillStyle = fill = merged;
					ctx.fillRect(xs, ybase + ystep * d, e - xs, ROW - 1);
				}
				i = j;
				continue;
			}
			if (d >= d0) {
				const y = ybase + ystep * d, a = Math.max(xs, 0), b = Math.min(xe, w);
				const al = i < z && t.end[i] > z ? 0.55 : 1, c = this.color(i);
				if (alpha !== al) ctx.globalAlpha = alpha = al;
				if (fill !== c) ctx.fillStyle = fill = c;
				ctx.fillRect(a, y, Math.max(b - a - 0.5, 0.5), ROW - 1);
				if (i === this.hover) {
					ctx.strokeStyle = "#000";
					ctx.lineWidth = 1;
					ctx.strokeRect(a + 0.5, y + 0.5, b - a - 1, ROW - 2);
				}
				if (b - a > 21) {
					labels[nl++] = i;
					labels[nl++] = a;
					labels[nl++] = y;
					labels[nl++] = b - a;
				}
			}
			i++;
		}
		ctx.fillStyle = "#000";
		for (let k = 0; k < nl; k += 4) {
			const f = labels[k], al = f < z && t.end[f] > z ? 0.55 : 1;
			if (alpha !== al) ctx.globalAlpha = alpha = al;
			this.label(ctx, t.name[f], labels[k + 1] + 3, labels[k + 2] + ROW / 2, labels[k + 3] - 6);
		}
		ctx.globalAlpha = 1;
		this.drawMs = performance.now() - t0;
	}
	// The name, cut to fit avail pixels with "..", in the current colour.
	label(ctx, nm, x, y, avail) {
		const s = names[nm], full = this.labelWidth(ctx, nm);
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

// ---------------------------------------------------------------- tooltip

const tip = el("div", "tip");
tip.hidden = true;

function showTip(t, i, cx, cy) {
	tip.textContent = "";
	tip.append(el("div", "tip-name", names[t.name[i]]));
	const lines = ["Total: " + fmt(t.total[i]) + " " + countname + " (" + pct(t.total[i], grand) + ")",
	    "Self: " + fmt(t.self[i]) + " " + countname + " (" + pct(t.self[i], grand) + ")"];
	if (diff) {
		const incl = state.diffmode === "inclusive";
		const dv = incl ? t.dIncl[i] : t.dSelf[i];
		const before = incl ? t.totalB[i] : t.selfB[i];
		lines.push((incl ? "Total" : "Self") + " before: " + fmt(before) + ", change: " +
		    (dv > 0 ? "+" : "") + fmt(dv) + " (" + (dv > 0 ? "+" : "") + pct(dv, grand) + ")");
	}
	for (const l of lines) tip.append(el("div", "", l));
	tip.hidden = false;
	const w = tip.offsetWidth, h = tip.offsetHeight;
	tip.style.left = Math.min(cx + 14, window.innerWidth - w - 4) + "px";
	tip.style.top = (cy + 18 + h > window.innerHeight ? cy - h - 8 : cy + 18) + "px";
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
let reversed = null;
let fnTable = null;

const header = el("header", "bar");
const titles = el("div", "titles");
titles.append(el("h1", "title", data.title || "Flame Graph"));
if (data.subtitle) titles.append(el("div", "subtitle", data.subtitle));
const tools = el("div", "tools");

function button(label, title, onclick) {
	const b = el("button", "", label);
	b.type = "button";
	b.title = title;
	b.addEventListener("click", onclick);
	return b;
}

const tabGraph = button("Flame graph", "The graph (g)", () => setTab("graph"));
const tabTable = button("Functions", "Every function, self and total (f)", () => setTab("table"));
const tabSandwich = button("Sandwich", "Callers and callees of the selected function (s)",
    () => setTab("sandwich"));
const bMode = button("Icicle", "Flame graph or icicle (i)", () => { state.inverted = !state.inverted; refresh(true); });
const bReverse = button("Reverse", "Merge from the leaves: callers (r)", () => { state.reversed = !state.reversed; zoomTo(0); });
const bDiff = button("Self change", "Colour by the change of own or of total counts (d)", () => {
	state.diffmode = state.diffmode === "self" ? "inclusive" : "self";
	refresh(false);
});
const search = el("input", "search");
search.type = "search";
search.placeholder = "Search (regex)";
search.title = "Regular expression; Enter, n and N step through matches (/ to focus)";
search.spellcheck = false;
const icase = el("label", "icase");
const icaseBox = el("input");
icaseBox.type = "checkbox";
icaseBox.title = "Ignore case";
icase.append(icaseBox, document.createTextNode("Aa"));
const matched = el("span", "matched");
const bTheme = button("Theme", "Light or dark (t)", () => {
	const dark = document.documentElement.dataset.theme === "dark" ||
	    (!document.documentElement.dataset.theme && matchMedia("(prefers-color-scheme: dark)").matches);
	state.theme = dark ? "light" : "dark";
	document.documentElement.dataset.theme = state.theme;
	refresh(false);
});
const bHelp = button("?", "Keyboard shortcuts (?)", () => toggleHelp());
tools.append(tabGraph, tabTable, tabSandwich, bMode, bReverse);
if (diff) tools.append(bDiff);
tools.append(search, icase, matched, bTheme, bHelp);
header.append(titles, tools);

const crumbs = el("nav", "crumbs");
const legend = el("div", "legend");
if (diff) {
	legend.append(el("span", "swatch grew"), el("span", "", "grew"),
	    el("span", "swatch shrank"), el("span", "", "shrank"),
	    el("span", "swatch same"), el("span", "", "no change"));
}

const paneGraph = el("section", "pane graph");
const paneTable = el("section", "pane table");
const paneSandwich = el("section", "pane sandwich");
const swTop = el("div", "sw-half"), swName = el("div", "sw-name"), swBottom = el("div", "sw-half");
paneSandwich.append(swTop, swName, swBottom);
const tableEl = el("table", "functions");
const tableNote = el("div", "note");
paneTable.append(tableEl, tableNote);

const help = el("div", "help");
help.hidden = true;
{
	help.append(el("h2", "", "Keyboard shortcuts"));
	const dl = el("dl");
	for (const [k, v] of [["click", "zoom into a frame"], ["Esc / Backspace", "zoom out / reset"],
	    ["/", "search"], ["Enter, n / N", "next / previous match"], ["c", "toggle ignore case"],
	    ["i", "flame graph or icicle"], ["r", "reverse (callers)"], ["d", "self or total change (differential)"],
	    ["g / f / s", "graph, functions, sandwich"], ["x", "sandwich of the frame under the mouse"],
	    ["t", "light or dark theme"], ["?", "this help"]]) {
		dl.append(el("dt", "", k), el("dd", "", v));
	}
	help.append(dl, el("p", "", "Press ? or Esc to close."));
}

root.append(header, crumbs, paneGraph, paneTable, paneSandwich, legend, tip, help);

const view = new FlameView(paneGraph, state.inverted);
const callersView = new FlameView(swTop, false);
const calleesView = new FlameView(swBottom, true);
let swTrees = null;

function tree() {
	if (!state.reversed) return base;
	if (!reversed) reversed = reversedTree(base);
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
		const b = button(names[t.name[v]], "Zoom to this frame", () => zoomTo(v));
		b.className = "crumb";
		crumbs.append(b);
	}
}

let stepList = [], stepAt = -1;
function updateMatches() {
	if (!matcher) {
		matched.textContent = "";
		stepList = [];
		return;
	}
	const m = matches(view.tree);
	stepList = m.list;
	matched.textContent = "Matched: " + pct(m.sum, view.tree.total[0]) +
	    (stepList.length ? " (" + (stepAt >= 0 ? stepAt + 1 + "/" : "") + stepList.length + ")" : "");
}

function step(dir) {
	if (!stepList.length) return;
	stepAt = (stepAt + dir + stepList.length) % stepList.length;
	setTab("graph");
	zoomTo(stepList[stepAt]);
}

function runSearch() {
	const ok = setSearch(search.value, icaseBox.checked);
	search.classList.toggle("bad", !ok);
	stepAt = -1;
	updateMatches();
	view.draw();
	callersView.draw();
	calleesView.draw();
	if (state.tab === "table") fillTable();
	saveHash();
}
search.addEventListener("input", runSearch);
icaseBox.addEventListener("change", runSearch);
search.addEventListener("keydown", (e) => {
	if (e.key === "Enter") {
		e.preventDefault();
		step(e.shiftKey ? -1 : 1);
	} else if (e.key === "Escape") {
		search.blur();
	}
});

// The functions table: sortable, filtered by the search.
let sortKey = "self", sortDown = true;
const TABLE_ROWS = 1000;
function fillTable() {
	if (!fnTable) fnTable = functionTable(base);
	const ft = fnTable;
	tableEl.textContent = "";
	const head = el("tr");
	for (const [key, label] of [["self", "Self"], ["total", "Total"], ["name", "Function"]]) {
		const th = el("th", key === sortKey ? (sortDown ? "sorted down" : "sorted up") : "", label);
		th.addEventListener("click", () => {
			if (sortKey === key) sortDown = !sortDown;
			else { sortKey = key; sortDown = key !== "name"; }
			fillTable();
		});
		head.append(th);
	}
	const thead = el("thead");
	thead.append(head);
	tableEl.append(thead);
	let rows = ft.rows.filter((k) => !matcher || matcher[k]);
	const sgn = sortDown ? -1 : 1;
	if (sortKey === "name")
		rows.sort((a, b) => sgn * (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
	else {
		const col = ft[sortKey];
		rows.sort((a, b) => sgn * (col[a] - col[b]) || a - b);
	}
	const body = el("tbody");
	for (const k of rows.slice(0, TABLE_ROWS)) {
		const tr = el("tr", k === state.fn ? "selected" : "");
		tr.append(el("td", "num", fmt(ft.self[k]) + " (" + pct(ft.self[k], grand) + ")"),
		    el("td", "num", fmt(ft.total[k]) + " (" + pct(ft.total[k], grand) + ")"),
		    el("td", "fn", names[k]));
		tr.addEventListener("click", () => selectFn(k, true));
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

function showSandwich() {
	swName.textContent = "";
	if (state.fn < 0) {
		swName.append(el("span", "", "Select a function in the functions table, or press x over a frame."));
		callersView.tree = calleesView.tree = null;
		callersView.ctx.clearRect(0, 0, callersView.canvas.width, callersView.canvas.height);
		calleesView.ctx.clearRect(0, 0, calleesView.canvas.width, calleesView.canvas.height);
		return;
	}
	if (!swTrees) swTrees = sandwich(base, state.fn);
	swName.append(el("span", "sw-label", "Callers \u2191  "), el("b", "", names[state.fn]),
	    el("span", "sw-label", "  \u2193 Callees"));
	callersView.setTree(swTrees.callers, 0);
	calleesView.setTree(swTrees.callees, 0);
}

function setTab(tab) {
	state.tab = tab;
	paneGraph.hidden = tab !== "graph";
	paneTable.hidden = tab !== "table";
	paneSandwich.hidden = tab !== "sandwich";
	tabGraph.classList.toggle("on", tab === "graph");
	tabTable.classList.toggle("on", tab === "table");
	tabSandwich.classList.toggle("on", tab === "sandwich");
	if (tab === "graph") view.layout(false);
	else if (tab === "table") fillTable();
	else showSandwich();
	saveHash();
}

function refresh(scrollHome) {
	mergedColor = "";
	view.inverted = state.inverted;
	bMode.textContent = state.inverted ? "Flame" : "Icicle";
	bReverse.classList.toggle("on", state.reversed);
	bDiff.textContent = state.diffmode === "self" ? "Self change" : "Total change";
	legend.hidden = !diff;
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

function writeHash() {
	hashTimer = 0;
	const p = new URLSearchParams();
	if (view.zoom) p.set("z", view.zoom);
	if (state.search) p.set("s", state.search);
	if (state.icase) p.set("i", "1");
	if (state.inverted !== !!data.inverted) p.set("m", state.inverted ? "icicle" : "flame");
	if (state.reversed) p.set("r", "1");
	if (diff && state.diffmode !== (data.diffmode || "self")) p.set("d", state.diffmode);
	if (state.tab !== "graph") p.set("t", state.tab);
	if (state.fn >= 0) p.set("f", names[state.fn]);
	if (state.theme) p.set("th", state.theme);
	const h = p.toString();
	history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
}

function loadHash() {
	loading = true;
	const p = new URLSearchParams(location.hash.slice(1));
	const m = p.get("m");
	state.inverted = m ? m === "icicle" : !!data.inverted;
	state.reversed = p.get("r") === "1";
	const d = p.get("d");
	state.diffmode = d === "inclusive" || d === "self" ? d : data.diffmode || "self";
	const th = p.get("th");
	state.theme = th === "dark" || th === "light" ? th : "";
	if (state.theme) document.documentElement.dataset.theme = state.theme;
	else delete document.documentElement.dataset.theme;
	search.value = p.get("s") || "";
	icaseBox.checked = p.get("i") === "1";
	setSearch(search.value, icaseBox.checked);
	const f = p.get("f");
	state.fn = f !== null ? names.indexOf(f) : -1;
	swTrees = null;
	const t = p.get("t");
	const tab = t === "table" || t === "sandwich" ? t : "graph";
	refresh(true);
	view.setTree(tree(), parseInt(p.get("z") || "0", 10) || 0);
	setTab(tab);
	zoomTo(view.zoom);
	loading = false;
	writeHash();
}
window.addEventListener("hashchange", () => {
	if (!loading) loadHash();
});

// -------------------------------------------------------------- keyboard

document.addEventListener("keydown", (e) => {
	if (e.target === search || e.ctrlKey || e.metaKey || e.altKey) return;
	const k = e.key;
	if (k === "?") toggleHelp();
	else if (k === "Escape" && !help.hidden) toggleHelp(false);
	else if (k === "Escape" || k === "Backspace") {
		const t = view.tree;
		zoomTo(k === "Escape" ? 0 : Math.max(t.parent[view.zoom], 0));
	} else if (k === "/") { e.preventDefault(); search.focus(); search.select(); }
	else if (k === "Enter" || k === "n") step(1);
	else if (k === "N") step(-1);
	else if (k === "c") { icaseBox.checked = !icaseBox.checked; runSearch(); }
	else if (k === "i") bMode.click();
	else if (k === "r") bReverse.click();
	else if (k === "d" && diff) bDiff.click();
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
	paintedAt: 0,
};
// The first frame shown, for the benchmark (performance.now() counts
// from the start of the navigation).
requestAnimationFrame(() => { window.pfHtml.paintedAt = performance.now(); });
})();
