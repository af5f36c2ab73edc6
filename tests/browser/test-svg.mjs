// Browser tests of pf-svg's embedded script, in headless Chromium.
//
//   node tests/browser/test-svg.mjs BUILD
//
// Draws a few graphs with BUILD/pf-svg, opens them from file:// URLs and
// prints "ok NAME" / "not ok NAME" per check (TAP-like, as the unit tests
// do).  Needs Debian's chromium at /usr/bin/chromium (or $PF_CHROMIUM) and
// playwright-core in tests/browser/node_modules; ./quickstart.sh check
// installs both.  This script installs nothing.
import { harness } from "./harness.mjs";

const h = harness("pf-svg", "svg");
const check = h.check;
const draw = h.make;

const basic = draw("basic",
	"main;parse;token 40\nmain;parse 10\nmain;eval;apply 30\nmain;eval 20\n");
const hostile = draw("hostile", [
	"main;</script><script>alert(1)</script> 5",
	"main;\"><img src=x onerror=alert(1)> 3",
	"main;]]> 2",
	"main;'-alert(1)-' 4",
	"main;<svg onload=alert(1)> 2",
	"main;javascript:alert(1) 1",
	"main;\u0000x 1".replace("\u0000", "\u0001"),
].join("\n") + "\n");

// Names on which a backtracking pattern takes forever: (a+)+$ against
// a run of a's that does not end the name, (.*a){25} against 24 a's.
const redos = draw("redos", [
	"main;" + "a".repeat(40) + "b 3",
	"main;" + "a".repeat(33) + "!x 2",
	"main;" + "axxx".repeat(24) + " 1",
	"main;tokenize 1",
].join("\n") + "\n");
// A 1 MB frame name.
const longName = "x".repeat(1 << 20);
const long = draw("long", `main;${longName} 2\nmain;short 1\n`);
// A deep graph, taller than the window.
const deep = draw("deep", Array.from({ length: 90 }, (_, i) => "f" + i).join(";") + " 1\n");

await h.launch();

const open = (url, viewport = { width: 1200, height: 800 }, init) =>
    h.open(url, viewport, () => window.pfFlameGraph !== undefined, init);

// Whether the page still runs script: a round trip through it, in ms.
async function roundTrip(page) {
	const t0 = Date.now();
	await page.evaluate(() => 1);
	return Date.now() - t0;
}

// The frame <g> whose title starts with NAME followed by " (".
function frame(page, name) {
	return page.locator("#frames > g").filter({
		has: page.locator(`title`, { hasText: new RegExp("^" +
		    name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + " \\(") }),
	}).first();
}

// Searches run in a worker: wait until the one in progress has settled.
const settle = (page) => page.evaluate(() => window.pfFlameGraph.settled());

async function rectOf(page, name) {
	const r = frame(page, name).locator("rect");
	return {
		x: parseFloat(await r.getAttribute("x")),
		w: parseFloat(await r.getAttribute("width")),
		fill: await r.getAttribute("fill"),
		cls: await frame(page, name).getAttribute("class"),
	};
}

