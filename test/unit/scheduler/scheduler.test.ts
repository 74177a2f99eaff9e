import test from 'ava';
import { createLogger } from '../../../src/logger.js';
import { Scheduler, type SchedulerCameraOptions, type DetectorProbe } from '../../../src/scheduler/scheduler.js';
import type { LoadSample, LoadSource } from '../../../src/scheduler/load-source.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { syntheticFrame } from '../motion/synthetic.js';

const logger = createLogger('silent');

function camera(name: string, extra: Partial<SchedulerCameraOptions> = {}): SchedulerCameraOptions {
  return { name, fps: 5, fpsMax: 0, fpsMin: 1, idleFps: 0.2, priority: 1, motion: { enabled: true, threshold: 10, mask: [] }, ...extra };
}
const noMotion = { enabled: false, threshold: 10, mask: [] };

/** A load source that returns the samples it is given, in order. */
class ScriptedLoad implements LoadSource {
  readonly samples: LoadSample[] = [];
  calls = 0;
  async sample(): Promise<LoadSample> {
    this.calls++;
    return this.samples.shift() ?? { cpu: 50, tempC: null };
  }
}

class FakeDetector implements DetectorProbe {
  busy = 0;
  workers = 1;
  readonly counts = new Map<string, { inferences: number; skippedBusy: number }>();
  busyMs(): number {
    return this.busy;
  }
  counters(camera: string) {
    return this.counts.get(camera) ?? { inferences: 0, skippedBusy: 0 };
  }
}

function setup(cameras: SchedulerCameraOptions[], opts: { enabled?: boolean } = {}) {
  const clock = new FakeClock(0);
  const load = new ScriptedLoad();
  const detector = new FakeDetector();
  const scheduler = new Scheduler({
    enabled: opts.enabled ?? true, cpuTarget: 75, tempLimitC: 80, intervalS: 1, cameras, load, detector, clock, logger,
  });
  /** Offers one frame per camera (in that order) and returns which were admitted. */
  const offer = (frames: Record<string, Parameters<typeof syntheticFrame>[1]>) =>
    Object.fromEntries(Object.entries(frames).map(([name, squares]) => [name, scheduler.admit({ ...syntheticFrame(0, squares), camera: name })]));
  return { clock, load, detector, scheduler, offer };
}

test('motion gating: a still scene is inferred at idle_fps, motion raises the rate on the frame it appears', (t) => {
  const { clock, scheduler, offer } = setup([camera('cam')]);
  const admitted: number[] = [];
  // 5 fps, 10 s of a still scene with a square parked at x=20, then the square moves 8 px a frame.
  for (let i = 0; i < 60; i++) {
    const x = i < 50 ? 20 : 20 + 8 * (i - 49);
    if (offer({ cam: [{ x, y: 100, size: 40 }] })['cam']) admitted.push(i);
    clock.advance(200);
  }
  t.deepEqual(admitted, [0, 25, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59], 'frame 0, then one every 5 s (0.2 fps), then every frame from the first moving one');
  t.like(scheduler.cameraStatus('cam'), { wanted_fps: 5, target_fps: 5, motion: true, skipped: { cpu: 0, busy: 0, motion: 48, rate: 0 } }, '48 frames skipped for motion');
});

test('a masked region does not raise the rate; motion off asks for fps_max always', (t) => {
  const { clock, scheduler, offer } = setup([
    camera('masked', { motion: { enabled: true, threshold: 10, mask: [[0, 0.3, 1, 0.7]] } }),
    camera('ungated', { motion: noMotion }),
  ]);
  let masked = 0;
  let ungated = 0;
  for (let i = 0; i < 50; i++) {
    const r = offer({ masked: [{ x: 20 + 4 * i, y: 100, size: 40 }], ungated: [] });
    masked += r['masked'] ? 1 : 0;
    ungated += r['ungated'] ? 1 : 0;
    clock.advance(200);
  }
  t.is(masked, 2, 'the square moves inside the mask: idle rate (frames 0 and 25)');
  t.is(ungated, 50, 'motion gating off: every frame');
  t.like(scheduler.cameraStatus('masked'), { motion_enabled: true, motion: false, motion_level: 0, wanted_fps: 0.2 }, 'masked: still');
  t.like(scheduler.cameraStatus('ungated'), { motion_enabled: false, motion: true, wanted_fps: 5 }, 'ungated: wants fps_max');
});

