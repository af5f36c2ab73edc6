// A screenshot of pf-html's viewer, for the README:
//
//   node examples/screenshot-html.mjs PAGE.html OUT.png [SEARCH [FRAME [WxH]]]
//
// Opens PAGE.html in headless Chromium (Debian's chromium, or $PF_CHROMIUM,
// driven by the playwright-core of tests/browser/node_modules), searches
// for SEARCH ("fib" by default; "" for none), points at the frame FRAME
// ("matmul" by default) so that its details show, and saves a PNG of
// WxH pixels (940x500 by default).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const [pageFile, out, search = "fib", frame = "matmul", size = "940x500"] = process.argv.slice(2);
if (!pageFile || !out || !/^\d+x\d+$/.test(size)) {
	console.error("usage: node examples/screenshot-html.mjs PAGE.html OUT.png [SEARCH [FRAME [WxH]]]");
	process.exit(2);
}
const [width, height] = size.split("x").map(Number);
const browser = await chromium.launch({
	executablePath: process.env.PF_CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
	const page = await browser.newPage({ viewport: { width, height } });
	await page.goto(pathToFileURL(resolve(pageFile)).href);
	await page.waitForFunction(() => window.pfHtml && window.pfHtml.ready);
	if (search !== "") {
		await page.locator(".search").fill(search);
		await page.evaluate(() => window.pfHtml.settled());
		await page.locator(".search").blur();
	}
	const r = await page.evaluate((f) => window.pfHtml.rect(f), frame);
	if (r)
		await page.mouse.move(r.x + Math.min(r.w / 2, 30), r.y + r.h / 2);
	await page.screenshot({ path: out });
} finally {
	await browser.close();
}
