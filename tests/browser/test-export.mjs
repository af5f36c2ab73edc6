// Browser tests of pf-export's JSON outputs in the viewers they are made
// for, in headless Chromium:
//
//   node tests/browser/test-export.mjs BUILD
//
// speedscope's own viewer (the npm package "speedscope", which ships the
// app built for file:// use) opens BUILD/pf-export's speedscope files and
// .cpuprofiles; a page of our own draws its d3 JSON with the npm package
// "d3-flame-graph".  Each check reads what the viewer shows (the profile's
// name, its total weight, frames where the flame graph draws them, the
// colours drawn) against what the folded input says.  Prints "ok NAME" /
// "not ok NAME" per check.  Needs Debian's chromium and the packages of
// tests/browser/package-lock.json (./quickstart.sh check installs them).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { harness } from "./harness.mjs";

const h = harness("pf-export", "json");
const check = h.check;
const build = resolve(process.argv[2] || "build");
const modules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
const dir = mkdtempSync(join(tmpdir(), "pf-browser-export-"));

// pf-export ARGS on folded text; returns the output's path.
function exportAs(name, folded, args) {
	const input = join(dir, name + ".folded"), out = join(dir, name);
	writeFileSync(input, folded);
	execFileSync(join(build, "pf-export"), [...args, "-o", out, input], { stdio: "pipe" });
	return out;
}

// The sum of the counts (last column) of folded text, and of each stack's
// first frame.
function totals(folded) {
	const t = { all: 0, roots: {} };
	for (const line of folded.split("\n")) {
		if (line === "")
			continue;
		const w = Number(line.slice(line.lastIndexOf(" ") + 1));
		const root = line.slice(0, line.lastIndexOf(" ")).split(";")[0];
		t.all += w;
		t.roots[root] = (t.roots[root] || 0) + w;
	}
	return t;
}

// A real recording: the example of the quick start, folded.
const deeprec = execFileSync(join(build, "pf-collapse"), ["examples/deeprec.perf.txt"]).toString();
const hostileNames = [
	"</script><script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"'-alert(1)-'",
	"<svg onload=alert(1)>",
	"a&amp:b \\u0041",
];
const hostile = Buffer.concat([Buffer.from(hostileNames.map((n, i) =>
    `main;${n} ${i + 1}\n`).join("") + "main;bad"), Buffer.from([0xff, 0xfe]),
    Buffer.from(" 2\n")]);

await h.launch();

// ------------------------------------------------------------ speedscope

const app = pathToFileURL(join(modules, "speedscope/dist/release/index.html")).href;

// Opens a file in speedscope as its command-line launcher does: a script
// that hands the file over, named in the URL.
async function speedscope(file, view) {
	const loader = file + ".js";
	writeFileSync(loader, `speedscope.loadFileFromBase64(${JSON.stringify(file.split("/").pop())}, ` +
	    `${JSON.stringify(readFileSync(file).toString("base64"))})`);
	return h.open(`${app}#localProfilePath=${loader}&view=${view}`,
	    { width: 1200, height: 800 },
	    () => / - speedscope$/.test(document.title) &&
		(document.body.innerText.includes("Symbol Name") ||
		 document.querySelectorAll("canvas").length > 0));
}

// The rows of the sandwich view's table: total, self (as shown), name.
async function sandwich(page) {
	await page.waitForFunction(() => document.body.innerText.includes("Symbol Name"));
	const text = await page.locator("body").innerText();
	const rows = [];
	const re = /^(.+?) \((?:[0-9.]+|<0\.01)%\)\n\s*(.+?) \((?:[0-9.]+|<0\.01)%\)\n\s*(.*)$/gm;
	for (const m of text.matchAll(re))
		rows.push({ total: m[1], self: m[2], name: m[3] });
	return rows;
}

const number = (s) => Number(s.replace(/,/g, ""));

