/**
 * Camera changes without a restart, on the built daemon with real mosquitto
 * and a real RTSP camera (a white square the generated test model detects as
 * `bright`, so every camera holds one tracked object with a stable id).
 * Times are the daemon's own (its log's `time`) against the file's mtime,
 * never the test's wall clock.
 */
import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { childFfmpegPids, getJson, waitFor, type LogLine } from '../helpers/daemon.js';
import { MqttWatch } from '../helpers/mqtt-watch.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

const SQUARE_LAVFI = 'color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=40x40:r=10[sq];[bg][sq]overlay=x=60:y=100:shortest=1[out0]';
/** The reloader's debounce window (src/reload/reloader.ts RELOAD_DEBOUNCE_MS). */
const WINDOW_MS = 300;

const logTime = (l: LogLine) => Date.parse(l['time'] as string);
const camFile = (dir: string, name: string) => join(dir, `${name}.json`);

test('4 cameras: editing one file restarts only that camera within 2 s; 100 rapid writes give at most one restart per window', async (t) => {
  t.timeout(180_000);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: SQUARE_LAVFI });
  const cam = (extra: object = {}) => rtspCamera(camera.url, { detect: { fps: 5, labels: ['bright'] }, ...extra });
  const names = ['a', 'b', 'c', 'd'];
  const { daemon, config } = await startDaemon(t, broker, Object.fromEntries(names.map((n) => [n, cam()])), { modelSize: 320 });
  const newEvent = (name: string, from = 0) => mqtt.waitForJson(`${BASE}/${name}/events`, (p) => p.type === 'new', 60_000, from);
  const first = Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await newEvent(n)).payload.id] as const)));
  const pidsBefore = await waitFor('4 ffmpeg children', () => {
    const pids = childFfmpegPids(daemon.pid);
    return pids.length === 4 ? pids : null;
  });

  const marker = mqtt.messages.length;
  const logMarker = daemon.logs.length;
  writeFileSync(camFile(config.camerasDir, 'a'), JSON.stringify(cam({ detect: { fps: 5, labels: ['bright'], priority: 2 } })));
  const writtenAt = statSync(camFile(config.camerasDir, 'a')).mtimeMs;
  const restarted = await waitFor('camera a restarted', () => daemon.logs.slice(logMarker).find((l) => l.msg === 'camera a restarted: ' + camFile(config.camerasDir, 'a') + ' changed'), 20_000);
  const lag = logTime(restarted) - writtenAt;
  t.true(lag >= 0 && lag <= 2000, `restarted within 2 s of the write (${lag.toFixed(0)} ms)`);
  const done = await waitFor('reload done', () => daemon.logs.slice(logMarker).find((l) => l.msg.startsWith('reload done')));
  t.deepEqual([done['restarted'], done['added'], done['removed'], done['unchanged']], [['a'], [], [], ['b', 'c', 'd']], 'only a restarted; b, c, d unchanged');
  const again = await newEvent('a', marker);
  t.not(again.payload.id, first['a'], 'camera a tracks afresh: a new id');
  const pidsAfter = await waitFor('4 ffmpeg children again', () => {
    const pids = childFfmpegPids(daemon.pid);
    return pids.length === 4 && pids.filter((p) => !pidsBefore.includes(p)).length === 1 ? pids : null;
  });
  t.is(pidsAfter.filter((p) => pidsBefore.includes(p)).length, 3, 'three ffmpeg processes are the very same (b, c, d); one is new (a)');
  const ffmpegLag = logTime(daemon.logs.slice(logMarker).find((l) => l.camera === 'a' && l.msg === 'ffmpeg started')!) - writtenAt;
  t.true(ffmpegLag <= 2000, `camera a's new ffmpeg started within 2 s of the write (${ffmpegLag.toFixed(0)} ms; the restart reuses the stream's probe)`);
  const streaming = await waitFor('camera a streaming again', () => daemon.logs.slice(logMarker).find((l) => l.camera === 'a' && l.msg === 'camera state' && l['state'] === 'streaming'));
  t.log(`write -> restart logged ${lag.toFixed(0)} ms, new ffmpeg ${ffmpegLag.toFixed(0)} ms, streaming ${(logTime(streaming) - writtenAt).toFixed(0)} ms (daemon log times - file mtime)`);
  await new Promise((r) => setTimeout(r, 1500)); // b, c, d keep publishing meanwhile
  for (const n of ['b', 'c', 'd']) {
    const events = mqtt.json(`${BASE}/${n}/events`);
    t.deepEqual(events.filter((e) => e.type !== 'update').map((e) => `${e.type} ${e.id}`), [`new ${first[n]}`], `camera ${n}: one object, never ended, same id (${first[n]})`);
  }
  const aEvents = mqtt.json(`${BASE}/a/events`).filter((e) => e.type !== 'update').map((e) => `${e.type} ${e.id}`);
  t.deepEqual(aEvents, [`new ${first['a']}`, `end ${first['a']}`, `new ${again.payload.id}`], 'camera a: its object ended with the restart, a new one began');

  // 100 writes in a row, each a real change.
  const burstLog = daemon.logs.length;
  const file = camFile(config.camerasDir, 'a');
  const mtimes: number[] = [];
  for (let i = 0; i < 100; i++) {
    writeFileSync(file, JSON.stringify(cam({ detect: { fps: 5, labels: ['bright'], priority: 3 + (i + 1) / 100 } })));
    if (i === 0 || i === 99) mtimes.push(statSync(file).mtimeMs);
  }
  const [firstWrite, lastWrite] = mtimes as [number, number];
  const reloadStarts = () => daemon.logs.slice(burstLog).filter((l) => l.msg.startsWith('reloading the configuration'));
  await waitFor('a reload after the last write', () => (reloadStarts().some((l) => logTime(l) >= lastWrite) ? true : null), 10_000);
  await waitFor('the last reload to finish', () => {
    const starts = daemon.logs.slice(burstLog).filter((l) => l.msg.startsWith('reloading the configuration')).length;
    const ends = daemon.logs.slice(burstLog).filter((l) => l.msg.startsWith('reload done')).length;
    return starts > 0 && starts === ends ? true : null;
  });
  await new Promise((r) => setTimeout(r, WINDOW_MS * 2));
  const reloads = daemon.logs.slice(burstLog).filter((l) => l.msg.startsWith('reloading the configuration')).map(logTime);
  const restarts = daemon.logs.slice(burstLog).filter((l) => l.msg.startsWith('camera a restarted')).map(logTime);
  const burstMs = lastWrite - firstWrite;
  t.log(`100 writes over ${burstMs.toFixed(0)} ms: ${reloads.length} reload(s), ${restarts.length} restart(s) of a`);
  t.true(restarts.length >= 1, 'the burst restarts camera a');
  // Judged on the daemon's own clock: each reload restarts a at most once, and reloads are a window apart.
  t.true(restarts.length <= reloads.length, `no more restarts than reloads (${restarts.length} <= ${reloads.length})`);
  for (let i = 1; i < reloads.length; i++) t.true(reloads[i]! - reloads[i - 1]! >= WINDOW_MS - 5, `reloads ${i - 1} and ${i} are a window apart (${reloads[i]! - reloads[i - 1]!} ms)`);
  const pidsNow = await waitFor('a to run its ffmpeg again', () => {
    const pids = childFfmpegPids(daemon.pid);
    return pids.length === 4 ? pids : null;
  });
  t.is(pidsNow.filter((p) => pidsBefore.includes(p)).length, 3, 'b, c, d still run the ffmpeg they started with');
});

