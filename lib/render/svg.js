// pf-svg's interaction script, embedded in every SVG it writes.
// Frame names are read from the DOM as text and only ever written back as
// text (textContent), never parsed as markup or code.  Nothing is fetched.
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
var zoomed = null;		// the frame zoomed into, or null
var term = null;		// the search pattern, or null
var ignorecase = false;
var HIGHLIGHT = "rgb(230,0,230)";

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
		frames.push({
			g: g, rect: rect, text: text, title: t,
			name: cut >= 0 ? t.substring(0, cut) : t,
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
	term = null;
	searchBtn.classList.remove("show");
	searchBtn.textContent = "Search";
	matchedText.textContent = " ";
}

// Highlights the frames whose name matches, and shows how much of the
// visible graph they cover: a match nested inside another is not counted
// twice, because only the union of their x ranges is summed.
function search(pattern) {
	var re;
	try {
		re = new RegExp(pattern, ignorecase ? "i" : "");
	} catch (e) {
		matchedText.textContent = "Invalid regular expression";
		return;
	}
	clearSearch();
	term = pattern;
	var spans = [], i;
	var zx = zoomed !== null ? zoomed.x : xpad;
	var zw = zoomed !== null ? zoomed.w : width0 - 2 * xpad;
	for (i = 0; i < frames.length; i++) {
		var f = frames[i];
		if (!re.test(f.name))
			continue;
		f.rect.setAttribute("fill", HIGHLIGHT);
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
	searchBtn.classList.add("show");
	searchBtn.textContent = "Reset Search";
	matchedText.textContent = "Matched: " +
	    (zw > 0 ? (100 * covered / zw).toFixed(1) : "0.0") + "%";
	saveState();
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
	var w = Math.max(200, window.innerWidth);
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
			details.textContent = nametype + " " + f.title;
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
	    unzoom: unzoom, frames: frames };
}

if (byId("frames"))
	init();
})();
