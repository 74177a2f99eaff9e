import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/logger.js';
import { SystemdNotifier } from '../../../src/systemd/notify.js';
import { FakeClock } from '../../helpers/fake-clock.js';

/** A stand-in for systemd's notify socket: a unix datagram socket that prints each message as JSON. */
const SERVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("READY", flush=True)
while True:
    # recv() without ancillary buffer: systemd-notify's barrier fd is dropped, which releases it.
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

async function notifySocket(t: ExecutionContext) {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-notify-'));
  const path = join(dir, 'notify.sock');
  const child = spawn('/usr/bin/python3', ['-c', SERVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const messages: string[] = [];
  let buffer = '';
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line === 'READY') ready();
      else messages.push(JSON.parse(line) as string);
    }
  });
  await started;
  // Barrier messages are systemd-notify's "wait until processed" handshake, not ours.
  return { path, messages: () => messages.filter((m) => m !== 'BARRIER=1') };
}

const logger = createLogger('silent');

test('READY=1, STATUS and STOPPING=1 reach the notify socket in order, with our pid as MAINPID', async (t) => {
  const socket = await notifySocket(t);
  const notifier = new SystemdNotifier({ logger, env: { ...process.env, NOTIFY_SOCKET: socket.path }, pid: 4242 });
  t.true(notifier.enabled);
  await notifier.ready('2 cameras');
  await notifier.status('front: streaming\nWATCHDOG=1');
  await notifier.stopping();
  t.deepEqual(socket.messages(), [
    'MAINPID=4242\nREADY=1\nSTATUS=2 cameras',
    'MAINPID=4242\nSTATUS=front: streaming WATCHDOG=1',
    'MAINPID=4242\nSTOPPING=1',
  ], 'a newline in STATUS cannot inject another assignment');
});

test('watchdog pings every WATCHDOG_USEC/2 after start() and stop after stop()', async (t) => {
  const socket = await notifySocket(t);
  const clock = new FakeClock();
  const env = { ...process.env, NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) };
  const notifier = new SystemdNotifier({ logger, env, clock });
  t.is(notifier.watchdogIntervalMs, 15_000, 'half of 30 s');
  await notifier.start();
  t.deepEqual(clock.pending, [15_000], 'next ping in 15 s');
  clock.advance(15_000);
  await notifier.stop();
  t.deepEqual(clock.pending, [], 'no ping scheduled after stop');
  t.deepEqual(socket.messages(), [`MAINPID=${process.pid}\nWATCHDOG=1`, `MAINPID=${process.pid}\nWATCHDOG=1`], 'one ping at start, one 15 s later');
});

test('no watchdog when WATCHDOG_USEC is unset or WATCHDOG_PID is another process', (t) => {
  const base = { NOTIFY_SOCKET: '/nonexistent' };
  t.is(new SystemdNotifier({ logger, env: base }).watchdogIntervalMs, null);
  t.is(new SystemdNotifier({ logger, env: { ...base, WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' }, pid: 99 }).watchdogIntervalMs, null);
  t.is(new SystemdNotifier({ logger, env: { ...base, WATCHDOG_USEC: '2000000' } }).watchdogIntervalMs, 1000);
});

test('without NOTIFY_SOCKET nothing is sent and nothing is spawned', async (t) => {
  const lines: string[] = [];
  const capture = createLogger('debug', { write: (line: string) => void lines.push(line) });
  // A command that cannot run: any attempt to spawn it would log a failure.
  const notifier = new SystemdNotifier({ logger: capture, env: { WATCHDOG_USEC: '2000000' }, command: '/nonexistent/systemd-notify', clock: new FakeClock() });
  t.false(notifier.enabled);
  t.is(notifier.watchdogIntervalMs, null);
  await notifier.start();
  await notifier.ready();
  await notifier.status('x');
  await notifier.stopping();
  await notifier.stop();
  t.deepEqual(lines, [], 'no log lines, so no spawn attempts');
});

test('a missing systemd-notify binary is logged once and never throws', async (t) => {
  const lines: string[] = [];
  const capture = createLogger('debug', { write: (line: string) => void lines.push(line) });
  const notifier = new SystemdNotifier({ logger: capture, env: { NOTIFY_SOCKET: '/nonexistent.sock' }, command: '/nonexistent/systemd-notify' });
  await t.notThrowsAsync(notifier.ready());
  await t.notThrowsAsync(notifier.stopping());
  t.is(lines.filter((line) => line.includes('"level":"error"')).length, 1, 'one error line');
  t.regex(lines.join(''), /ENOENT/);
});
