/**
 * The live page in a real browser: Debian's chromium, driven by
 * playwright-core (no browser download), against the built daemon running the
 * demo clip with the shipped model. It waits for a snapshot image that
 * decodes, a count, and an event row; checks the page fits a phone's width;
 * and saves screenshots (desktop and phone) under test-artifacts/ (ignored by
 * git) for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { chromium } from 'playwright-core';
import { getJson, waitFor } from '../helpers/daemon.js';
import { startBroker, startDaemon } from '../helpers/stack.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLIP = path.join(ROOT, 'config/demo/vtest.mp4');
const MODEL = path.join(ROOT, 'models/yolov8-mnv3');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env['LOOKOUT_CHROMIUM'] ?? '/usr/bin/chromium';

test('live page: a decoded snapshot, a count and an event row, on a desktop and on a phone', async (t) => {
  t.timeout(180_000);
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} not found: install Debian's chromium (npm test's pre-script does: apt-get install chromium), or point LOOKOUT_CHROMIUM at a Chromium binary`);
    return;
  }
  const broker = await startBroker(t);
  const camera = { url: CLIP, detect: { fps: 5 }, motion: { enabled: false }, stall_timeout_s: 30 };
  const { httpPort } = await startDaemon(t, broker, { demo: camera }, {
    daemon: { detector: { runtime: 'onnx', model: MODEL, threads: 1 }, scheduler: { enabled: false } },
  });
  await waitFor('the daemon listening', async () => (await getJson(httpPort, '/healthz').catch(() => ({ status: 0 }))).status === 200, 60_000, 300);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${httpPort}/`);

  // A picture that decoded: the <img> has pixels, and it came from latest.jpg.
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('article.camera[data-camera="demo"] img');
    return img !== null && img.complete && img.naturalWidth > 0 && img.closest('article')!.dataset['picture'] !== undefined;
  }, undefined, { timeout: 120_000 });
  const size = await page.$eval('article.camera img', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
  t.deepEqual(size, [768, 576], 'the snapshot decodes at the clip\'s size');

  // A count in view, as /status reports it.
  await page.waitForFunction(() => /person=\d/.test(document.querySelector<HTMLElement>('article.camera')?.dataset['counts'] ?? ''), undefined, { timeout: 60_000 });
  t.regex(await page.$eval('article.camera .counts', (el) => el.textContent ?? ''), /person \d+/, 'the count reads "person N"');
  t.is(await page.$eval('article.camera .state', (el) => el.textContent), 'streaming', 'the state is shown');
  t.regex(await page.$eval('article.camera .fps', (el) => el.textContent ?? ''), /fps of .* in/, 'the inferred and input rates are shown');

  // An event row from the server-sent events.
  await page.waitForSelector('#events tbody tr', { timeout: 60_000 });
  const row = await page.$$eval('#events tbody tr:first-child td', (cells) => cells.map((c) => c.textContent));
  t.is(row[1], 'demo', 'the event row names the camera');
  t.true(['new', 'update', 'end'].includes(row[2] ?? ''), `the event row says what happened (${row[2]})`);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-page.png') });

  // A phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.true(overflow <= 0, `no sideways scrolling on a 390 px phone (overflow ${overflow} px)`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-page-phone.png'), fullPage: true });
  t.deepEqual(errors, [], 'no script errors');
  t.log(`screenshots: ${path.relative(ROOT, ARTIFACTS)}/live-page.png, live-page-phone.png`);
});
