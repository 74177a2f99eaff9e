#!/usr/bin/env node
// How long `npm start` takes to become ready: runs it from the repository
// root (set-up steps, build check and daemon start included), polls
// http://127.0.0.1:<port>/readyz until it answers 200, then stops it the way
// Ctrl-C does (SIGINT to the whole process group) and reports npm's exit code.
//
//   node bench/start-time.mjs [--runs N] [--port 9595] [--timeout-s 120]
//
// It starts the shipped demo config, so the ports it uses (HTTP 9595, the
// embedded broker's 1883) must be free. Plain Node, no dependencies.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    port: { type: 'string', default: '9595' },
    'timeout-s': { type: 'string', default: '120' },
  },
});
const runs = Number(values.runs);
const port = Number(values.port);
const timeoutMs = Number(values['timeout-s']) * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readyStatus() {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

async function once(index) {
  if ((await readyStatus()) !== null) throw new Error(`something already answers on port ${port}; stop it first`);
  const started = performance.now();
  const child = spawn('npm', ['start'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let firstAnswerMs = null;
  let readyMs = null;
  while (performance.now() - started < timeoutMs) {
    const status = await readyStatus();
    const now = performance.now() - started;
    if (status !== null && firstAnswerMs === null) firstAnswerMs = now;
    if (status === 200) {
      readyMs = now;
      break;
    }
    await sleep(50);
  }
  const stopAt = performance.now();
  process.kill(-child.pid, 'SIGINT');
  const killer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 20_000);
  const { code, signal } = await exited;
  clearTimeout(killer);
  const setupLines = Buffer.concat(output)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('lookout setup:'));
  const result = {
    run: index + 1,
    ready_ms: readyMs === null ? null : Math.round(readyMs),
    http_first_answer_ms: firstAnswerMs === null ? null : Math.round(firstAnswerMs),
    stop_ms: Math.round(performance.now() - stopAt),
    npm_exit: code,
    npm_signal: signal,
    setup_lines: setupLines,
  };
  if (readyMs === null) result.output_tail = Buffer.concat(output).toString('utf8').slice(-2000);
  return result;
}

for (let i = 0; i < runs; i++) {
  console.log(JSON.stringify(await once(i)));
  await sleep(1000);
}