// What is drawn in clip: distinct colours and the share of pixels that
// are not background, read back from a screenshot.
async function colours(page, clip) {
	const png = (await page.screenshot({ clip })).toString("base64");
	const p = await h.browser.newPage();
	const r = await p.evaluate(async (src) => {
		const img = new Image();
		img.src = "data:image/png;base64," + src;
		await img.decode();
		const c = document.createElement("canvas");
		c.width = img.width;
		c.height = img.height;
		const g = c.getContext("2d");
		g.drawImage(img, 0, 0);
		const d = g.getImageData(0, 0, c.width, c.height).data;
		const seen = new Set();
		let ink = 0;
		for (let i = 0; i < d.length; i += 4) {
			seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
			if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)
				ink++;
		}
		return { distinct: seen.size, ink: ink / (d.length / 4) };
	}, png);
	await p.close();
	return r;
}

// Hovers at (x, y) and returns speedscope's tooltip: "VALUE (P%) NAME".
async function hover(page, x, y) {
	await page.mouse.move(x, y);
	await page.waitForTimeout(150);
	const text = await page.locator("body").innerText();
	return text.split("\n").filter((l) => /\(\d+(\.\d+)?%\)/.test(l)).join(" | ");
}

// ------------------------------------------------------------ d3

const d3scripts = ["d3-array", "d3-color", "d3-dispatch", "d3-ease", "d3-format",
	"d3-interpolate", "d3-hierarchy", "d3-selection", "d3-time", "d3-time-format",
	"d3-scale", "d3-timer", "d3-transition"].map((m) =>
	    pathToFileURL(join(modules, m, "dist", m + ".min.js")).href);

// A page of one's own drawing pf-export's d3 JSON, pasted into a <script>
// element as it is; differential colours and computeDelta when asked.
function d3page(name, json, differential) {
	const page = join(dir, name + ".html");
	writeFileSync(page, `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="${pathToFileURL(join(modules, "d3-flame-graph/dist/d3-flamegraph.css")).href}">
${d3scripts.map((s) => `<script src="${s}"></script>`).join("\n")}
<script src="${pathToFileURL(join(modules, "d3-flame-graph/dist/d3-flamegraph.umd.js")).href}"></script>
</head><body><div id="chart"></div>
<script>
const data = ${json};
const chart = flamegraph.default().width(960).transitionDuration(0)${differential ?
	    ".setColorMapper(flamegraph.colorMapper.differentialColorMapper)" : ""};
d3.select("#chart").datum(data).call(chart);
setTimeout(() => { window.drawn = true; }, 100);
</script></body></html>
`);
	return pathToFileURL(page).href;
}

const openD3 = (url) => h.open(url, { width: 1000, height: 900 }, () => window.drawn === true);

// The frames d3-flame-graph drew: name, title, width, fill.
function frames(page) {
	return page.evaluate(() => [...document.querySelectorAll("g.frame")].map((g) => ({
		name: g.getAttribute("name"),
		title: g.querySelector("title") ? g.querySelector("title").textContent : "",
		label: g.querySelector("div") ? g.querySelector("div").textContent : "",
		width: Number(g.querySelector("rect").getAttribute("width")),
		fill: g.querySelector("rect").getAttribute("fill"),
	})));
}

function nodes(tree) {
	let n = 0;
	const todo = [tree];
	while (todo.length) {
		const t = todo.pop();
		n++;
		for (const c of t.children || [])
			todo.push(c);
	}
	return n;
}

const noRequests = (log) => log.requests.every((u) => u.startsWith("file://"));

