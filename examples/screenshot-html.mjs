// A screenshot of pf-html's viewer, for the README:
//
//   node examples/screenshot-html.mjs PAGE.html OUT.png
//
// Opens PAGE.html in headless Chromium (Debian's chromium, or $PF_CHROMIUM,
// driven by the playwright-core of tests/browser/node_modules), searches
// for "fib", points at a frame so that its details show, and saves an
// 940x500 PNG.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const [pageFile, out] = process.argv.slice(2);
if (!pageFile || !out) {
	console.error("usage: node examples/screenshot-html.mjs PAGE.html OUT.png");
	process.exit(2);
}
const browser = await chromium.launch({
	executablePath: process.env.PF_CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
	const page = await browser.newPage({ viewport: { width: 940, height: 500 } });
	await page.goto(pathToFileURL(resolve(pageFile)).href);
	await page.waitForFunction(() => window.pfHtml && window.pfHtml.ready);
	await page.locator(".search").fill("fib");
	await page.locator(".search").blur();
	const r = await page.evaluate(() => window.pfHtml.rect("matmul"));
	if (r)
		await page.mouse.move(r.x + Math.min(r.w / 2, 30), r.y + r.h / 2);
	await page.screenshot({ path: out });
} finally {
	await browser.close();
}
