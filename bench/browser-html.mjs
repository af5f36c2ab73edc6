// Times pf-html's viewer in headless Chromium on one page or more:
//
//   node bench/browser-html.mjs PAGE.html [BASELINE.html ...]
//
// Prints, for each page, the time from the start of navigation to the
// first frame shown, and the time to redraw after zooming into a frame
// (the median of a few, each into a different frame).  The pages are
// opened in turn, run after run, so that a change in the machine's load
// hits them alike.  Needs what the browser tests need (Debian's chromium,
// playwright-core in tests/browser/node_modules).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const pages = process.argv.slice(2).map((f) => ({
	file: f, url: pathToFileURL(resolve(f)).href, paints: [], zooms: [], frames: 0,
}));
const runs = Math.max(1, parseInt(process.env.BENCH_BROWSER_RUNS || "3", 10) || 3);
const browser = await chromium.launch({
	executablePath: process.env.PF_CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
for (let run = 0; run < runs; run++) {
	for (const pg of pages) {
		const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
		await page.goto(pg.url);
		await page.waitForFunction(() => window.pfHtml && window.pfHtml.paintedAt > 0, null,
		    { timeout: 60000 });
		pg.paints.push(await page.evaluate(() => window.pfHtml.paintedAt));
		pg.frames = await page.evaluate(() => window.pfHtml.tree().n);
		for (const at of [0.001, 0.3, 0.6, 0.9]) {
			pg.zooms.push(await page.evaluate((f) => {
				const t = window.pfHtml.tree();
				// A frame two levels down, at that fraction of the width.
				let i = 1;
				while (i < t.n && !(t.depth[i] === 2 && t.x[i] + t.total[i] >= f * t.total[0])) i++;
				const t0 = performance.now();
				window.pfHtml.zoomTo(i < t.n ? i : 1);
				return performance.now() - t0;
			}, at));
			pg.zooms.push(await page.evaluate(() => {
				const t0 = performance.now();
				window.pfHtml.zoomTo(0);
				return performance.now() - t0;
			}));
		}
		await page.close();
	}
}
await browser.close();
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
pages.forEach((pg, k) => {
	const who = k === 0 ? "" : "baseline " + (pages.length > 2 ? k + " " : "");
	if (k === 0) console.log(`frames: ${pg.frames}`);
	else console.log(`${who}frames: ${pg.frames}`);
	console.log(`${who}first paint after navigation: median ${med(pg.paints).toFixed(0)} ms ` +
	    `(runs: ${pg.paints.map((p) => p.toFixed(0)).join(", ")})`);
	console.log(`${who}zoom redraw: median ${med(pg.zooms).toFixed(1)} ms, max ` +
	    `${Math.max(...pg.zooms).toFixed(1)} ms over ${pg.zooms.length} zooms`);
});