test('reload: invalid file -> that camera in error, others run on; removed file -> topics cleared; added file starts; daemon file change -> needs restart; queued messages survive', async (t) => {
  t.timeout(180_000);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: SQUARE_LAVFI });
  const zone = { polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] };
  const cam = (extra: object = {}) => rtspCamera(camera.url, { detect: { fps: 5, labels: ['bright'] }, zones: { all: zone }, ...extra });
  const { daemon, config, httpPort } = await startDaemon(t, broker, { keep: cam(), gone: cam(), bad: cam() }, { modelSize: 320, daemon: { mqtt: { url: broker.url, base_topic: BASE, stats_interval_s: 1, client_id: 'lookout-reload-test', discovery: true } } });
  for (const n of ['keep', 'gone', 'bad']) await mqtt.waitForJson(`${BASE}/${n}/all/bright`, (p) => p.count === 1, 60_000);
  const keepId = (await mqtt.waitForJson(`${BASE}/keep/events`, (p) => p.type === 'new')).payload.id;
  const ha = await MqttWatch.start(broker.url, 'homeassistant/#');
  t.teardown(() => ha.stop());
  const goneDiscovery = await waitFor('discovery configs of camera gone', () => {
    const topics = [...new Set(ha.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.includes('gone') && m.text !== '').map((m) => m.topic))];
    return topics.length > 0 ? topics : null;
  });

  // An invalid file: that camera goes to error with the file: key: reason; the others run on.
  writeFileSync(camFile(config.camerasDir, 'bad'), JSON.stringify(cam({ zones: { all: { polygon: [[0, 0], [2, 0], [1, 1]] } } })));
  const error = await mqtt.waitForJson(`${BASE}/bad/status`, (p) => p.state === 'error', 10_000);
  t.is(error.payload.reason, `${camFile(config.camerasDir, 'bad')}: zones.all: polygon: point 1 is [2,0]; coordinates must be from 0 to 1 (fractions of the picture width and height)`, 'the reason is the usual file: key: reason');
  t.deepEqual(mqtt.json(`${BASE}/bad/all/bright`).at(-1).count, 0, 'its zone count dropped to 0 as its objects ended');

  // A daemon file change: reported, not applied.
  const daemonConfig = JSON.parse((await import('node:fs')).readFileSync(config.configFile, 'utf8'));
  writeFileSync(config.configFile, JSON.stringify({ ...daemonConfig, mqtt: { ...daemonConfig.mqtt, stats_interval_s: 7 } }));
  const needs = await waitFor('restart_needed in /status', async () => (await getJson(httpPort, '/status')).body.reload?.restart_needed ?? null, 10_000);
  t.deepEqual(needs.keys, ['mqtt.stats_interval_s'], '/status names the changed key');
  t.regex(needs.reason, /changed \(mqtt\.stats_interval_s\); these apply only on a restart$/, 'and says a restart applies it');
  t.true(daemon.logs.some((l) => l.level === 'warn' && l.msg.includes('not applied live, restart lookout to apply it')), 'the log says so too');

  // Broker down: what the reload publishes waits in the queue with what was there before.
  await broker.stop();
  await waitFor('messages queued', async () => ((await getJson(httpPort, '/status')).body.mqtt.queue_depth >= 2 ? true : null), 10_000);
  const queuedBefore = (await getJson(httpPort, '/status')).body.mqtt.queue_depth;
  unlinkSync(camFile(config.camerasDir, 'gone'));
  writeFileSync(camFile(config.camerasDir, 'added'), JSON.stringify(cam()));
  process.kill(daemon.pid, 'SIGHUP'); // systemctl reload: the same reload, at once
  await waitFor('removal and addition done', () => (daemon.logs.some((l) => l.msg === 'camera gone removed (its file is gone)') && daemon.logs.some((l) => l.msg === 'camera added added') ? true : null), 10_000);
  const during = (await getJson(httpPort, '/status')).body.mqtt;
  t.true(during.queue_depth > queuedBefore, `the reload's messages joined the queue (${queuedBefore} -> ${during.queue_depth})`);
  await broker.start();
  const removed = await mqtt.waitForJson(`${BASE}/gone/status`, (p) => p.state === 'removed', 20_000);
  t.is(removed.payload.reason, `${camFile(config.camerasDir, 'gone')} was removed`, 'the removed camera says why');
  await waitFor('queue flushed', async () => ((await getJson(httpPort, '/status')).body.mqtt.queue_depth === 0 ? true : null), 20_000);
  t.is((await getJson(httpPort, '/status')).body.mqtt.queue_dropped, 0, 'no queued message was dropped');
  const retained = await MqttWatchRetained(broker.url, `${BASE}/gone/#`);
  t.deepEqual(retained, { [`${BASE}/gone/status`]: 'removed', [`${BASE}/gone/all/bright`]: 0, [`${BASE}/gone/bright`]: 0 }, 'a fresh subscriber reads the removed camera: status removed, counts 0');
  // What a Home Assistant that connects now reads: a subscriber that was there through the broker restart may
  // have resubscribed after the empty retained messages went out, so a fresh one is asked each time.
  await waitFor('discovery configs of camera gone cleared', async () => ((await retainedTopics(broker.url, goneDiscovery)).length === 0 ? true : null), 10_000);
  t.pass(`its ${goneDiscovery.length} Home Assistant discovery configs are cleared (no retained config left)`);
  await mqtt.waitForJson(`${BASE}/added/all/bright`, (p) => p.count === 1, 60_000);
  const status = (await getJson(httpPort, '/status')).body;
  t.deepEqual(Object.keys(status.cameras).sort(), ['added', 'bad', 'keep'], '/status: the removed camera is gone, the added one is there');
  t.is(status.cameras.bad.state, 'error', 'the invalid camera stays in error');
  t.deepEqual(mqtt.json(`${BASE}/keep/events`).filter((e) => e.type === 'new' || e.type === 'end').map((e) => `${e.type} ${e.id}`), [`new ${keepId}`], 'the untouched camera kept its object and id through everything');
});

