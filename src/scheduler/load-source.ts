/**
 * Where the scheduler's load figures come from. Injected, so controller
 * tests feed exact numbers.
 *
 * CPU: systeminformation's currentLoad (the load since its previous call,
 * from /proc/stat on Linux), less the time of niced processes when lookout
 * itself runs at nice 0 or below: the kernel already gives such work only what
 * lookout leaves, so a backup or a build at `nice 19` must not push lookout
 * down to its floors. A lookout that is niced itself counts everything (the
 * kernel's figures cannot tell its own niced time from others'). Temperature: the kernel's thermal zones read
 * directly (/sys/class/thermal/thermal_zone*), the zone named like the CPU
 * or SoC (cpu-thermal on a Raspberry Pi, x86_pkg_temp on a PC) or else the
 * hottest. Not systeminformation's cpuTemperature: on Linux it runs a shell
 * with execSync on every call, which would block the event loop once a
 * second on exactly the small boards this is for.
 */
import { readdir, readFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import si from 'systeminformation';

export interface LoadSample {
  /** System CPU load, 0..100 (all cores), null when unreadable. */
  cpu: number | null;
  /** SoC temperature in °C, null where the board reports none. */
  tempC: number | null;
}

export interface LoadSource {
  /** Called once before the first sample (may prime counters). */
  start?(): Promise<void>;
  sample(): Promise<LoadSample>;
}

const PREFERRED_ZONE = /cpu|soc|x86_pkg_temp|package/i;

/**
 * The CPU load that counts against cpu_target, from currentLoad's figures (%
 * of all cores): without niced work when lookout runs at `ownNice` <= 0.
 */
export function countedCpu(load: { currentLoad: number; currentLoadNice: number }, ownNice: number): number | null {
  if (!Number.isFinite(load.currentLoad)) return null;
  if (ownNice > 0 || !Number.isFinite(load.currentLoadNice)) return load.currentLoad;
  return Math.max(0, load.currentLoad - load.currentLoadNice);
}

export class SystemLoadSource implements LoadSource {
  readonly #thermalDir: string;
  readonly #ownNice: number;
  #zones: string[] = [];

  constructor(options: { thermalDir?: string; ownNice?: number } = {}) {
    this.#thermalDir = options.thermalDir ?? '/sys/class/thermal';
    this.#ownNice = options.ownNice ?? getPriority();
  }

  async start(): Promise<void> {
    await si.currentLoad().catch(() => undefined);
    this.#zones = await findZones(this.#thermalDir);
  }

  async sample(): Promise<LoadSample> {
    const cpu = await si
      .currentLoad()
      .then((load) => countedCpu(load, this.#ownNice))
      .catch(() => null);
    return { cpu, tempC: await readTemperature(this.#zones) };
  }
}

/** The temp files to read: the preferred zones if any, else all. */
export async function findZones(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith('thermal_zone')).sort();
  } catch {
    return [];
  }
  const zones: Array<{ temp: string; type: string }> = [];
  for (const name of names) {
    const type = await readFile(join(dir, name, 'type'), 'utf8').then((s) => s.trim(), () => '');
    zones.push({ temp: join(dir, name, 'temp'), type });
  }
  const preferred = zones.filter((z) => PREFERRED_ZONE.test(z.type));
  return (preferred.length > 0 ? preferred : zones).map((z) => z.temp);
}

/** The hottest of the zones, °C (the kernel reports millidegrees); null when none reads. */
export async function readTemperature(files: readonly string[]): Promise<number | null> {
  let hottest: number | null = null;
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => null);
    const milli = text === null ? NaN : Number(text.trim());
    if (!Number.isFinite(milli) || text!.trim() === '') continue;
    const c = milli / 1000;
    if (hottest === null || c > hottest) hottest = c;
  }
  return hottest;
}