test('overload: the budget drops and is shared by priority; skipped frames count as cpu', async (t) => {
  const { clock, load, scheduler, offer } = setup([
    camera('a', { priority: 3, motion: noMotion }),
    camera('b', { priority: 1, motion: noMotion }),
  ]);
  load.samples.push({ cpu: 50, tempC: null }, { cpu: 95, tempC: 61.5 });
  /** 5 fps on both cameras for one second, then a scheduler step; b's admissions. */
  const second = async () => {
    const b: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      b.push(offer({ a: [], b: [] })['b']!);
      clock.advance(200);
    }
    await scheduler.tick();
    return b;
  };
  t.deepEqual(await second(), [true, true, true, true, true], 'full rate before the first step');
  t.like(scheduler.status(), { budget_fps: 10, budget_min_fps: 2, budget_max_fps: 10, decision: 'start', cpu_percent: 50 }, 'first step: full rate');
  t.deepEqual(await second(), [true, true, true, true, true], 'full rate');
  t.like(scheduler.status(), { budget_fps: 7.5, decision: 'decrease', cpu_percent: 95, temp_c: 61.5 }, 'x0.75 at 95 %');
  // Weights 3:1 would give a 5.625 of 7.5, but a wants 5: b gets the rest.
  t.like(scheduler.cameraStatus('a'), { target_fps: 5, wanted_fps: 5 }, 'a at its wanted rate');
  t.like(scheduler.cameraStatus('b'), { target_fps: 2.5, wanted_fps: 5 }, 'b gets the leftover');
  load.samples.push({ cpu: 75, tempC: null }, { cpu: 75, tempC: null });
  t.deepEqual(
    [...(await second()), ...(await second())],
    [false, true, false, true, false, true, false, true, false, true],
    'b: every other frame at 2.5 of 5 fps',
  );
  t.like(scheduler.cameraStatus('b'), { skipped: { cpu: 5, busy: 0, motion: 0, rate: 0 } }, 'the skipped ones count as cpu');
  t.like(scheduler.cameraStatus('a'), { skipped: { cpu: 0, busy: 0, motion: 0, rate: 0 } }, 'a skips nothing');
});

test('busy ratio, rates and the status fields', async (t) => {
  const { clock, detector, scheduler, offer } = setup([camera('a', { motion: noMotion, fpsMax: 2.5 })]);
  t.deepEqual(scheduler.status(), {
    enabled: true, cpu_target: 75, temp_limit_c: 80, budget_fps: 0, budget_min_fps: 0, budget_max_fps: 0,
    cpu_percent: null, temp_c: null, busy_ratio: null, decision: 'start',
    floors_fps: 0, capacity_fps: null, floors_met: true, reason: null, updated_at: null,
  }, 'before the first step');
  await scheduler.tick();
  for (let s = 0; s < 5; s++) {
    for (let i = 0; i < 5; i++) {
      offer({ a: [] });
      clock.advance(200);
    }
    detector.busy += 400;
    const c = detector.counters('a');
    detector.counts.set('a', { inferences: c.inferences + 2, skippedBusy: c.skippedBusy + 1 });
    await scheduler.tick();
  }
  t.deepEqual(scheduler.status(), {
    enabled: true, cpu_target: 75, temp_limit_c: 80, budget_fps: 2.5, budget_min_fps: 1, budget_max_fps: 2.5,
    cpu_percent: 50, temp_c: null, busy_ratio: 0.4, decision: 'full',
    floors_fps: 1, capacity_fps: 5, floors_met: true, reason: null, updated_at: new Date(5000).toISOString(),
  }, '400 ms busy per 1000 ms on one worker: 2 inferences in 400 ms, a capacity of 5 /s');
  t.deepEqual(scheduler.cameraStatus('a'), {
    fps_in: 5, wanted_fps: 2.5, target_fps: 2.5, inferred_fps: 2, skipped_fps: { cpu: 0, busy: 1, motion: 0, rate: 2.4 },
    skipped: { cpu: 0, busy: 5, motion: 0, rate: 12 }, motion_enabled: false, motion: true, motion_level: 0,
    floor_fps: 1, below_floor: false,
  }, 'fps_max 2.5 of 5: frames 0, 2, .. 24 inferred, 12 skipped as rate; rates over the last 5 s');
});

test('disabled: no load sampling, every camera gets what it wants; a camera without frames takes no budget', async (t) => {
  const { clock, load, scheduler, offer } = setup([camera('a', { motion: noMotion }), camera('b', { motion: noMotion })], { enabled: false });
  offer({ a: [] });
  clock.advance(1000);
  await scheduler.tick();
  t.is(load.calls, 0, 'load not sampled');
  t.like(scheduler.status(), { enabled: false, decision: 'disabled', budget_fps: 5, budget_max_fps: 5 }, 'budget = what the streaming camera wants');
  t.like(scheduler.cameraStatus('b'), { target_fps: 0 }, 'b has sent no frame: no share');
  scheduler.setSourceFps('a', 2);
  t.like(scheduler.cameraStatus('a'), { wanted_fps: 2, target_fps: 2 }, 'a 2 fps source wants 2');
});

