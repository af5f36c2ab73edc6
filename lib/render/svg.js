// pf-svg's interaction script, embedded in every SVG it writes.
// Frame names are read from the DOM as text and only ever written back as
// text (textContent), never parsed as markup or code.  Nothing is fetched:
// searches run in a worker made from a blob, stopped when they take too
// long, so that no pattern can hang the page.
(function () {
"use strict";
var NS = "urn:x-pf:flamegraph";
var svg = document.documentElement;
var cfg = function (name, dflt) {
	var v = svg.getAttributeNS(NS, name);
	return v === null || v === "" ? dflt : v;
};
var fontsize = parseFloat(cfg("fontsize", "12"));
var fontwidth = parseFloat(cfg("fontwidth", "0.59"));
var xpad = parseFloat(cfg("xpad", "10"));
var inverted = cfg("inverted", "0") === "1";
var nametype = cfg("nametype", "Function:");
var width0 = parseFloat(svg.getAttribute("width"));
var width = width0;
var byId = function (id) { return document.getElementById(id); };
var details = byId("details"), unzoomBtn = byId("unzoom");
var searchBtn = byId("search"), icBtn = byId("ignorecase");
var matchedText = byId("matched"), titleText = byId("title");
var subtitleText = byId("subtitle");
var frames = [];
var uniq = [], nameIndex = Object.create(null);	// the distinct names
var zoomed = null;		// the frame zoomed into, or null
var term = null;		// the search pattern, or null
var ignorecase = false;
var HIGHLIGHT = "rgb(230,0,230)";
// Names longer than this are cut in the middle in the details line.
var DISP = 200;
var SEARCH_BUDGET = 1500;

// One record per frame: its elements, name and original geometry.
function collect() {
	var gs = byId("frames").children, i;
	for (i = 0; i < gs.length; i++) {
		var g = gs[i];
		var rect = g.querySelector("rect"), text = g.querySelector("text");
		var title = g.querySelector("title");
		if (!rect || !text || !title)
			continue;
		var t = title.textContent, cut = t.lastIndexOf(" (");
		var name = cut >= 0 ? t.substring(0, cut) : t;
		if (nameIndex[name] === undefined) {
			nameIndex[name] = uniq.length;
			uniq.push(name);
		}
		frames.push({
			g: g, rect: rect, text: text, title: t, name: name, k: nameIndex[name],
			x: parseFloat(rect.getAttribute("x")),
			w: parseFloat(rect.getAttribute("width")),
			y: parseFloat(rect.getAttribute("y")),
			fill: rect.getAttribute("fill")
		});
		g.pfIndex = frames.length - 1;
	}
}

// Deeper frames are drawn higher up, or lower in an icicle graph.
function deeper(a, b) {
	return inverted ? a.y > b.y : a.y < b.y;
}

function fitText(f, x, w) {
	var t = f.text;
	t.setAttribute("x", (x + 3).toFixed(2));
	if (w < 3 * fontsize * fontwidth) {
		t.textContent = "";
		return;
	}
	var name = f.name, room = w - 3;
	// The whole name's width is measured once per frame and kept:
	// measuring forces the browser to lay the text out.
	if (f.fullw === undefined) {
		t.textContent = name;
		f.fullw = t.getComputedTextLength();
	}
	if (f.fullw <= room) {
		if (t.textContent !== name)
			t.textContent = name;
		return;
	}
	var n = Math.floor(room / (fontsize * fontwidth)) - 2;
	if (n > name.length - 1)
		n = name.length - 1;
	for (; n >= 2; n--) {
		t.textContent = name.substring(0, n) + "..";
		if (t.getComputedTextLength() <= room)
			return;
	}
	t.textContent = "";
}

// Draws every frame for the current zoom and width.
function layout() {
	var avail = width - 2 * xpad;
	var zx = xpad, zw = width0 - 2 * xpad;
	if (zoomed !== null) {
		zx = zoomed.x;
		zw = zoomed.w;
	}
	var scale = avail / zw, eps = 0.0001, i;
	for (i = 0; i < frames.length; i++) {
		var f = frames[i], x, w;
		f.g.classList.remove("hide");
		f.g.classList.remove("parent");
		if (zoomed !== null && f !== zoomed && !deeper(f, zoomed)) {
			// An ancestor of the zoomed frame spans it, dimmed.
			if (f.x <= zx + eps && f.x + f.w >= zx + zw - eps) {
				f.g.classList.add("parent");
				x = xpad;
				w = avail;
			} else {
				f.g.classList.add("hide");
				continue;
			}
		} else if (f.x < zx - eps || f.x + f.w > zx + zw + eps) {
			f.g.classList.add("hide");
			continue;
		} else {
			x = xpad + (f.x - zx) * scale;
			w = f.w * scale;
		}
		f.rect.setAttribute("x", x.toFixed(1));
		f.rect.setAttribute("width", w.toFixed(1));
		fitText(f, x, w);
	}
	titleText.setAttribute("x", width / 2);
	if (subtitleText)
		subtitleText.setAttribute("x", width / 2);
	searchBtn.setAttribute("x", width - xpad - 100);
	icBtn.setAttribute("x", width - xpad - 16);
	matchedText.setAttribute("x", width - xpad);
}

function zoom(f) {
	zoomed = f;
	unzoomBtn.classList.remove("hide");
	layout();
	if (term !== null)
		search(term);
	saveState();
}

function unzoom() {
	zoomed = null;
	unzoomBtn.classList.add("hide");
	layout();
	if (term !== null)
		search(term);
	saveState();
}

function clearSearch() {
	var i;
	for (i = 0; i < frames.length; i++)
		frames[i].rect.setAttribute("fill", frames[i].fill);
	seq++;
	clearTimeout(timer);
	busy = false;
	term = null;
	searchBtn.classList.remove("show");
	searchBtn.textContent = "Search";
	matchedText.textContent = " ";
}

// The cut form of a long name: "head…tail".
function cutAt(s, k) {
	var c = s.charCodeAt(k);
	return c >= 0xdc00 && c <= 0xdfff ? k - 1 : k;
}
function disp(s) {
	if (s.length <= DISP)
		return s;
	return s.substring(0, cutAt(s, 150)) + "\u2026" + s.substring(cutAt(s, s.length - 40));
}

// Matching runs in a worker over the distinct names; a pattern that
// backtracks without end is stopped after SEARCH_BUDGET ms.  Where no
// worker can start, only simple patterns are matched, in the page.
var WORKER = "\"use strict\";var names=[];onmessage=function(e){var m=e.data;" +
    "if(m.names!==undefined){names=m.names.split('\\u0000');return;}" +
    "var re=new RegExp(m.source,m.flags),bits=new Uint8Array(names.length),k;" +
    "for(k=0;k<names.length;k++)if(re.test(names[k]))bits[k]=1;" +
    "postMessage({seq:m.seq,bits:bits},[bits.buffer]);};";
var worker = null, noWorker = false, seq = 0, busy = false, timer = 0;
var matchBits = null, matchKey = null, waiting = [];

function stopWorker() {
	if (worker !== null)
		worker.terminate();
	worker = null;
}

function startWorker(onerror) {
	if (worker !== null || noWorker)
		return worker;
	try {
		var url = URL.createObjectURL(new Blob([WORKER], { type: "text/javascript" }));
		worker = new Worker(url);
		URL.revokeObjectURL(url);
		worker.onmessage = function (e) { matchDone(e.data); };
		worker.onerror = function (e) {
			e.preventDefault();
			stopWorker();
			noWorker = true;
			onerror();
		};
		worker.postMessage({ names: uniq.join("\u0000") });
	} catch (e) {
		worker = null;
		noWorker = true;
	}
	return worker;
}

// Whether a pattern is safe to match in the page: no quantified group, no
// back reference, no lookaround, at most one quantifier (*, +, {m,n}).
// It is matched against the first FALLBACK_LEN characters of each name,
// which bounds its time.
var FALLBACK_LEN = 4096;
function simplePattern(src) {
	if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(src) || /\)[*+?{]/.test(src))
		return false;
	return (src.replace(/\\./g, "").match(/[*+]|\{\d*,\d*\}/g) || []).length <= 1;
}

function settle() {
	var w = waiting, i;
	waiting = [];
	for (i = 0; i < w.length; i++)
		w[i]();
}

function matchDone(m) {
	if (m.seq !== seq)
		return;
	clearTimeout(timer);
	busy = false;
	matchBits = m.bits;
	paint();
	settle();
}

// Matches re against the names, then paints the result.
function match(re, key) {
	seq++;
	clearTimeout(timer);
	busy = false;
	matchBits = null;
	matchKey = key;
	var w = startWorker(function () { match(re, key); });
	if (w === null) {
		if (!simplePattern(re.source)) {
			matchKey = null;
			matchedText.textContent = "Pattern not searched: no worker to bound it";
			settle();
			return;
		}
		var bits = new Uint8Array(uniq.length), k;
		for (k = 0; k < uniq.length; k++)
			if (re.test(uniq[k].length > FALLBACK_LEN ?
			    uniq[k].substring(0, FALLBACK_LEN) : uniq[k]))
				bits[k] = 1;
		matchDone({ seq: seq, bits: bits });
		return;
	}
	busy = true;
	w.postMessage({ seq: seq, source: re.source, flags: re.flags });
	var mine = seq;
	timer = setTimeout(function () {
		if (mine !== seq || !busy)
			return;
		stopWorker();
		busy = false;
		matchKey = null;
		matchedText.textContent = "Pattern too slow: stopped after " +
		    SEARCH_BUDGET / 1000 + " s";
		settle();
	}, SEARCH_BUDGET);
	setTimeout(function () {
		if (mine === seq && busy)
			matchedText.textContent = "Searching...";
	}, 150);
}

// Highlights the frames whose name matches, and shows how much of the
// visible graph they cover: a match nested inside another is not counted
// twice, because only the union of their x ranges is summed.
function paint() {
	var spans = [], i;
	var zx = zoomed !== null ? zoomed.x : xpad;
	var zw = zoomed !== null ? zoomed.w : width0 - 2 * xpad;
	for (i = 0; i < frames.length; i++) {
		var f = frames[i];
		f.rect.setAttribute("fill", matchBits[f.k] ? HIGHLIGHT : f.fill);
		if (!matchBits[f.k])
			continue;
		if (f.x >= zx - 0.0001 && f.x + f.w <= zx + zw + 0.0001)
			spans.push([f.x, f.x + f.w]);
	}
	spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
	var covered = 0, end = -Infinity;
	for (i = 0; i < spans.length; i++) {
		var s = Math.max(spans[i][0], end);
		if (spans[i][1] > s)
			covered += spans[i][1] - s;
		if (spans[i][1] > end)
			end = spans[i][1];
	}
	matchedText.textContent = "Matched: " +
	    (zw > 0 ? (100 * covered / zw).toFixed(1) : "0.0") + "%";
}

// Searches for pattern: the match runs in the background (see match)
// and paints when it is done.
function search(pattern) {
	var re;
	try {
		re = new RegExp(pattern, ignorecase ? "i" : "");
	} catch (e) {
		matchedText.textContent = "Invalid regular expression: " +
		    String(e.message).replace(/^Invalid regular expression: /, "");
		settle();
		return;
	}
	clearSearch();
	term = pattern;
	searchBtn.classList.add("show");
	searchBtn.textContent = "Reset Search";
	saveState();
	var key = (ignorecase ? "i" : "-") + pattern;
	if (key === matchKey && matchBits !== null) {
		paint();
		settle();
		return;
	}
	match(re, key);
}

function askSearch() {
	var p = window.prompt("Enter a search term (a regular expression; " +
	    "Ctrl-I toggles case)" + (ignorecase ? ", ignoring case" : ""), term || "");
	if (p !== null && p !== "")
		search(p);
}

function toggleCase() {
	ignorecase = !ignorecase;
	icBtn.classList.toggle("show", ignorecase);
	if (term !== null)
		search(term);
	saveState();
}

// The view lives in the URL's fragment, so a link reopens it: x and y of
// the zoomed frame, s the search pattern, i when case is ignored.
function saveState() {
	var p = [];
	if (zoomed !== null)
		p.push("x=" + zoomed.x, "y=" + zoomed.y);
	if (term !== null)
		p.push("s=" + encodeURIComponent(term));
	if (ignorecase)
		p.push("i=1");
	var h = p.length ? "#" + p.join("&") : " ";
	try {
		history.replaceState(null, "", h === " " ?
		    location.pathname + location.search : h);
	} catch (e) {
		// Some viewers forbid it; the view just is not kept.
	}
}

function loadState() {
	var src = (location.hash || "").replace(/^#/, "");
	if (src === "")
		src = (location.search || "").replace(/^\?/, "");
	var p = {}, parts = src.split("&"), i;
	for (i = 0; i < parts.length; i++) {
		var eq = parts[i].indexOf("=");
		if (eq > 0) {
			try {
				p[parts[i].substring(0, eq)] =
				    decodeURIComponent(parts[i].substring(eq + 1));
			} catch (e) {
				// a malformed escape: ignore that parameter
			}
		}
	}
	if (p.i === "1") {
		ignorecase = true;
		icBtn.classList.add("show");
	}
	if (p.x !== undefined && p.y !== undefined) {
		var x = parseFloat(p.x), y = parseFloat(p.y);
		for (i = 0; i < frames.length; i++) {
			if (Math.abs(frames[i].x - x) < 0.01 && Math.abs(frames[i].y - y) < 0.01) {
				zoomed = frames[i];
				unzoomBtn.classList.remove("hide");
				break;
			}
		}
	}
	if (p.s !== undefined && p.s !== "")
		term = p.s;
}

function frameOf(ev) {
	var n = ev.target;
	while (n && n !== svg) {
		if (n.pfIndex !== undefined)
			return frames[n.pfIndex];
		n = n.parentNode;
	}
	return null;
}

// Standalone, the graph takes the window's width; inside a page it keeps
// its own.
function resize() {
	if (svg.parentNode !== document || !window.innerWidth)
		return;
	// The window less its vertical scroll bar, which a tall graph has.
	var inner = window.visualViewport ? window.visualViewport.width * window.visualViewport.scale :
	    window.innerWidth;
	var w = Math.max(200, Math.floor(Math.min(window.innerWidth, inner)));
	if (w === width)
		return;
	width = w;
	var h = parseFloat(svg.getAttribute("height"));
	svg.setAttribute("width", width);
	svg.setAttribute("viewBox", "0 0 " + width + " " + h);
	layout();
}

function init() {
	collect();
	var frameLayer = byId("frames");
	frameLayer.addEventListener("mouseover", function (ev) {
		var f = frameOf(ev);
		if (f)
			details.textContent = nametype + " " + (f.name.length > DISP ?
			    disp(f.name) + f.title.substring(f.name.length) : f.title);
	});
	frameLayer.addEventListener("mouseout", function () {
		details.textContent = " ";
	});
	frameLayer.addEventListener("click", function (ev) {
		var f = frameOf(ev);
		if (f === null)
			return;
		// The root is the whole graph: clicking it is a reset.
		if (f === frames[0])
			unzoom();
		else
			zoom(f);
	});
	unzoomBtn.addEventListener("click", unzoom);
	searchBtn.addEventListener("click", function () {
		if (term !== null) {
			clearSearch();
			saveState();
		} else {
			askSearch();
		}
	});
	icBtn.addEventListener("click", toggleCase);
	window.addEventListener("keydown", function (ev) {
		if (ev.keyCode === 114 || ev.key === "F3" ||
		    ((ev.ctrlKey || ev.metaKey) && (ev.key === "f" || ev.key === "F"))) {
			ev.preventDefault();
			askSearch();
		} else if ((ev.ctrlKey || ev.metaKey) && (ev.key === "i" || ev.key === "I")) {
			ev.preventDefault();
			toggleCase();
		} else if (ev.key === "Escape" && zoomed !== null) {
			unzoom();
		}
	});
	window.addEventListener("resize", resize);
	loadState();
	// pf-svg fitted the labels already: redraw only for a restored zoom
	// or another width.
	if (zoomed !== null)
		layout();
	resize();
	if (term !== null)
		search(term);
	window.pfFlameGraph = { search: search, zoom: function (i) { zoom(frames[i]); },
	    unzoom: unzoom, frames: frames,
	    // Resolves when the search in progress (if any) has settled.
	    settled: function () {
		return new Promise(function (done) {
			if (!busy)
				done();
			else
				waiting.push(done);
		});
	    },
	    searching: function () { return busy; } };
}

if (byId("frames"))
	init();
})();
