// Browser tests of pf-html's viewer, in headless Chromium.
//
//   node tests/browser/test-html.mjs BUILD
//
// Writes a few pages with BUILD/pf-html, opens them from file:// URLs and
// prints "ok NAME" / "not ok NAME" per check, as test-svg.mjs does.  Needs
// Debian's chromium (or $PF_CHROMIUM) and playwright-core in
// tests/browser/node_modules.  This script installs nothing.
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

await h.launch();

const open = (url, viewport = { width: 1200, height: 700 }) =>
    h.open(url, viewport, () => window.pfHtml && window.pfHtml.ready);

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
});