test('start() ticks every interval_s on the clock; stop() ends it', async (t) => {
  const { clock, load, scheduler } = setup([camera('a')]);
  await scheduler.start();
  t.deepEqual(clock.pending, [1000], 'first step in 1 s');
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  t.is(load.calls, 1, 'one sample');
  t.deepEqual(clock.pending, [1000], 'next step scheduled');
  await scheduler.stop();
  t.deepEqual(clock.pending, [], 'no timer left');
});

test('floors the detector cannot serve are said once, shown in status, and the capacity is shared in proportion to them', async (t) => {
  const lines: string[] = [];
  const clock = new FakeClock(0);
  const load = new ScriptedLoad();
  const detector = new FakeDetector();
  const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
  const scheduler = new Scheduler({
    enabled: true, cpuTarget: 75, tempLimitC: 80, intervalS: 1, load, detector, clock,
    cameras: names.map((n) => camera(n, { motion: noMotion, fpsMin: 1 })),
    logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
  });
  let perInferenceMs = 150; // 6.67 inferences/s on one worker: less than the 8 floors of 1
  let total = 0;
  /** One second: 5 frames per camera offered, the detector runs 6 inferences, then a step. */
  const second = async () => {
    for (let f = 0; f < 5; f++) {
      for (const name of names) scheduler.admit({ ...syntheticFrame(0, []), camera: name });
      clock.advance(200);
    }
    for (let i = 0; i < 6; i++) {
      const name = names[total++ % names.length]!;
      const c = detector.counters(name);
      detector.counts.set(name, { inferences: c.inferences + 1, skippedBusy: c.skippedBusy });
    }
    detector.busy += 6 * perInferenceMs;
    await scheduler.tick();
  };
  for (let i = 0; i < 4; i++) await second();
  const status = scheduler.status();
  t.like(status, { floors_fps: 8, capacity_fps: 6.67, floors_met: false }, 'the capacity measured from the detector, below the floors');
  t.is(
    status.reason,
    "the detector does 6.7 inferences/s, less than the 8 the streaming cameras' fps_min add up to; each camera gets a share in proportion to its fps_min and priority (about 83% of its floor at equal priority)",
    'the reason says it in words',
  );
  for (const name of names) {
    t.like(scheduler.cameraStatus(name), { floor_fps: 1, below_floor: true, target_fps: 0.83 }, `${name}: an equal share of the capacity`);
  }
  const warnings = lines.map((l) => JSON.parse(l)).filter((l) => /fps_min floors/.test(l.msg));
  t.is(warnings.length, 1, 'one log line when it starts, not one per step');
  t.like(warnings[0], { level: 'warn', floors_fps: 8, capacity_fps: 6.67 }, 'with the figures as fields');

  perInferenceMs = 50; // 20 inferences/s: every floor can be met again
  for (let i = 0; i < 6; i++) await second();
  t.like(scheduler.status(), { floors_met: true, reason: null }, 'met again once the detector keeps up');
  t.like(scheduler.cameraStatus('c0'), { below_floor: false }, 'no camera below its floor');
  t.true(scheduler.cameraStatus('c0')!.target_fps >= 1, 'targets back at or above the floors');
  const all = lines.map((l) => JSON.parse(l)).filter((l) => /fps_min floors/.test(l.msg));
  t.deepEqual(all.map((l) => [l.level, l.msg.slice(0, 30)]), [['warn', 'fps_min floors cannot be met: '], ['info', 'fps_min floors are met again']], 'one line when it starts, one when it ends');
});

test('floors below the capacity change nothing', async (t) => {
  const { clock, detector, scheduler, offer } = setup([camera('a', { motion: noMotion }), camera('b', { motion: noMotion })]);
  for (let i = 0; i < 4; i++) {
    for (let f = 0; f < 5; f++) {
      offer({ a: [], b: [] });
      clock.advance(200);
    }
    detector.counts.set('a', { inferences: 5 * (i + 1), skippedBusy: 0 });
    detector.counts.set('b', { inferences: 5 * (i + 1), skippedBusy: 0 });
    detector.busy += 10 * 30;
    await scheduler.tick();
  }
  t.like(scheduler.status(), { floors_fps: 2, capacity_fps: 33.33, floors_met: true, reason: null }, '33 inferences/s serve floors of 2');
  t.like(scheduler.cameraStatus('a'), { floor_fps: 1, below_floor: false }, 'a is not below its floor');
});
