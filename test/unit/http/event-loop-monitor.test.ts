import test from 'ava';
import { EventLoopMonitor } from '../../../src/http/event-loop-monitor.js';
import type { Clock } from '../../../src/clock.js';
import { FakeClock } from '../../helpers/fake-clock.js';

/**
 * A clock whose time and timer firing are separate steps, to model a blocked
 * loop: time moves on while the due timer has not run yet.
 */
class StallClock implements Clock {
  time = 1_000_000;
  pending: (() => void) | null = null;
  now = () => this.time;
  setTimeout = (fn: () => void) => {
    this.pending = fn;
    return 1;
  };
  clearTimeout = () => {
    this.pending = null;
  };
  fire(): void {
    const fn = this.pending;
    this.pending = null;
    fn?.();
  }
}

test('healthy while ticks arrive on time', (t) => {
  const clock = new FakeClock();
  const monitor = new EventLoopMonitor({ clock, intervalMs: 1000, maxLagMs: 5000 });
  t.false(monitor.healthy, 'not healthy before start');
  monitor.start();
  clock.advance(10_000);
  t.is(monitor.lagMs, 0);
  t.true(monitor.healthy);
  monitor.stop();
  t.deepEqual(clock.pending, [], 'stop clears the timer');
});

test('a missing tick counts as lag from the moment it was due', (t) => {
  const clock = new StallClock();
  const monitor = new EventLoopMonitor({ clock, intervalMs: 1000, maxLagMs: 5000 });
  monitor.start();
  clock.time += 5500;
  t.is(monitor.lagMs, 4500, '5.5 s since the last tick, 1 s of which was the interval');
  t.true(monitor.healthy, '4.5 s is within the 5 s limit');
  clock.time += 1000;
  t.is(monitor.lagMs, 5500);
  t.false(monitor.healthy, 'over the limit before the timer could even fire');
});

test('a late tick records its lag until the next on-time tick', (t) => {
  const clock = new StallClock();
  const monitor = new EventLoopMonitor({ clock, intervalMs: 1000, maxLagMs: 5000 });
  monitor.start();
  clock.time += 7000; // the loop was blocked...
  clock.fire(); // ...then the overdue timer runs
  t.is(monitor.lagMs, 6000);
  t.false(monitor.healthy, 'unhealthy right after the stall');
  clock.time += 1000;
  clock.fire();
  t.is(monitor.lagMs, 0);
  t.true(monitor.healthy, 'healthy again after an on-time tick');
});