await h.run(async () => {
	{
		const { page, log } = await open(basic);
		check(await page.locator("#frames > g").count() === 6,
		    "basic: the graph loads with its 6 frames");

		await frame(page, "parse").hover();
		const details = await page.locator("#details").textContent();
		check(details === "Function: parse (50 samples, 50.00%)",
		    "hover shows the frame's details", details);

		await frame(page, "parse").click();
		const z = await rectOf(page, "parse"), t = await rectOf(page, "token");
		const e = await rectOf(page, "eval"), m = await rectOf(page, "main");
		check(Math.abs(z.x - 10) < 0.2 && Math.abs(z.w - 1180) < 0.2,
		    "click zooms: the frame fills the width", JSON.stringify(z));
		check(Math.abs(t.w - 944) < 0.2, "click zooms: children scale with it",
		    JSON.stringify(t));
		check((e.cls || "").includes("hide"), "click zooms: frames outside are hidden");
		check((m.cls || "").includes("parent"), "click zooms: ancestors are dimmed");
		check(!((await page.locator("#unzoom").getAttribute("class")) || "").includes("hide"),
		    "click zooms: the reset control appears");
		const url = page.url();
		check(/[#&]x=600(\.0)?&y=52/.test(url), "zoom is kept in the URL", url);

		await page.locator("#unzoom").click();
		const p2 = await rectOf(page, "parse");
		check(Math.abs(p2.x - 600) < 0.2 && Math.abs(p2.w - 590) < 0.2 &&
		    !((await rectOf(page, "eval")).cls || "").includes("hide"),
		    "reset zoom restores the graph", JSON.stringify(p2));

		page.answer = "^(parse|token)$";
		await page.keyboard.press("Control+f");
		await settle(page);
		const matched = await page.locator("#matched").textContent();
		check(matched === "Matched: 50.0%",
		    "search (Ctrl-F): nested matches are not counted twice", matched);
		check((await rectOf(page, "token")).fill === "rgb(230,0,230)" &&
		    (await rectOf(page, "eval")).fill !== "rgb(230,0,230)",
		    "search highlights the matching frames only");
		check(decodeURIComponent(new URL(page.url()).hash).includes("s=^(parse|token)$"),
		    "search is kept in the URL", page.url());

		page.answer = "PARSE";
		await page.keyboard.press("F3");
		await settle(page);
		check(await page.locator("#matched").textContent() === "Matched: 0.0%",
		    "search (F3) is case-sensitive by default");
		await page.keyboard.press("Control+i");
		await settle(page);
		check(await page.locator("#matched").textContent() === "Matched: 50.0%",
		    "Ctrl-I toggles case and searches again");

		await page.locator("#search").click();
		check(await page.locator("#matched").textContent() === " " &&
		    (await rectOf(page, "parse")).fill !== "rgb(230,0,230)",
		    "the search button resets the search");

		check(log.dialogs.every((d) => d.type === "prompt"),
		    "only search prompts were shown", JSON.stringify(log.dialogs));
		check(log.errors.length === 0, "no script errors", log.errors.join("\n"));
		check(log.requests.length === 0, "no network requests", log.requests.join("\n"));
		await page.close();
	}
	{
		// A link with the state reopens the same view.
		const { page, log } = await open(basic + "#x=600.0&y=52.0&s=tok&i=1");
		await settle(page);
		const p = await rectOf(page, "parse"), t = await rectOf(page, "token");
		check(Math.abs(p.w - 1180) < 0.2 && t.fill === "rgb(230,0,230)" &&
		    (await page.locator("#matched").textContent()) === "Matched: 80.0%",
		    "a URL with zoom and search state reopens that view",
		    JSON.stringify([p, t, await page.locator("#matched").textContent()]));
		check(log.errors.length === 0, "state URL: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		const { page } = await open(basic, { width: 800, height: 600 });
		const w = await page.locator("svg").first().getAttribute("width");
		const all = await rectOf(page, "all");
		check(w === "800" && Math.abs(all.w - 780) < 0.2,
		    "the width follows the window", JSON.stringify({ w, all }));
		await page.setViewportSize({ width: 1000, height: 600 });
		await page.waitForFunction(() =>
		    document.documentElement.getAttribute("width") === "1000");
		check(Math.abs((await rectOf(page, "all")).w - 980) < 0.2,
		    "resizing the window redraws the graph");
		await page.close();
	}
	{
		const { page, log } = await open(hostile);
		const n = await page.locator("#frames > g").count();
		check(n === 9, "hostile names: every frame is drawn", n);
		for (const el of ["img", "iframe", "foreignObject"])
			check(await page.locator(el).count() === 0,
			    `hostile names: no <${el}> element appears`);
		check(await page.locator("script").count() === 1,
		    "hostile names: only the embedded script exists");
		const titles = await page.locator("#frames > g > title").allTextContents();
		check(titles.some((t) => t.startsWith("</script><script>alert(1)</script> (")),
		    "hostile names: </script> is shown as text", titles.join("\n"));
		for (let i = 0; i < n; i++)
			await page.locator("#frames > g").nth(i).hover();
		page.answer = "alert";
		await page.keyboard.press("Control+f");
		await settle(page);
		await page.locator("#frames > g").nth(3).click();
		await page.locator("#unzoom").click();
		await page.waitForTimeout(200);
		check(log.dialogs.filter((d) => d.type !== "prompt").length === 0,
		    "hostile names: hovering, searching and zooming run nothing",
		    JSON.stringify(log.dialogs));
		check(log.errors.length === 0, "hostile names: no script errors",
		    log.errors.join("\n"));
		check(log.requests.length === 0, "hostile names: no network requests",
		    log.requests.join("\n"));
		await page.close();
	}
	{
		// A pattern from the URL that backtracks without end: the page
		// answers while it runs, and it is stopped and called too slow.
		const { page, log } = await open(redos + "#s=(a%2B)%2B%24");
		const busy = await page.evaluate(() => window.pfFlameGraph.searching());
		const rt = await roundTrip(page);
		check(busy && rt < 500, "a catastrophic pattern in the URL runs aside, the page answers",
		    `searching ${busy}, round trip ${rt} ms`);
		await settle(page);
		const m = await page.locator("#matched").textContent();
		check(/^Pattern too slow/.test(m), "a catastrophic pattern is stopped and called too slow", m);
		page.answer = "(.*a){25}";
		await page.keyboard.press("Control+f");
		const rt2 = await roundTrip(page);
		await settle(page);
		const m2 = await page.locator("#matched").textContent();
		check(rt2 < 500 && /^Pattern too slow/.test(m2), "a catastrophic typed pattern: the same",
		    `${rt2} ms, ${m2}`);
		page.answer = "^tok";
		await page.keyboard.press("Control+f");
		await settle(page);
		const m3 = await page.locator("#matched").textContent();
		check(m3 === "Matched: 14.3%", "after a stopped search, the next one runs", m3);
		page.answer = "(unclosed";
		await page.keyboard.press("Control+f");
		const m4 = await page.locator("#matched").textContent();
		check(/^Invalid regular expression: .*(unterminated|missing|\))/i.test(m4),
		    "an invalid pattern says what is wrong", m4);
		check(log.errors.length === 0, "catastrophic patterns: no script errors", log.errors.join("\n"));
		check(log.requests.length === 0, "catastrophic patterns: no network requests",
		    log.requests.join("\n"));
		await page.close();
	}
	{
		// Where no worker can start, only patterns that cannot backtrack
		// without end are matched, in the page.
		const { page, log } = await open(redos + "#s=(a%2B)%2B%24", undefined,
		    () => { delete window.Worker; });
		const m = await page.locator("#matched").textContent();
		check(/^Pattern not searched/.test(m), "without workers: a nested quantifier is refused", m);
		page.answer = "^tok";
		await page.keyboard.press("Control+f");
		await settle(page);
		const m2 = await page.locator("#matched").textContent();
		check(m2 === "Matched: 14.3%", "without workers: a simple pattern is matched", m2);
		check(log.errors.length === 0, "without workers: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		// A megabyte of name: the details line shows it cut.
		const { page, log } = await open(long);
		const at = await page.evaluate(() =>
		    window.pfFlameGraph.frames.findIndex((f) => f.name.length > 1000));
		await page.locator("#frames > g").nth(at).hover();
		const d = await page.locator("#details").textContent();
		check(d.length < 300 && d.startsWith("Function: xxx") && d.includes("\u2026") &&
		    /\(2 samples, 66\.67%\)$/.test(d), "a 1 MB name is cut in the details line",
		    d.length + " " + d.slice(-40));
		page.answer = "^x+$";
		await page.keyboard.press("Control+f");
		await settle(page);
		check(await page.locator("#matched").textContent() === "Matched: 66.7%",
		    "a 1 MB name is still searched whole");
		check(log.errors.length === 0, "long name: no script errors", log.errors.join("\n"));
		await page.close();
	}
	{
		// A graph taller than the window gets a vertical scroll bar: the
		// width leaves room for it, so there is no horizontal one.
		const { page, log } = await open(deep, { width: 900, height: 500 });
		const m = await page.evaluate(() => {
			const e = document.scrollingElement || document.documentElement;
			return { sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight,
			    w: document.documentElement.getAttribute("width"), iw: window.innerWidth };
		});
		check(m.sh > m.ch && m.sw <= m.cw, "a tall graph has no horizontal scroll bar", JSON.stringify(m));
		const box = await page.locator("#search").boundingBox();
		check(box !== null && box.x + box.width <= m.cw, "the search control stays in sight",
		    JSON.stringify(box));
		check(log.errors.length === 0, "tall graph: no script errors", log.errors.join("\n"));
		await page.close();
	}
});