await h.run(async () => {
	try {
		const total = totals(deeprec);
		{
			const f = exportAs("deeprec.speedscope.json", deeprec,
			    ["--to", "speedscope", "--title", "deeprec run"]);
			const { page, log } = await speedscope(f, "left-heavy");
			check(await page.title() === "deeprec run - speedscope",
			    "speedscope: the profile's name is the title", await page.title());
			check((await page.locator("body").innerText()).includes("deeprec run"),
			    "speedscope: the toolbar shows the profile's name");
			await page.waitForTimeout(300);
			// Below the overview, the flame graph proper: the root
			// spans the width, its heaviest callees start at the left.
			const tip = await hover(page, 600, 153);
			check(tip.startsWith(`${total.all.toLocaleString("en-US")} (100%) deeprec`) ||
			    tip.startsWith(`${total.all} (100%) deeprec`),
			    "speedscope: the root frame is drawn across the graph", tip);
			const c = await colours(page, { x: 0, y: 140, width: 1200, height: 300 });
			check(c.distinct >= 8 && c.ink > 0.2,
			    "speedscope: the flame graph is drawn in colours", JSON.stringify(c));
			// Its sandwich view (key 3): every function's weights.
			await page.mouse.move(600, 700);
			await page.keyboard.press("3");
			const rows = await sandwich(page);
			const self = rows.reduce((s, r) => s + number(r.self), 0);
			check(rows.length > 10 && self === total.all,
			    "speedscope: the functions' self weights add up to the profile's total",
			    `${rows.length} rows, ${self} vs ${total.all}`);
			const root = rows.find((r) => r.name === "deeprec");
			check(root !== undefined && number(root.total) === total.all,
			    "speedscope: the root frame's total is the total weight",
			    JSON.stringify(root));
			check(log.errors.length === 0 && log.dialogs.length === 0 && noRequests(log),
			    "speedscope: no error, no dialog, no request off file://",
			    JSON.stringify(log));
			await page.close();
		}
		{
			const f = exportAs("hostile.speedscope.json", hostile, ["--to", "speedscope"]);
			const { page, log } = await speedscope(f, "sandwich");
			const names = (await sandwich(page)).map((r) => r.name);
			check(hostileNames.every((n) => names.includes(n)),
			    "speedscope: hostile names are shown as text", JSON.stringify(names));
			check(names.includes("bad\ufffd\ufffd"),
			    "speedscope: bytes that are not UTF-8 show as U+FFFD", JSON.stringify(names));
			check(log.dialogs.length === 0 && log.errors.length === 0 && noRequests(log),
			    "speedscope: hostile names run nothing", JSON.stringify(log));
			await page.close();
		}
		{
			const diff = "p1;f 10 20\np1;g 4 1\np2;h 5 7\n";
			const f = exportAs("split.speedscope.json", diff,
			    ["--to", "speedscope", "--split-roots"]);
			const { page } = await speedscope(f, "sandwich");
			const bar = await page.locator("body").innerText();
			check(bar.includes("p1 (after) (2/4)"),
			    "speedscope: split roots, differential: the first after profile shows first",
			    bar.slice(0, 200));
			const rows = await sandwich(page);
			const self = rows.reduce((s, r) => s + number(r.self), 0);
			check(self === 21, "speedscope: p1's after profile weighs 21", JSON.stringify(rows));
			await page.close();
		}
		{
			// Nanoseconds in speedscope's unit: shown as times.
			const f = exportAs("ns.speedscope.json", "a;b 1500000\na 500000\n",
			    ["--to", "speedscope", "--countname", "ns"]);
			const { page } = await speedscope(f, "sandwich");
			const rows = await sandwich(page);
			const a = rows.find((r) => r.name === "a");
			check(a !== undefined && a.total === "2.00ms",
			    "speedscope: --countname ns is shown as time", JSON.stringify(rows));
			await page.close();
		}
		{
			// A .cpuprofile in speedscope's Chrome importer: the times of
			// each stack, the last one's included.
			const f = exportAs("deeprec.cpuprofile", deeprec,
			    ["--to", "cpuprofile", "--countname", "ns"]);
			const { page, log } = await speedscope(f, "sandwich");
			const rows = await sandwich(page);
			const root = rows.find((r) => r.name === "deeprec");
			const want = (Math.round(total.all / 1000) / 1000).toFixed(2) + "ms";
			check(root !== undefined && root.total === want,
			    "speedscope: a .cpuprofile's root lasts the profile's time",
			    `${JSON.stringify(root)}, expected ${want}`);
			const c = exportAs("last.cpuprofile", "main;first 3\nmain;last 2\n",
			    ["--to", "cpuprofile", "--countname", "ms"]);
			const o = await speedscope(c, "sandwich");
			const last = (await sandwich(o.page)).find((r) => r.name === "last");
			check(last !== undefined && last.self === "2.00ms",
			    "speedscope: the last sample of a .cpuprofile keeps its time",
			    JSON.stringify(last));
			check(log.errors.length === 0 && o.log.errors.length === 0,
			    "speedscope: .cpuprofiles load without error", log.errors.join("\n"));
			await o.page.close();
			await page.close();
		}

		// ---------------------------------------------------- d3
		{
			const json = readFileSync(exportAs("deeprec.json", deeprec, ["--to", "d3"])).toString();
			const tree = JSON.parse(json);
			const { page, log } = await openD3(d3page("deeprec", json, false));
			const fr = await frames(page);
			check(fr.length === nodes(tree),
			    "d3-flame-graph: every node of the tree is drawn", `${fr.length} vs ${nodes(tree)}`);
			const root = fr.find((x) => x.name === "all");
			check(root !== undefined && root.title === `all (100.000%, ${total.all} samples)` &&
			    Math.abs(root.width - 960) < 0.01,
			    "d3-flame-graph: the root holds the total and spans the graph", JSON.stringify(root));
			const top = tree.children[0];
			const d = fr.find((x) => x.name === top.name);
			check(d !== undefined && Math.abs(d.width - 960 * top.value / tree.value) < 0.01,
			    "d3-flame-graph: a frame's width is its share of the total", JSON.stringify(d));
			const c = await colours(page, { x: 0, y: 0, width: 960, height: 600 });
			check(c.distinct >= 8 && c.ink > 0.05, "d3-flame-graph: the graph is drawn in colours",
			    JSON.stringify(c));
			check(log.errors.length === 0 && noRequests(log), "d3-flame-graph: no error, no request",
			    JSON.stringify(log));
			await page.close();
		}
		{
			const json = readFileSync(exportAs("hostile.json", hostile, ["--to", "d3"])).toString();
			const { page, log } = await openD3(d3page("hostile", json, false));
			await page.waitForTimeout(100);
			const fr = await frames(page);
			check(hostileNames.every((n) => fr.some((x) => x.name === n && x.title.startsWith(n + " ("))),
			    "d3-flame-graph: hostile names, pasted into a <script>, are names",
			    JSON.stringify(fr.map((x) => x.name)));
			const scripts = await page.evaluate(() => document.scripts.length);
			check(log.dialogs.length === 0 && log.errors.length === 0 &&
			    scripts === d3scripts.length + 2 &&
			    await page.locator("#chart img, #chart svg svg").count() === 0,
			    "d3-flame-graph: hostile names run nothing and add no element",
			    JSON.stringify({ log, scripts }));
			await page.close();
		}
		{
			const json = readFileSync(exportAs("diff.json", "main;a 4 6\nmain;b 3 0\nmain;c 2 2\n",
			    ["--to", "d3"])).toString();
			const { page } = await openD3(d3page("diff", json, true));
			const fr = await frames(page);
			const fill = (n) => (fr.find((x) => x.name === n) || {}).fill || "";
			const rgb = (s) => (s.match(/\d+/g) || []).map(Number);
			const [ar, ag, ab] = rgb(fill("a")), [br, bg, bb] = rgb(fill("b"));
			check(ar === 220 && ag < 220 && ab < 220,
			    "d3-flame-graph: a frame that grew is red", fill("a"));
			check(bb === 220 && br < 220 && bg < 220,
			    "d3-flame-graph: a frame that shrank is blue", fill("b"));
			check(fill("c") === "rgb(220,220,220)",
			    "d3-flame-graph: an unchanged frame is grey", fill("c"));
			await page.close();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
