// Times pf-html's viewer in headless Chromium on one page:
//
//   node bench/browser-html.mjs PAGE.html
//
// Prints the time from the start of navigation to the first frame shown,
// and the time to redraw after zooming into a frame (the median of a few,
// each into a different frame).  Needs what the browser tests need
// (Debian's chromium, playwright-core in tests/browser/node_modules).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const url = pathToFileURL(resolve(process.argv[2])).href;
const browser = await chromium.launch({
	executablePath: process.env.PF_CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const paints = [], zooms = [];
for (let run = 0; run < 3; run++) {
	const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
	await page.goto(url);
	await page.waitForFunction(() => window.pfHtml && window.pfHtml.paintedAt > 0, null,
	    { timeout: 60000 });
	paints.push(await page.evaluate(() => window.pfHtml.paintedAt));
	const frames = await page.evaluate(() => window.pfHtml.tree().n);
	for (const at of [0.001, 0.3, 0.6, 0.9]) {
		zooms.push(await page.evaluate((f) => {
			const t = window.pfHtml.tree();
			// A frame two levels down, at that fraction of the width.
			let i = 1;
			while (i < t.n && !(t.depth[i] === 2 && t.x[i] + t.total[i] >= f * t.total[0])) i++;
			const t0 = performance.now();
			window.pfHtml.zoomTo(i < t.n ? i : 1);
			return performance.now() - t0;
		}, at));
		zooms.push(await page.evaluate(() => {
			const t0 = performance.now();
			window.pfHtml.zoomTo(0);
			return performance.now() - t0;
		}));
	}
	if (run === 0) console.log(`frames: ${frames}`);
	await page.close();
}
await browser.close();
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
console.log(`first paint after navigation: median ${med(paints).toFixed(0)} ms ` +
    `(runs: ${paints.map((p) => p.toFixed(0)).join(", ")})`);
console.log(`zoom redraw: median ${med(zooms).toFixed(1)} ms, max ${Math.max(...zooms).toFixed(1)} ms ` +
    `over ${zooms.length} zooms`);
