import { join } from 'node:path';
import test from 'ava';
import { countedCpu, findZones, readTemperature, SystemLoadSource } from '../../../src/scheduler/load-source.js';
import { tmpDir } from '../config/tmp-dir.js';

test('the CPU or SoC thermal zone is preferred; millidegrees become °C', async (t) => {
  const tmp = tmpDir(t);
  tmp.write('thermal/thermal_zone0/type', 'acpitz\n');
  tmp.write('thermal/thermal_zone0/temp', '90000\n');
  tmp.write('thermal/thermal_zone1/type', 'cpu-thermal\n');
  tmp.write('thermal/thermal_zone1/temp', '61500\n');
  tmp.write('thermal/cooling_device0/type', 'fan\n');
  const dir = join(tmp.dir, 'thermal');
  const zones = await findZones(dir);
  t.deepEqual(zones, [join(dir, 'thermal_zone1', 'temp')], 'only the cpu-thermal zone');
  t.is(await readTemperature(zones), 61.5, '61500 m°C');
});

test('without a preferred zone the hottest counts; no zones is null', async (t) => {
  const tmp = tmpDir(t);
  tmp.write('thermal/thermal_zone0/type', 'acpitz\n');
  tmp.write('thermal/thermal_zone0/temp', '40000\n');
  tmp.write('thermal/thermal_zone1/type', 'pch\n');
  tmp.write('thermal/thermal_zone1/temp', '52000\n');
  tmp.write('thermal/thermal_zone2/type', 'broken\n');
  tmp.write('thermal/thermal_zone2/temp', '\n');
  t.is(await readTemperature(await findZones(join(tmp.dir, 'thermal'))), 52, 'the hottest readable zone');
  t.deepEqual(await findZones(join(tmp.dir, 'none')), [], 'no thermal directory: no zones');
  t.is(await readTemperature([]), null, 'no zones: null');
});

test('the system source reads a CPU load between 0 and 100', async (t) => {
  const tmp = tmpDir(t);
  const source = new SystemLoadSource({ thermalDir: join(tmp.dir, 'none') });
  await source.start();
  const sample = await source.sample();
  t.true(sample.cpu !== null && sample.cpu >= 0 && sample.cpu <= 100, `cpu ${sample.cpu}`);
  t.is(sample.tempC, null, 'no thermal zones: null');
});

test('niced work does not count while lookout runs at nice 0; a niced lookout counts everything', (t) => {
  const load = { currentLoad: 90, currentLoadNice: 55 };
  t.is(countedCpu(load, 0), 35, 'a nice-19 training run on top of lookout is left out');
  t.is(countedCpu(load, -5), 35);
  t.is(countedCpu(load, 5), 90, 'lookout at nice 5 is itself in the nice column');
  t.is(countedCpu({ currentLoad: 10, currentLoadNice: 12 }, 0), 0, 'rounding never gives a negative load');
  t.is(countedCpu({ currentLoad: Number.NaN, currentLoadNice: 0 }, 0), null, 'unreadable');
});
