/**
 * A camera that changes its picture size without dropping the RTSP session:
 * the fixture's test picture switches from 320x240 to 640x360 inside the
 * running stream (the encoder renegotiates and sends the new SPS in-band).
 * The daemon must notice (ffmpeg's filter graph reconfigures), restart ffmpeg
 * for the new size, log it, and publish boxes in the new source pixels with
 * the new source_width/height.
 */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

test('a picture size change inside the stream is logged and boxes follow the new source size', async (t) => {
  const broker = await startBroker(t);
  // videotestsrc's ball: a white disc bouncing over the whole black picture, which the test model boxes.
  const camera = await startCamera(t, { pattern: 'ball', size: '320x240', switchSize: '640x360', fps: 10 });
  const mqtt = await watch(t, broker);
  const { daemon, httpPort } = await startDaemon(t, broker, { cam: rtspCamera(camera.url, { detect: { fps: 10 }, mqtt: { detections: true } }) });

  const topic = `${BASE}/cam/detections`;
  const withObjects = () => mqtt.json(topic).filter((p) => p.objects.length > 0);
  await waitFor('detections at 320x240', () => withObjects().length >= 3, 60_000);
  const before = withObjects();
  t.true(before.every((p) => p.source_width === 320 && p.source_height === 240), 'before the switch: 320x240');
  const status0 = (await getJson(httpPort, '/status')).body;
  t.like(status0.cameras.cam.source, { width: 320, height: 240 }, '/status shows the probed size');

  const switchedAt = Date.now();
  t.is(await camera.switchSize(), '640x360', 'the fixture switched the running stream');
  const line = await waitFor('the log line', () => daemon.logs.find((l) => l.camera === 'cam' && /picture size changed/.test(l.msg)), 30_000);
  t.is(line.msg, 'picture size changed from 320x240 to 640x360; restarting ffmpeg for the new size', 'one log line says what changed');
  t.like(line, { level: 'info', from: '320x240', to: '640x360' }, 'with the sizes as fields');

  // Boxes in the new picture: the ball moves over all of 640x360, beyond the old 320x240.
  const after = () => withObjects().filter((p) => p.source_width === 640);
  await waitFor('a box beyond the old picture', () => after().some((p) => p.objects[0].box[2] > 330 || p.objects[0].box[3] > 250), 60_000);
  for (const p of after()) {
    t.is(p.source_height, 360, `frame ${p.frame_seq}: source height follows`);
    const [x1, y1, x2, y2] = p.objects[0].box as number[];
    t.true(x1! >= 0 && y1! >= 0 && x2! <= 640 && y2! <= 360, `frame ${p.frame_seq}: box [${x1}, ${y1}, ${x2}, ${y2}] inside 640x360`);
    t.deepEqual(p.objects[0].box_norm, [x1! / 640, y1! / 360, x2! / 640, y2! / 360].map((v) => Math.round(v * 1e4) / 1e4), `frame ${p.frame_seq}: box_norm is the box over 640x360`);
  }
  const stateAfter = await mqtt.waitForJson(`${BASE}/cam/status`, (p) => p.state === 'streaming' && p.source?.width === 640, 30_000);
  t.like(stateAfter.payload.source, { width: 640, height: 360 }, 'the retained camera status has the new size');
  t.log(`streaming at 640x360 again ${(stateAfter.at - switchedAt) / 1000} s after the switch (a figure, not an assertion)`);
  t.true(
    mqtt.json(`${BASE}/cam/status`).some((p) => p.reason === 'picture size changed from 320x240 to 640x360'),
    'the camera status said why it restarted',
  );
  const status = (await getJson(httpPort, '/status')).body;
  t.like(status.cameras.cam.source, { width: 640, height: 360 }, '/status has the new size');
  t.is(status.cameras.cam.reconnects, 0, 'a size change is not counted as a reconnect');
});
