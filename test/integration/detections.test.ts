/**
 * End to end: a bright square moving through an RTSP stream goes through
 * ffmpeg, the runtime, the decoder and MQTT, and every published box must be
 * where the square really was. The generated test network boxes bright
 * pixels, so the expected box is exact; ±1 px allows for H.264 edges.
 */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

// 320x240 source into the 320x320 model input: scale 1, 40 px of padding above and below.
const SQUARE = 40;
const Y = 100;
const STEP = 4;
const X0 = 20;
const LAVFI =
  `color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=${SQUARE}x${SQUARE}:r=10[sq];` +
  `[bg][sq]overlay=x='${X0}+mod(n*${STEP}\\,240)':y=${Y}:shortest=1[out0]`;

const near = (a: number, b: number) => Math.abs(a - b) <= 1;

for (const runtime of ['onnx', 'tfjs'] as const) {
  test(`${runtime}: every published box is where the moving square was`, async (t) => {
    const broker = await startBroker(t);
    const camera = await startCamera(t, { lavfi: LAVFI });
    const mqtt = await watch(t, broker);
    const { httpPort } = await startDaemon(t, broker, { sq: rtspCamera(camera.url, { detect: { fps: 10 }, mqtt: { detections: true } }) }, { runtime, modelSize: 320 });

    const topic = `${BASE}/sq/detections`;
    await waitFor('10 detection messages', () => mqtt.json(topic).filter((p) => p.objects.length > 0).length >= 10, 60_000);
    const messages = mqtt.json(topic).filter((p) => p.objects.length > 0);
    const xs = new Set<number>();
    for (const m of messages) {
      t.is(m.objects.length, 1, `frame ${m.frame_seq}: exactly one object`);
      const [x1, y1, x2, y2] = m.objects[0].box as number[];
      const phase = (((x1! - X0) % STEP) + STEP) % STEP;
      const onTrack = near(y1!, Y) && near(y2!, Y + SQUARE) && near(x2! - x1!, SQUARE) && (near(phase, 0) || near(phase, STEP));
      t.true(onTrack, `frame ${m.frame_seq}: box [${x1}, ${y1}, ${x2}, ${y2}] is the ${SQUARE} px square at y=${Y} on its ${STEP} px track`);
      t.is(m.objects[0].label, 'bright', 'the label comes from the model metadata');
      t.deepEqual(m.objects[0].box_norm, [x1! / 320, y1! / 240, x2! / 320, y2! / 240].map((v) => Math.round(v * 1e4) / 1e4), 'box_norm is the box over the source size');
      t.is(m.source_width, 320, 'source width');
      t.is(m.source_height, 240, 'source height');
      t.true(m.latency_ms >= 0 && m.inference_ms > 0, 'latency and inference times are reported');
      xs.add(Math.round(x1!));
    }
    t.true(xs.size >= 3, `the square moved across ${xs.size} positions`);

    const status = (await getJson(httpPort, '/status')).body;
    t.true(status.cameras.sq.detector.inferences >= 10, 'status counts inferences');
    t.is(typeof status.cameras.sq.detector.inference_ms_p95, 'number', 'status reports inference p95');
    t.regex(status.detector.backend, runtime === 'onnx' ? /onnxruntime/ : /tfjs/, `status names the backend: ${status.detector.backend}`);
  });
}
