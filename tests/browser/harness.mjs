// What the browser tests share: TAP-like checks, pages made by one of pf's
// programs in a scratch directory, and headless Chromium opening them from
// file:// URLs with every dialog, script error and request recorded.
//
// Needs Debian's chromium at /usr/bin/chromium (or $PF_CHROMIUM) and
// playwright-core in tests/browser/node_modules; ./quickstart.sh check
// installs both.  Nothing here installs anything.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

// harness("pf-svg", "svg"): the program under test, in the build directory
// given as the script's first argument, and the extension of what it writes.
export function harness(program, ext) {
	const bin = join(resolve(process.argv[2] || "build"), program);
	const dir = mkdtempSync(join(tmpdir(), `pf-browser-${ext}-`));
	const h = { failed: 0, browser: null };

	h.check = (ok, name, detail) => {
		console.log(`${ok ? "ok" : "not ok"} ${name}`);
		if (!ok) {
			h.failed = 1;
			if (detail !== undefined)
				console.log(`# ${String(detail).split("\n").join("\n# ")}`);
		}
	};

	// Runs the program on folded text; returns the file:// URL of its output.
	h.make = (name, folded, args = []) => {
		const input = join(dir, name + ".folded"), out = join(dir, name + "." + ext);
		writeFileSync(input, folded);
		execFileSync(bin, [...args, "-o", out, input]);
		return pathToFileURL(out).href;
	};

	h.launch = async () => {
		h.browser = await chromium.launch({
			executablePath: process.env.PF_CHROMIUM || "/usr/bin/chromium",
			headless: true,
			// The test runner's time limit stops the script, not
			// the browser under it, so a timeout is reported as one.
			handleSIGTERM: false,
			// Scroll bars as people see them: they take room.
			ignoreDefaultArgs: ["--hide-scrollbars"],
			args: ["--headless", "--no-sandbox", "--disable-gpu",
			    "--disable-background-networking", "--disable-component-update",
			    "--no-first-run", "--disable-sync"],
		});
		return h.browser;
	};

	// Opens url and waits until ready() holds in the page.  log.requests
	// gets every request but the page itself; a prompt is answered with
	// page.answer when the test set one, other dialogs are dismissed.  init,
// when given, runs in the page before its own scripts.
	h.open = async (url, viewport, ready, init) => {
		const page = await h.browser.newPage({ viewport });
		if (init) await page.addInitScript(init);
		const log = { dialogs: [], errors: [], requests: [] };
		page.on("pageerror", (e) => log.errors.push(String(e)));
		page.on("console", (m) => { if (m.type() === "error") log.errors.push(m.text()); });
		// A blob: URL is the page's own memory (the worker that runs
		// searches), not a fetch: every other request is recorded.
		page.on("request", (r) => {
			if (r.url() !== url.split("#")[0] && !r.url().startsWith("blob:"))
				log.requests.push(r.url());
		});
		page.on("dialog", async (d) => {
			log.dialogs.push({ type: d.type(), message: d.message() });
			if (d.type() === "prompt" && page.answer !== undefined)
				await d.accept(page.answer);
			else
				await d.dismiss();
		});
		await page.goto(url);
		await page.waitForFunction(ready, null, { timeout: 10000 });
		return { page, log };
	};

	// Runs the checks, then closes the browser, removes the scratch
	// directory and exits with the tests' status.
	h.run = async (checks) => {
		try {
			await checks();
		} catch (e) {
			h.check(false, "browser tests ran to the end", e.stack || e);
		} finally {
			if (h.browser !== null)
				await h.browser.close();
			rmSync(dir, { recursive: true, force: true });
		}
		process.exit(h.failed);
	};
	return h;
}
