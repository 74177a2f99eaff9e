/**
 * `npm run test:arm64`: proves the ARM path on an x86 machine by running the
 * official arm64 Node under QEMU user-mode (QEMU_CPU=cortex-a72, a Pi 4 core).
 * Sets itself up from nothing (test/arm64/setup.ts, cached in .cache/arm64/),
 * then checks:
 *   1. `lookout detect --json` on arm64 matches x64, per shipped model and
 *      runtime (onnx with the package's linux/arm64 binary; tfjs-wasm); with no
 *      shipped ONNX model, the generated test network and a small seeded conv
 *      network stand in for onnx;
 *   2. the daemon on the demo clip for ~30 s with a private mosquitto;
 *   3. every native addon in the production tree has an arm64 build that loads.
 * Prints PASS/FAIL per check and a last line `N passed, N failed`; exits 1 on
 * any failure. Emulated timings are a correctness by-product, not board speed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTestModel } from '../helpers/test-model/index.js';
import { checkAddons } from './addons.js';
import { writeConvModel } from './conv-model.js';
import type { CheckResult, Context } from './context.js';
import { checkDaemon } from './daemon-check.js';
import { stopAll } from './emulator.js';
import { makeInputs } from './inputs.js';
import { checkParity, shippedCases, type ParityCase, type ParityFigures } from './parity.js';
import { setupEmulator } from './setup.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = path.join(ROOT, '.cache/arm64');

const log = (line: string) => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `npm run test:arm64 -- daemon onnx`: run only the checks whose name contains one of the words. */
const only = process.argv.slice(2);

async function timed(results: Array<CheckResult & { ms: number }>, name: string, fn: () => Promise<CheckResult>): Promise<void> {
  if (only.length && !only.some((word) => name.includes(word))) return;
  const started = Date.now();
  log(`-- ${name} ...`);
  let result: CheckResult;
  try {
    result = await fn();
  } catch (error) {
    result = { name, ok: false, detail: '', problems: [(error as Error).message] };
  }
  const ms = Date.now() - started;
  results.push({ ...result, ms });
  log(`${result.ok ? 'PASS' : 'FAIL'} ${result.name} (${secs(ms)})${result.detail ? `: ${result.detail}` : ''}`);
  for (const p of result.problems) log(`     ${p}`);
}

async function main(): Promise<number> {
  const started = Date.now();
  const results: Array<CheckResult & { ms: number }> = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-arm64-'));
  try {
    const setupStarted = Date.now();
    let emu;
    try {
      emu = setupEmulator(CACHE, log, ROOT);
    } catch (error) {
      log(`FAIL setup: ${(error as Error).message}`);
      log('0 passed, 1 failed');
      return 1;
    }
    log(`setup: ${secs(Date.now() - setupStarted)}: qemu ${emu.qemu}, arm64 node v${emu.nodeVersion}, sysroot ${path.relative(ROOT, emu.sysroot)}, QEMU_CPU cortex-a72`);

    const cli = path.join(ROOT, 'dist/src/cli.js');
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build' (npm run test:arm64 does it through src/setup/prepare.mjs)`);
    const tfjsNodeHere = fs.existsSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-node/package.json'));
    const ctx: Context = {
      root: ROOT,
      emu,
      cli,
      nodeFlags: tfjsNodeHere ? [`--import=${path.join(ROOT, 'test/arm64/no-tfjs-node.mjs')}`] : [],
      work,
      log,
    };
    if (tfjsNodeHere) log('note: @tensorflow/tfjs-node is installed here; it is hidden on both sides so that tfjs compares wasm with wasm');

    const inputs = makeInputs(path.join(ROOT, 'config/demo/vtest.mp4'), work);
    const cases: ParityCase[] = shippedCases(ROOT, inputs);
    const shippedOnnx = cases.find((c) => c.runtime === 'onnx') ?? null;
    // The generated network boxes bright pixels: exact, cheap, and it finds something in every demo frame.
    const testNet = generateTestModel({ size: 160, formats: ['onnx'] });
    if (shippedOnnx === null) {
      // No ONNX model ships: the generated network (exact boxes) and a seeded conv network (ARM conv kernels) stand in.
      cases.unshift(
        { model: 'generated test network', dir: testNet, runtime: 'onnx', inputs: [...inputs.full, inputs.square], expectSquare: { file: inputs.square, label: 'bright' }, timeoutMs: 180_000 },
        { model: 'seeded conv network', dir: writeConvModel(path.join(work, 'conv-model')), runtime: 'onnx', inputs: inputs.full, timeoutMs: 180_000 },
      );
    }
    log(`parity cases: ${cases.map((c) => `${c.runtime} ${c.model} (${c.inputs.length} input(s))`).join('; ')}`);

    const figures: ParityFigures[] = [];
    for (const c of cases) await timed(results, `detect parity ${c.runtime} ${c.model}`, () => checkParity(ctx, c, figures));

    await timed(results, 'daemon under emulation', () => checkDaemon(ctx, testNet));
    await timed(results, 'native addons load on arm64', () => checkAddons(ctx, path.join(testNet, 'model.onnx')));

    if (figures.length) {
      log('emulation cost (mean inference per frame, x64 native vs arm64 under QEMU on this machine; not a board figure):');
      for (const f of figures) log(`  ${f.label}: ${f.x64Ms.toFixed(1)} ms vs ${f.arm64Ms.toFixed(0)} ms = ${(f.arm64Ms / Math.max(f.x64Ms, 0.01)).toFixed(0)}x`);
    }
  } catch (error) {
    results.push({ name: 'arm64 run', ok: false, detail: '', problems: [(error as Error).stack ?? String(error)], ms: 0 });
    log(`FAIL arm64 run: ${(error as Error).message}`);
  } finally {
    await stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`total ${secs(Date.now() - started)}`);
  log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

process.exitCode = await main();
