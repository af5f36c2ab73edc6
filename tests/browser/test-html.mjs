// Browser tests of pf-html's viewer, in headless Chromium.
//
//   node tests/browser/test-html.mjs BUILD
//
// Writes a few pages with BUILD/pf-html, opens them from file:// URLs and
// prints "ok NAME" / "not ok NAME" per check, as test-svg.mjs does.  Needs
// Debian's chromium (or $PF_CHROMIUM) and playwright-core in
// tests/browser/node_modules.  This script installs nothing.
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { harness } from "./harness.mjs";

const h = harness("pf-html", "html");
const check = h.check;
const page_ = h.make;

const basic = page_("basic",
	"main;parse;token 40\nmain;parse 10\nmain;eval;apply 30\nmain;eval 20\n");
// rec recurses: its total must count each sample once.
const recursive = page_("recursive",
	"main;rec;rec;leaf 10\nmain;rec;work 20\nmain;other;rec;leaf 5\n");
// In time order: b, then a, then b again, each its own frame.
const chart = page_("chart", "main;b;c 3\nmain;a 1\nmain;b 2\n", ["--flamechart"]);
const differential = page_("diff",
	"main;a 10 30\nmain;b 30 10\nmain;c 5 5\n");
const hostileNames = [
	"</script><script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"]]>",
	"'-alert(1)-'",
	"<svg onload=alert(1)>",
	"a\u2028b\u2029c",
	"<!--",
];
const hostile = page_("hostile",
	hostileNames.map((n, i) => `main;${n} ${i + 1}`).join("\n") + "\n");

// The transforms: each is compared with pf-merge's option of the same
// meaning where there is one.
const xformFolded = [
	"main;parse;token 40",
	"main;parse 10",
	"main;eval;apply 30",
	"main;eval 20",
	"main;eval;parse;token 5",
	"main;rec;rec;rec;leaf 8",
	"main;std::vector<int>::push_back;std::vector<int>::grow;alloc 7",
	"main;std::vector<int>::size 2",
].join("\n") + "\n";
const xform = page_("xform", xformFolded);
const build = resolve(process.argv[2] || "build");
function pfMerge(args) {
	const dir = mkdtempSync(join(tmpdir(), "pf-browser-merge-"));
	try {
		writeFileSync(join(dir, "in.folded"), xformFolded);
		return execFileSync(join(build, "pf-merge"), [...args, join(dir, "in.folded")]).toString();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
// Roots that are threads, as pf-collapse --tid names them.
const threads = page_("threads", "app-1/11;main;a 5\napp-1/12;main;b 3\napp-2/21;main;c 2\n");
// Counts with units.
const times = page_("times", "main;a 1240000000\nmain;b 2000\n", ["--countname", "ns"]);
const sizes = page_("sizes", "main;alloc 3250585\nmain;free 512\n", ["--countname", "bytes"]);
// A 1 MB frame name.
const longName = "y".repeat(1 << 20);
const long = page_("long", `main;${longName};leaf 2\nmain;short 1\n`);
// Counts packed as numbers (whole, below 2^52) and as decimal text, beside
// names of several scripts; the differential profile's "before" column too.
const packedFolded = "main;big 4503599627370496\nmain;below 4503599627370495\nmain;half 1.5\n" +
    "main;\u00e9t\u00e9;\u65e5\u672c 7\nmain;emoji\u{1f525} 0.001\n";
const packed = page_("packed", packedFolded);
const packedDiff = page_("packed-diff", "main;a 1.25 3\nmain;b 4503599627370497 2\n");
// Names on which a backtracking pattern takes forever.
const redos = page_("redos", "main;" + "a".repeat(40) + "b 3\nmain;" + "axxx".repeat(24) +
    " 1\nmain;tokenize 1\n");

await h.launch();

const open = (url, viewport = { width: 1200, height: 700 }, init) =>
    h.open(url, viewport, () => window.pfHtml && window.pfHtml.ready, init);
// Whether the page still runs script: a round trip through it, in ms.
async function roundTrip(page) {
	const t0 = Date.now();
	await page.evaluate(() => 1);
	return Date.now() - t0;
}

// The viewer writes the URL hash in a timer after it redraws (so typing a
// search stays smooth); let a frame and that timer pass before reading it.
const here = async (page) => {
	await page.evaluate(() => new Promise((done) =>
	    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))));
	return page.evaluate(() => location.href);
};
// The address is written just after a change (in a timeout): wait for it.
async function hashMatches(page, re) {
	try {
		await page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source,
		    { timeout: 2000 });
		return true;
	} catch (e) {
		return false;
	}
}
// Searches run in a worker: wait until the one in progress has settled.
const settle = (page) => page.evaluate(() => window.pfHtml.settled());
async function search(page, text) {
	await page.locator(".search").fill(text);
	await settle(page);
}
const rect = (page, name, v) => page.evaluate(([n, w]) =>
    window.pfHtml.rect(n, w ? window.pfHtml[w] : undefined), [name, v]);

async function clickFrame(page, name, v) {
	const r = await rect(page, name, v);
	await page.mouse.click(r.x + Math.min(r.w / 2, 20), r.y + r.h / 2);
}