/** Retained messages under a filter, as a fresh subscriber reads them (JSON counts as count, statuses as state). */
/** The topics among `topics` that hold a retained, non-empty message, as a fresh subscriber reads them. */
async function retainedTopics(url: string, topics: string[]): Promise<string[]> {
  const { connectAsync } = await import('mqtt');
  const client = await connectAsync(url);
  const seen = new Set<string>();
  client.on('message', (topic, payload, packet) => { if (packet.retain && payload.length > 0) seen.add(topic); });
  await client.subscribeAsync(topics, { qos: 1 });
  await new Promise((r) => setTimeout(r, 500));
  await client.endAsync(true);
  return [...seen];
}

async function MqttWatchRetained(url: string, filter: string): Promise<Record<string, unknown>> {
  const { connectAsync } = await import('mqtt');
  const client = await connectAsync(url);
  const seen: Record<string, unknown> = {};
  client.on('message', (topic, payload, packet) => {
    if (!packet.retain || payload.length === 0) return;
    const p = JSON.parse(payload.toString());
    seen[topic] = 'state' in p ? p.state : p.count;
  });
  await client.subscribeAsync(filter, { qos: 1 });
  await new Promise((r) => setTimeout(r, 500));
  await client.endAsync(true);
  return seen;
}

test('reload: the password of a camera file added while running is masked like those read at start', async (t) => {
  t.timeout(120_000);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t);
  const { daemon, config, httpPort } = await startDaemon(t, broker, { first: rtspCamera(camera.url) });
  await mqtt.waitForJson(`${BASE}/first/status`, (p) => p.state === 'streaming', 60_000);
  const secret = 'Zq8%w@rd-late';
  // Unreachable, so ffprobe and ffmpeg fail and their messages (which echo the URL) reach the log and the status.
  writeFileSync(camFile(config.camerasDir, 'late'), JSON.stringify(rtspCamera(`rtsp://admin:${encodeURIComponent(secret)}@127.0.0.1:9/stream?password=${encodeURIComponent(secret)}`)));
  const failed = await mqtt.waitForJson(`${BASE}/late/status`, (p) => p.state === 'offline' && typeof p.reason === 'string', 30_000);
  t.regex(failed.payload.reason, /\*\*\*/, `the reason shows the URL masked: ${failed.payload.reason}`);
  const status = JSON.stringify((await getJson(httpPort, '/status')).body);
  for (const form of [secret, encodeURIComponent(secret)]) {
    t.false(daemon.stdout.includes(form), `the log never shows ${form}`);
    t.false(status.includes(form), `/status never shows ${form}`);
    t.false(mqtt.messages.some((m) => m.text.includes(form)), `MQTT never shows ${form}`);
  }
});