await h.run(async () => {
	{
		// The viewer unpacks the page's frames: the profile it shows is
		// its input, counts as JavaScript reads their decimal text.
		const { page, log } = await open(packed);
		const want = packedFolded.trim().split("\n").map((l) => {
			const k = l.lastIndexOf(" ");
			return l.slice(0, k) + " " + Number(l.slice(k + 1));
		}).sort((a, b) => a < b ? -1 : a > b ? 1 : 0).join("\n") + "\n";
		const got = await page.evaluate(() => window.pfHtml.folded());
		check(got === want, "packed frames: names and counts read back exactly", got);
		check(log.errors.length === 0, "packed frames: no script errors", log.errors.join("; "));
		await page.close();
		const d = await open(packedDiff);
		const gotD = await d.page.evaluate(() => window.pfHtml.folded());
		check(gotD === "main;a 1.25 3\nmain;b 4503599627370497 2\n",
		    "packed frames: a differential profile's two columns read back", gotD);
		await d.page.close();
	}
	{
		const { page, log } = await open(basic);
		const r = await rect(page, "parse");
		check(r && Math.abs(r.w - 600) < 1, "basic: parse is half the width",
		    JSON.stringify(r));
		const canvases = await page.evaluate(() => [...document.querySelectorAll("canvas")]
		    .map((c) => [c.width, c.height, c.clientWidth, c.clientHeight]));
		check(canvases.every(([w, h, cw, ch]) => w <= 4 * 1200 && h <= 4 * 700 &&
		    cw <= 1200 && ch <= 700), "canvases are no bigger than the window",
		    JSON.stringify(canvases));

		await page.mouse.move(r.x + 10, r.y + 5);
		const tip = await page.locator(".tip").innerText();
		check(/parse/.test(tip) && /Total: 50 samples \(50\.00%\)/.test(tip) &&
		    /Self: 10 samples \(10\.00%\)/.test(tip), "hover shows name, total, self and %",
		    tip);

		await clickFrame(page, "parse");
		const z = await rect(page, "parse"), t = await rect(page, "token");
		check(Math.abs(z.x) < 1 && Math.abs(z.w - 1200) < 1,
		    "click zooms: the frame fills the width", JSON.stringify(z));
		check(Math.abs(t.w - 960) < 1, "click zooms: children scale with it",
		    JSON.stringify(t));
		const crumbs = await page.locator(".crumbs .crumb").allInnerTexts();
		check(crumbs.join(">") === "all>main>parse", "breadcrumb shows the path",
		    crumbs.join(">"));
		check(await hashMatches(page, /[#&]z=\d+/), "zoom is kept in the URL", (await here(page)));
		await page.locator(".crumbs button", { hasText: "Reset zoom" }).click();
		check(Math.abs((await rect(page, "parse")).w - 600) < 1, "reset zoom restores the graph");

		await search(page, "^(parse|token)$");
		check(await page.evaluate(() => window.pfHtml.matched()) === "Matched: 50.00% (2)",
		    "search: nested matches are counted once",
		    await page.evaluate(() => window.pfHtml.matched()));
		check(await hashMatches(page, /[#&]s=/) &&
		    decodeURIComponent((await here(page))).includes("s=^(parse|token)$"),
		    "search is kept in the URL", (await here(page)));
		await search(page, "PARSE");
		const m0 = await page.evaluate(() => window.pfHtml.matched());
		await page.locator(".icase input").check();
		await settle(page);
		const m1 = await page.evaluate(() => window.pfHtml.matched());
		check(m0 === "Matched: 0.00%" && m1 === "Matched: 50.00% (1)",
		    "search is case-sensitive until the case toggle", m0 + " / " + m1);
		await search(page, "^(parse|eval)$");
		await page.locator(".icase input").uncheck();
		await settle(page);
		await page.locator(".search").press("Enter");
		const z1 = await page.evaluate(() => window.pfHtml.view.zoom);
		await page.locator(".search").press("Enter");
		const z2 = await page.evaluate(() => window.pfHtml.view.zoom);
		check(z1 !== z2 && z1 > 0 && z2 > 0, "Enter steps through the matches", `${z1} ${z2}`);

		await page.locator(".search").fill("");
		await page.keyboard.press("Escape");
		await page.locator("body").press("i");
		const ic = await rect(page, "all");
		check(ic.y < 100, "i switches to an icicle (root at the top)", JSON.stringify(ic));
		await page.locator("body").press("?");
		check(await page.locator(".help").isVisible(), "? shows the shortcuts");
		await page.locator("body").press("?");

		check(log.errors.length === 0, "no script errors", log.errors.join("\n"));
		check(log.requests.length === 0, "no network requests", log.requests.join("\n"));
		await page.close();
	}
	{
		// A link with the state reopens the same view.
		const { page, log } = await open(basic);
		await clickFrame(page, "eval");
		await search(page, "apply");
		await hashMatches(page, /[#&]s=apply/);
		const url = (await here(page));
		await page.close();
		const again = await open(url);
		const e = await rect(again.page, "eval");
		check(Math.abs(e.w - 1200) < 1 && await again.page.locator(".search").inputValue() === "apply",
		    "a URL with zoom and search reopens that view", url);
		check(log.errors.length + again.log.errors.length === 0, "state URL: no script errors");
		await again.page.close();
	}
	{
		const { page, log } = await open(recursive);
		await page.locator("button", { hasText: "Functions" }).click();
		const rows = await page.locator(".functions tbody tr").allInnerTexts();
		const rec = rows.find((r) => /\trec$/.test(r));
		check(rec !== undefined && /^0 \(0\.00%\)\t35 \(100\.00%\)/.test(rec),
		    "functions table: a recursive function's total counts samples once", rows.join("\n"));
		await page.locator(".functions th", { hasText: "Total" }).click();
		const first = (await page.locator(".functions tbody tr").first().innerText()).split("\t")[2];
		check(first === "all" || first === "main" || first === "rec",
		    "functions table sorts by total", first);
		await search(page, "^l");
		const filtered = await page.locator(".functions tbody tr").allInnerTexts();
		check(filtered.length === 1 && /leaf$/.test(filtered[0]), "functions table follows the search",
		    filtered.join("\n"));
		await page.locator(".functions tbody tr").first().click();
		check(await page.locator(".sandwich").isVisible(), "clicking a row opens the sandwich view");
		const callers = await page.evaluate(() => {
			const v = window.pfHtml.callersView, t = v.tree;
			return [...t.name].map((k, i) => window.pfHtml.names[k] + ":" + t.total[i]).join(" ");
		});
		check(callers === "leaf:15 rec:15 main:10 rec:10 main:10 other:5 main:5" ||
		    callers.startsWith("leaf:15 rec:15"), "sandwich: callers merged above", callers);
		const rr = await rect(page, "leaf", "callersView"), ce = await rect(page, "leaf", "calleesView");
		check(rr.y < ce.y, "sandwich: callers above, callees below", JSON.stringify([rr, ce]));
		check(log.errors.length === 0, "recursive: no script errors", log.errors.join("\n"));
		check(log.requests.length === 0, "recursive: no network requests");
		await page.close();
	}
	{
		// --flamechart keeps the input order instead of merging.
		const { page, log } = await open(chart);
		const row = await page.evaluate(() => {
			const v = window.pfHtml.view, t = v.tree, out = [];
			for (let i = 0; i < t.n; i++)
				if (t.depth[i] === 2) {
					const r = v.rectOf(i);
					out.push([window.pfHtml.names[t.name[i]], Math.round(r.x), Math.round(r.w)]);
				}
			return out;
		});
		check(JSON.stringify(row) === '[["b",0,600],["a",600,200],["b",800,400]]',
		    "flame chart: frames in input order, b twice", JSON.stringify(row));
		check(await page.locator("h1.title").innerText() === "Flame Chart",
		    "flame chart: the default title says so");
		await clickFrame(page, "a");
		const a = await rect(page, "a");
		check(Math.abs(a.x) < 1 && Math.abs(a.w - 1200) < 1, "flame chart: click zooms",
		    JSON.stringify(a));
		check(log.errors.length === 0, "flame chart: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		// Reverse: the leaves become the children of the root.
		const { page, log } = await open(basic);
		const level1 = () => page.evaluate(() => {
			const t = window.pfHtml.tree(), out = [];
			for (let i = 0; i < t.n; i++)
				if (t.depth[i] === 1)
					out.push(window.pfHtml.names[t.name[i]] + ":" + t.total[i]);
			return out.join(" ");
		});
		check(await level1() === "main:100", "reverse: off at first", await level1());
		await clickFrame(page, "parse");
		await page.locator("button", { hasText: "Reverse" }).click();
		check(await level1() === "apply:30 eval:20 parse:10 token:40",
		    "reverse: the leaves under the root, merged by name", await level1());
		const tk = await rect(page, "token");
		check(tk && Math.abs(tk.w - 480) < 1, "reverse: token takes 40% of the width",
		    JSON.stringify(tk));
		check(await page.evaluate(() => window.pfHtml.view.zoom) === 0,
		    "reverse: the zoom starts again from the root");
		check(await hashMatches(page, /[#&]r=1/), "reverse is kept in the URL", await here(page));
		const chain = await page.evaluate(() => {
			const t = window.pfHtml.tree(), names = window.pfHtml.names;
			let i = window.pfHtml.find("token"), out = [];
			for (; i < t.n && (out.length === 0 || t.depth[i] > 1); i++)
				out.push(names[t.name[i]]);
			return out.join(";");
		});
		check(chain === "token;parse;main", "reverse: a leaf's callers above it", chain);
		const url = await here(page);
		await page.locator("body").press("r");
		check(await level1() === "main:100" && await hashMatches(page, /^(?!.*[#&]r=1)/),
		    "r turns reverse off again", await level1());
		const again = await open(url);
		const l1 = await again.page.evaluate(() => {
			const t = window.pfHtml.tree();
			let n = 0;
			for (let i = 0; i < t.n; i++) if (t.depth[i] === 1) n++;
			return n;
		});
		check(l1 === 4 && await again.page.locator("button.on", { hasText: "Reverse" }).count() === 1,
		    "a URL with r=1 reopens the reversed view", url);
		check(log.errors.length + again.log.errors.length === 0, "reverse: no script errors",
		    log.errors.concat(again.log.errors).join("\n"));
		await again.page.close();
		await page.close();
	}
	{
		// Themes: light unless asked, dark with the button or t, kept in the URL.
		const { page, log } = await open(basic);
		const look = () => page.evaluate(() => [document.documentElement.dataset.theme || "",
		    getComputedStyle(document.body).backgroundColor]);
		const [th0, bg0] = await look();
		check(th0 === "" && bg0 === "rgb(246, 246, 240)", "theme: light at first", th0 + " " + bg0);
		await page.locator("button", { hasText: "Dark theme" }).click();
		const [th1, bg1] = await look();
		check(th1 === "dark" && bg1 === "rgb(29, 31, 33)", "theme: the button makes it dark",
		    th1 + " " + bg1);
		check(await hashMatches(page, /[#&]th=dark/), "theme: kept in the URL", await here(page));
		const url = await here(page);
		await page.locator("body").press("t");
		const [th2, bg2] = await look();
		check(th2 === "light" && bg2 === "rgb(246, 246, 240)", "theme: t makes it light again",
		    th2 + " " + bg2);
		const again = await open(url);
		const bg3 = await again.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		check(bg3 === "rgb(29, 31, 33)", "theme: a URL with th=dark reopens dark", bg3);
		const dark = await h.browser.newPage({ viewport: { width: 1200, height: 700 },
		    colorScheme: "dark" });
		await dark.goto(basic);
		await dark.waitForFunction(() => window.pfHtml && window.pfHtml.ready);
		const bg4 = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
		check(bg4 === "rgb(29, 31, 33)", "theme: dark when the system prefers dark", bg4);
		check(log.errors.length + again.log.errors.length === 0, "theme: no script errors",
		    log.errors.concat(again.log.errors).join("\n"));
		await dark.close();
		await again.page.close();
		await page.close();
	}
	{
		// The shortcuts panel: ?, the ? button, Esc.
		const { page, log } = await open(basic);
		const help = page.locator(".help");
		check(!(await help.isVisible()), "shortcuts: hidden at first");
		await page.locator("body").click({ position: { x: 5, y: 5 } });
		await page.locator("body").press("?");
		const text = await help.innerText();
		check(await help.isVisible() && /Keyboard shortcuts/.test(text) &&
		    ["zoom into a frame", "search", "reverse", "light or dark theme", "flame graph or icicle"]
		    .every((w) => text.includes(w)), "shortcuts: ? shows the list", text);
		await page.keyboard.press("Escape");
		check(!(await help.isVisible()), "shortcuts: Esc closes the list");
		await page.locator("button", { hasText: "?" }).click();
		check(await help.isVisible(), "shortcuts: the ? button opens the list");
		await page.locator("body").press("?");
		check(!(await help.isVisible()), "shortcuts: ? again closes the list");
		check(log.errors.length === 0, "shortcuts: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		const { page, log } = await open(differential);
		check(await page.locator(".legend").isVisible(), "differential: a legend is shown");
		const color = () => page.evaluate(() => {
			const v = window.pfHtml.view, i = window.pfHtml.find("a");
			return v.color(i);
		});
		const a0 = await color();
		const mainSelf = await page.evaluate(() => window.pfHtml.view.color(window.pfHtml.find("main")));
		await page.locator("button", { hasText: "Total change" }).click();
		const mainIncl = await page.evaluate(() => window.pfHtml.view.color(window.pfHtml.find("main")));
		check(/^#ff[0-9a-f]{4}$/.test(a0) && a0 !== "#ffffff", "differential: a grew, red", a0);
		check(mainSelf === "#c9c9c3" && mainIncl === "#c9c9c3",
		    "differential: main has no change, grey", mainSelf + " " + mainIncl);
		const b = await page.evaluate(() => window.pfHtml.view.color(window.pfHtml.find("b")));
		check(/^#[0-9a-f]{4}ff$/.test(b) && b !== "#ffffff",
		    "differential: b shrank, blue (total change)", b);
		check(await hashMatches(page, /[#&]d=inclusive/), "differential: the switch is kept in the URL",
		    (await here(page)));
		check(log.errors.length === 0, "differential: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		const { page, log } = await open(hostile);
		const shown = await page.evaluate(() => window.pfHtml.names);
		check(hostileNames.every((n) => shown.includes(n)),
		    "hostile names: each is data, intact", JSON.stringify(shown));
		for (const e of ["img", "iframe", "svg", "object"])
			check(await page.locator(e).count() === 0, `hostile names: no <${e}> element appears`);
		check(await page.locator("script").count() === 2,
		    "hostile names: only the data and the viewer's script exist");
		for (const n of hostileNames) {
			const r = await rect(page, n);
			await page.mouse.move(r.x + 2, r.y + 5);
		}
		await clickFrame(page, hostileNames[0]);
		await search(page, "alert");
		await page.locator("button", { hasText: "Functions" }).click();
		await page.locator(".functions tbody tr").first().click();
		await page.waitForTimeout(200);
		check(log.dialogs.length === 0, "hostile names: hover, zoom, search, table run nothing",
		    JSON.stringify(log.dialogs));
		check(log.errors.length === 0, "hostile names: no script errors", log.errors.join("\n"));
		check(log.requests.length === 0, "hostile names: no network requests",
		    log.requests.join("\n"));
		await page.close();
	}

	// ------------------------------------------------------------ defects
	{
		// Buttons say what they do; the one showing is pressed.
		const { page, log } = await open(differential);
		const state = () => page.evaluate(() => [...document.querySelectorAll(".tools button")]
		    .map((b) => b.textContent + (b.getAttribute("aria-pressed") === "true" ? "*" : "")).join("|"));
		const s0 = await state();
		await page.locator("button", { hasText: "Icicle" }).click();
		await page.locator("button", { hasText: "Total change" }).click();
		const s1 = await state();
		check(s0.startsWith("Flame graph|Functions|Sandwich|Flame*|Icicle|Reverse|Self change*|Total change|") &&
		    s1.startsWith("Flame graph|Functions|Sandwich|Flame|Icicle*|Reverse|Self change|Total change*|"),
		    "buttons keep their labels, the active view is pressed", s0 + "\n" + s1);
		check((await page.locator(".tabs button[aria-selected=true]").allInnerTexts()).join() === "Flame graph",
		    "the tab shown is selected");
		// No change is grey, not white: it stands out from the page.
		const grey = await page.evaluate(() => {
			const v = window.pfHtml.view, c = parseInt(v.color(window.pfHtml.find("c")).slice(1), 16);
			return [c, window.pfHtml.contrast(c, 0xf6f6f0), window.pfHtml.contrast(c, 0x1d1f21)];
		});
		check(grey[0] !== 0xffffff && grey[1] >= 1.5 && grey[2] >= 1.5,
		    "differential: no change is grey, seen against both themes' pages", JSON.stringify(grey));
		const legend = await page.locator(".legend").innerText();
		check(/grew/.test(legend) && /shrank/.test(legend) && /no change/.test(legend) &&
		    /Widths: after/.test(legend), "differential: the legend says what colours and widths mean", legend);
		check(log.errors.length === 0, "buttons: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		// Labels read on every fill: the faded ancestors of a zoomed frame
		// in the dark theme, and every colour of a differential graph.
		const sample = (page, name) => page.evaluate((n) => {
			const p = window.pfHtml, v = p.view, r = v.frameBox(p.find(n)), d = v.dpr;
			const img = v.ctx.getImageData(Math.round(r.x * d) + 2, Math.round(r.y * d) + 1,
			    Math.max(1, Math.round(Math.min(r.w, 200) * d) - 4), Math.round(13 * d)).data;
			const count = new Map();
			for (let q = 0; q < img.length; q += 4) {
				const c = (img[q] << 16) | (img[q + 1] << 8) | img[q + 2];
				count.set(c, (count.get(c) || 0) + 1);
			}
			let fill = 0, most = -1, best = 1;
			for (const [c, k] of count) if (k > most) { most = k; fill = c; }
			for (const c of count.keys()) best = Math.max(best, p.contrast(c, fill));
			return { fill: fill.toString(16), contrast: best, colours: count.size };
		}, name);
		const { page, log } = await open(basic + "#th=dark");
		await clickFrame(page, "token");
		await page.mouse.move(600, 5);
		for (const n of ["all", "main", "parse"]) {
			const m = await sample(page, n);
			check(m.colours > 2 && m.contrast >= 4.5, `dark theme: the faded ancestor ${n} reads (contrast >= 4.5)`,
			    JSON.stringify(m));
		}
		await page.close();
		for (const pal of ["rb", "cb"]) {
			const d = await open(differential + "#pal=" + pal);
			await d.page.mouse.move(600, 5);
			for (const n of ["a", "b", "c", "main"]) {
				const m = await sample(d.page, n);
				check(m.contrast >= 4.5, `differential (${pal}): the label of ${n} reads`, JSON.stringify(m));
			}
			check(d.log.errors.length === 0, "label contrast: no script errors", d.log.errors.join("\n"));
			await d.page.close();
		}
		check(log.errors.length === 0, "dark ancestors: no script errors", log.errors.join("\n"));
	}
	{
		// A shallow graph sits under the toolbar, not at the bottom of an
		// empty window.
		const { page } = await open(basic, { width: 1200, height: 900 });
		const r = await rect(page, "all"), pane = await page.locator(".pane.graph").boundingBox();
		check(r.y < 160 && pane.height <= 4 * 16 + 8 + 1,
		    "a shallow graph takes the height it needs", JSON.stringify({ r, pane }));
		await page.close();
	}
	{
		// An invalid pattern says what is wrong.
		const { page } = await open(basic);
		await search(page, "(parse");
		const m = await page.locator(".matched").innerText();
		check(/^Invalid pattern: .*(Unterminated group|missing \))/i.test(m) &&
		    await page.locator(".search").getAttribute("aria-invalid") === "true",
		    "an invalid pattern is explained next to the box", m);
		await search(page, "parse");
		check(await page.locator(".search").getAttribute("aria-invalid") === "false",
		    "a valid pattern clears the error");
		await page.close();
	}
	{
		// The sandwich opens on the heaviest function.
		const { page } = await open(basic);
		await page.locator("body").press("s");
		const name = await page.locator(".sw-name b").innerText();
		check(name === "token" && await page.evaluate(() => window.pfHtml.callersView.tree.n) === 3,
		    "the sandwich opens on the function with the most samples of its own", name);
		await page.close();
	}
	{
		// Counts in units: times and sizes.
		const { page, log } = await open(times);
		let r = await rect(page, "a");
		await page.mouse.move(r.x + 10, r.y + 5);
		let tip = await page.locator(".tip").innerText();
		check(/Total: 1\.24 s \(100\.00%\)/.test(tip), "--countname ns: counts as times", tip);
		await page.locator("body").press("f");
		const cells = await page.locator(".functions tbody tr").allInnerTexts();
		check(cells.some((c) => /^1\.24 s \(100\.00%\)\t1\.24 s \(100\.00%\)\ta$/.test(c)) &&
		    cells.some((c) => /^2 µs \(0\.00%\)/.test(c)) &&
		    /Self \(time\)/.test(await page.locator(".functions thead").innerText()),
		    "--countname ns: the table in times", cells.join("\n"));
		await page.close();
		const b = await open(sizes);
		r = await rect(b.page, "alloc");
		await b.page.mouse.move(r.x + 10, r.y + 5);
		tip = await b.page.locator(".tip").innerText();
		check(/Total: 3\.1 MiB \(99\.98%\)/.test(tip), "--countname bytes: counts as sizes", tip);
		await b.page.locator("body").press("f");
		const rows = await b.page.locator(".functions tbody tr").allInnerTexts();
		check(rows.some((c) => /^512 B \(0\.02%\)\t512 B \(0\.02%\)\tfree$/.test(c)),
		    "--countname bytes: small sizes in bytes", rows.join("\n"));
		check(log.errors.length + b.log.errors.length === 0, "units: no script errors");
		await b.page.close();
	}
	// ---------------------------------------------------------- transforms
	{
		const { page, log } = await open(xform);
		const folded = () => page.evaluate(() => window.pfHtml.folded());
		check(await folded() === pfMerge([]), "transforms: none gives pf-merge's profile", await folded());
		// By the mouse: right click, then the menu.
		const r = await rect(page, "parse");
		await page.mouse.click(r.x + 5, r.y + 5, { button: "right" });
		check(await page.locator(".menu").isVisible(), "transforms: a right click opens the actions");
		await page.locator(".menu button", { hasText: "Focus on parse" }).click();
		check(await folded() === pfMerge(["--focus", "^parse$"]),
		    "focus on a function is pf-merge --focus", await folded());
		const chips = await page.locator(".transforms .chip").allInnerTexts();
		check(chips.length === 1 && /^Focus on parse/.test(chips[0]), "transforms: a breadcrumb says what was done",
		    chips.join("|"));
		check(await hashMatches(page, /[#&]x=focus%3Aparse/), "transforms: kept in the URL", await here(page));
		await page.locator(".transforms .chip button").click();
		check(await folded() === pfMerge([]) && await page.locator(".transforms .chip").count() === 0,
		    "transforms: the breadcrumb's button removes it");
		await page.close();
		const cases = [
			["drop:parse", ["--exclude", "^parse$"], "drop is pf-merge --exclude"],
			["recursion:", ["--collapse-recursion"], "collapsing all recursion is pf-merge --collapse-recursion"],
			["focus:parse&x=drop:eval", ["--focus", "^parse$", "--exclude", "^eval$"],
			    "transforms apply in order, as pf-merge's filters"],
		];
		for (const [x, args, name] of cases) {
			const o = await open(xform + "#x=" + x.replace(/:/g, "%3A"));
			const got = await o.page.evaluate(() => window.pfHtml.folded());
			check(got === pfMerge(args), name, got + "---\n" + pfMerge(args));
			await o.page.close();
		}
		// Those pf-merge has not: the expected profiles written by hand.
		const byHand = [
			["merge:eval", "main 20\nmain;apply 30\nmain;parse 10\nmain;parse;token 45\n" +
			    "main;rec;rec;rec;leaf 8\nmain;std::vector<int>::push_back;std::vector<int>::grow;alloc 7\n" +
			    "main;std::vector<int>::size 2\n", "merging a function into its callers"],
			["recursion:rec", "main;eval 20\nmain;eval;apply 30\nmain;eval;parse;token 5\nmain;parse 10\n" +
			    "main;parse;token 40\nmain;rec;leaf 8\nmain;std::vector<int>::push_back;std::vector<int>::grow;alloc 7\n" +
			    "main;std::vector<int>::size 2\n", "collapsing one function's recursion"],
			["module:std::vector<int>", "main;eval 20\nmain;eval;apply 30\nmain;eval;parse;token 5\n" +
			    "main;parse 10\nmain;parse;token 40\nmain;rec;rec;rec;leaf 8\nmain;std::vector<int> 2\n" +
			    "main;std::vector<int>;alloc 7\n", "collapsing a module (a C++ class)"],
		];
		for (const [x, want, name] of byHand) {
			const o = await open(xform + "#x=" + encodeURIComponent(x));
			const got = await o.page.evaluate(() => window.pfHtml.folded());
			check(got === want, name, got);
			await o.page.close();
		}
		const m = await open(xform);
		const chain = await m.page.evaluate(() => [
		    "std::vector<int, std::allocator<int> >::push_back(int const&)", "java/util/HashMap.get",
		    "net/http.(*conn).serve", "libc.so.6`malloc", "parse (json/decoder.py:353)",
		    "Module._load node:internal/modules/cjs/loader:1003", "[unknown]", "main"].map((n) => {
			window.pfHtml.names.push(n);
			return window.pfHtml.moduleChain(window.pfHtml.names.length - 1).join(" | ");
		}));
		check(JSON.stringify(chain) === JSON.stringify([
		    "std::vector<int, std::allocator<int> > | std", "java/util/HashMap | java/util | java",
		    "net/http.(*conn) | net/http | net", "libc.so.6", "json/decoder.py | json",
		    "node:internal/modules/cjs/loader | node:internal/modules/cjs | node:internal/modules | node:internal",
		    "", ""]), "modules of C++, Java, Go, DTrace, Python and Node.js names", JSON.stringify(chain));
		check(log.errors.length + m.log.errors.length === 0, "transforms: no script errors",
		    log.errors.join("\n"));
		await m.page.close();
	}
	{
		// Threads: a picker shows one root.
		const { page, log } = await open(threads);
		const opts = await page.locator("select.roots option").allInnerTexts();
		check(opts.join("|") === "All threads and processes|app-1/11|app-1/12|app-2/21",
		    "threads: a picker lists the roots, heaviest first", opts.join("|"));
		await page.locator("select.roots").selectOption({ label: "app-1/12" });
		const f = await page.evaluate(() => window.pfHtml.folded());
		check(f === "app-1/12;main;b 3\n", "threads: picking one shows only its stacks", f);
		check(await hashMatches(page, /[#&]x=root%3Aapp-1%2F12/), "threads: the pick is kept in the URL",
		    await here(page));
		const url = await here(page);
		await page.locator("select.roots").selectOption({ index: 0 });
		const all = await page.evaluate(() => window.pfHtml.folded());
		const again = await open(url);
		check(all.split("\n").length === 4 && await again.page.evaluate(() => window.pfHtml.folded()) ===
		    "app-1/12;main;b 3\n" && await again.page.locator("select.roots").inputValue() !== "",
		    "threads: all again, and the URL reopens the pick", all);
		check(log.errors.length + again.log.errors.length === 0, "threads: no script errors");
		await again.page.close();
		await page.close();
	}
	// -------------------------------------------------------- differential
	{
		const { page, log } = await open(differential);
		await page.locator("body").press("f");
		const head = await page.locator(".functions thead th").allInnerTexts();
		check(head.join("|").replace(/ [▾▴]/g, "") ===
		    "Self before|Self after|Self change|Total before|Total after|Total change|Function",
		    "differential table: before, after and change of self and total", head.join("|"));
		const row = async (n) => (await page.locator(".functions tbody tr").nth(n).innerText()).split("\t");
		await page.locator(".functions th button", { hasText: "Self change" }).click();
		const top = await row(0);
		check(top[6] === "a" && top[0] === "10 (22.22%)" && top[1] === "30 (66.67%)" && top[2] === "+20 (+200.0%)",
		    "differential table: sorted by self change, largest first", top.join("|"));
		await page.locator(".functions th button", { hasText: "Self change" }).click();
		const low = await row(0);
		check(low[6] === "b" && low[2] === "-20 (-66.7%)", "differential table: and the other way", low.join("|"));
		check(await page.locator(".functions th[aria-sort=ascending]").innerText() === "Self change",
		    "differential table: the sorted column says so");
		await page.locator("body").press("g");
		const r = await rect(page, "a");
		await page.mouse.move(r.x + 10, r.y + 5);
		const tip = await page.locator(".tip").innerText();
		check(tip.includes("Self before \u2192 after: 10 samples \u2192 30 samples, +20 samples (+200.0%)") &&
		    tip.includes("Total before \u2192 after: 10 samples \u2192 30 samples"),
		    "differential tooltip: both counts and the change", tip);
		await page.locator("select.palette").selectOption("cb");
		const cb = await page.evaluate(() => ["a", "b"].map((n) => window.pfHtml.view.color(window.pfHtml.find(n))));
		check(cb[0] === "#d94801" && cb[1] === "#08519c", "colour-blind palette: orange grew, blue shrank",
		    cb.join(" "));
		check(await hashMatches(page, /[#&]pal=cb/), "colour-blind palette: kept in the URL", await here(page));
		const again = await open(await here(page));
		check(await again.page.evaluate(() => window.pfHtml.view.color(window.pfHtml.find("a"))) === "#d94801" &&
		    await again.page.locator("select.palette").inputValue() === "cb",
		    "colour-blind palette: the URL reopens it");
		check(log.errors.length + again.log.errors.length === 0, "differential table: no script errors",
		    log.errors.join("\n"));
		await again.page.close();
		await page.close();
	}
	// ------------------------------------------------------------ keyboard
	{
		const { page, log } = await open(basic);
		const said = () => page.locator("[role=status]").textContent();
		const focused = () => page.evaluate(() => {
			const e = document.activeElement;
			return e.getAttribute("aria-label") || e.textContent || e.placeholder || e.tagName;
		});
		// Every control is reached by Tab, and so is the graph.
		const seen = [];
		for (let k = 0; k < 16; k++) {
			await page.keyboard.press("Tab");
			seen.push(await focused());
		}
		const want = ["Flame graph", "Functions", "Sandwich", "Flame", "Icicle", "Reverse",
		    "Search function names (regular expression)", "Ignore case", "Dark theme", "Keyboard shortcuts"];
		check(want.every((w) => seen.includes(w)) && seen.some((w) => /^Flame graph: arrow keys/.test(w)),
		    "keyboard: Tab reaches every control and the graph", seen.join(" | "));
		await page.locator(".pane.graph .scroll").focus();
		check(/^all\. Total: 100 samples \(100\.00%\)/.test(await said()),
		    "keyboard: the graph announces the frame in focus", await said());
		await page.keyboard.press("ArrowUp");
		await page.keyboard.press("ArrowUp");
		const eval_ = await said();
		await page.keyboard.press("ArrowRight");
		const parse = await said();
		await page.keyboard.press("ArrowUp");
		const token = await said();
		await page.keyboard.press("ArrowDown");
		check(/^eval\. Total: 50 samples \(50\.00%\)\. Self: 20 samples/.test(eval_) &&
		    /^parse\. /.test(parse) && /^token\. .*Depth 3\.$/.test(token) && /^parse\. /.test(await said()),
		    "keyboard: arrows move to children, siblings and parents", [eval_, parse, token].join(" / "));
		await page.keyboard.press("Enter");
		check(await page.evaluate(() => window.pfHtml.view.zoom) === await page.evaluate(() =>
		    window.pfHtml.find("parse")) && (await page.locator(".crumbs .crumb").allInnerTexts()).join(">") ===
		    "all>main>parse", "keyboard: Enter zooms into the frame in focus");
		await page.keyboard.press("Escape");
		check(await page.evaluate(() => window.pfHtml.view.zoom) === 0, "keyboard: Esc zooms out");
		await page.keyboard.press("ArrowUp");
		await page.keyboard.press("ArrowUp");
		await page.keyboard.press("ArrowRight");
		await page.keyboard.press("a");
		const items = await page.locator(".menu [role=menuitem]").allInnerTexts();
		check(await page.evaluate(() => document.activeElement.getAttribute("role")) === "menuitem" &&
		    items.includes("Drop parse (and what it calls)"), "keyboard: a opens the frame's actions, in focus",
		    items.join(" | "));
		for (let k = 0; k < 3; k++) await page.keyboard.press("ArrowDown");
		await page.keyboard.press("Enter");
		check(await page.evaluate(() => window.pfHtml.folded()) === "main;eval 20\nmain;eval;apply 30\n",
		    "keyboard: an action applies a transform", await page.evaluate(() => window.pfHtml.folded()));
		check(/^Applied: Dropped parse/.test(await said()), "keyboard: the transform is announced", await said());
		await page.locator(".transforms .chip button").focus();
		await page.keyboard.press("Enter");
		check(await page.locator(".transforms .chip").count() === 0 && /^Removed: Dropped parse/.test(await said()),
		    "keyboard: Enter on a breadcrumb's button removes the transform", await said());
		// The functions table: sort and open a function, keys only.
		await page.keyboard.press("f");
		await page.locator(".functions th button", { hasText: "Total" }).focus();
		await page.keyboard.press("Enter");
		check(await page.locator(".functions th[aria-sort=descending]").innerText() === "Total (samples)",
		    "keyboard: Enter on a header sorts the table");
		await page.keyboard.press("Tab");
		await page.keyboard.press("Tab");
		const fn = await focused();
		await page.keyboard.press("Enter");
		check(await page.locator(".pane.sandwich").isVisible() &&
		    await page.locator(".sw-name b").innerText() === fn, "keyboard: Enter on a function opens its sandwich", fn);
		check(await page.evaluate(() => document.querySelector(".functions caption") !== null &&
		    document.querySelectorAll(".functions th[scope=col]").length === 3),
		    "the functions table is a table: a caption and column headers");
		check(log.errors.length === 0, "keyboard: no script errors", log.errors.join("\n"));
		await page.close();
	}
	// ------------------------------------------- hostile names, new paths
	{
		const { page, log } = await open(hostile);
		const texts = [];
		await page.locator(".pane.graph .scroll").focus();
		await page.keyboard.press("ArrowUp");
		await page.keyboard.press("ArrowUp");
		for (let k = 0; k < hostileNames.length; k++) await page.keyboard.press("ArrowLeft");
		for (let k = 0; k < hostileNames.length; k++) {
			texts.push(await page.locator("[role=status]").textContent());
			await page.keyboard.press("ArrowRight");
		}
		check(hostileNames.every((n) => texts.some((t) => t.startsWith(n + ". Total:"))),
		    "hostile names: announced as text", texts.join("\n"));
		const i = await page.evaluate((n) => window.pfHtml.find(n), hostileNames[0]);
		await page.evaluate((k) => { window.pfHtml.zoomTo(k); }, i);
		const crumbs = await page.locator(".crumbs .crumb").allInnerTexts();
		check(crumbs[2] === hostileNames[0], "hostile names: breadcrumbs are text", crumbs.join(" > "));
		for (const [n, action] of [[hostileNames[1], "Merge"], [hostileNames[4], "Collapse the recursion"]]) {
			const r = await rect(page, n);
			await page.evaluate(() => window.pfHtml.zoomTo(0));
			const r2 = await rect(page, n);
			await page.mouse.click(r2.x + 2, r2.y + 5, { button: "right" });
			const title = await page.locator(".menu .menu-title").innerText();
			check(title === n, "hostile names: the actions menu names it as text", title + " " + JSON.stringify(r));
			await page.locator(".menu button", { hasText: action }).first().click();
		}
		const chips = await page.locator(".transforms .chip").allInnerTexts();
		check(chips.some((c) => c.startsWith("Merged into callers: " + hostileNames[1])) &&
		    chips.some((c) => c.startsWith("Recursion collapsed: " + hostileNames[4])),
		    "hostile names: transform breadcrumbs are text", chips.join("\n"));
		const url = await here(page);
		const again = await open(url);
		check(await again.page.locator(".transforms .chip").count() === 2,
		    "hostile names: transforms survive the URL", url);
		await page.locator("body").press("f");
		const cells = await page.locator(".functions td.fn").allInnerTexts();
		check(hostileNames.filter((n) => n !== hostileNames[1]).every((n) => cells.includes(n)),
		    "hostile names: table cells are text", cells.join("\n"));
		await page.locator(".functions .fnlink", { hasText: "<svg" }).click();
		check(await page.locator(".sw-name b").innerText() === hostileNames[4],
		    "hostile names: the sandwich names it as text");
		for (const e of ["img", "iframe", "svg", "object"])
			check(await page.locator(e).count() + await again.page.locator(e).count() === 0,
			    `hostile names, new paths: no <${e}> element appears`);
		check(await page.locator("script").count() === 2, "hostile names, new paths: no script element appears");
		check(log.dialogs.length + again.log.dialogs.length === 0, "hostile names, new paths: nothing runs",
		    JSON.stringify(log.dialogs));
		check(log.errors.length + again.log.errors.length === 0, "hostile names, new paths: no script errors",
		    log.errors.join("\n"));
		check(log.requests.length === 0, "hostile names, new paths: no network requests");
		await again.page.close();
		await page.close();
	}
	// ----------------------------------------------------------- long names
	{
		const { page, log } = await open(long);
		await page.locator("body").press("f");
		const cell = await page.locator(".functions td.fn .fnlink").evaluateAll((bs) =>
		    bs.map((b) => b.textContent.length));
		check(Math.max(...cell) <= 200 + 1, "a 1 MB name is cut in the table", JSON.stringify(cell));
		await page.locator(".functions .more").click();
		const whole = await page.locator(".fullname textarea").inputValue();
		check(whole === longName, "the whole name is one button away", String(whole.length));
		await page.keyboard.press("Escape");
		check(!(await page.locator(".fullname").isVisible()), "Esc closes the whole name");
		await page.locator("body").press("g");
		const i = await page.evaluate(() => window.pfHtml.names.findIndex((n) => n.length > 1000));
		const r = await page.evaluate((k) => {
			const p = window.pfHtml, t = p.view.tree;
			for (let j = 0; j < t.n; j++) if (t.name[j] === k) return p.view.rectOf(j);
			return null;
		}, i);
		await page.mouse.move(r.x + 5, r.y + 5);
		const tip = await page.locator(".tip").innerText();
		check(tip.length < 600 && /characters, cut/.test(tip), "a 1 MB name is cut in the tooltip", tip.slice(0, 300));
		await page.mouse.click(r.x + 5, r.y + 5);
		const crumb = await page.locator(".crumbs .crumb").last().innerText();
		check(crumb.length <= 201, "a 1 MB name is cut in the breadcrumbs", String(crumb.length));
		await page.mouse.click(r.x + 5, r.y + 5, { button: "right" });
		await page.locator(".menu button", { hasText: "Show the whole name" }).click();
		check(await page.locator(".fullname textarea").inputValue() === longName,
		    "the actions menu shows the whole name too");
		await page.keyboard.press("Escape");
		check(await hashMatches(page, /[#&]z=/) && (await here(page)).length < 4000,
		    "a 1 MB name stays out of the URL", String((await here(page)).length));
		check(log.errors.length === 0, "long name: no script errors", log.errors.join("\n"));
		await page.close();
	}
	// ------------------------------------------------- searches that hang
	{
		// Where no worker can start, only patterns that cannot backtrack
		// without end are matched, in the page.
		const { page, log } = await open(redos + "#s=(a%2B)%2B%24", undefined, () => { delete window.Worker; });
		const m = await page.locator(".matched").innerText();
		check(/^Pattern not searched/.test(m) && await roundTrip(page) < 500,
		    "without workers: a nested quantifier is refused, the page answers", m);
		await search(page, "(.*a){25}");
		const m2 = await page.locator(".matched").innerText();
		check(/^Pattern not searched/.test(m2), "without workers: a quantified group is refused", m2);
		await search(page, "^tok");
		const m3 = await page.locator(".matched").innerText();
		check(m3 === "Matched: 20.00% (1)", "without workers: a simple pattern is matched", m3);
		check(log.errors.length === 0, "without workers: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		// Hostile state in the URL: unknown kinds and names are left out,
		// a module's name from the URL is only ever text.
		const bad = encodeURIComponent("<img src=x onerror=alert(1)>");
		const { page, log } = await open(hostile + "#x=module%3A" + bad + "&x=nosuch%3Amain&x=focus%3Anosuch" +
		    "&x=root%3A%23999999&fi=999999&z=-5&t=%3Cscript%3E&pal=%22&th=%3Cb%3E&m=" + bad);
		const chips = await page.locator(".transforms .chip").allInnerTexts();
		check(chips.length === 1 && chips[0].startsWith("Collapsed <img src=x onerror=alert(1)>"),
		    "hostile URL state: only a module transform is kept, as text", chips.join("|"));
		check(await page.locator("img").count() === 0 && log.dialogs.length === 0 && log.errors.length === 0,
		    "hostile URL state: nothing runs, no script errors", log.errors.join("\n"));
		check(await page.evaluate(() => window.pfHtml.view.zoom === 0 && window.pfHtml.state.tab === "graph" &&
		    window.pfHtml.state.fn === -1 && window.pfHtml.state.pal === "rb"),
		    "hostile URL state: out-of-range values fall back to the defaults");
		await page.close();
	}
});
