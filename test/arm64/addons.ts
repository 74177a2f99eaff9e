/**
 * Check 3: every native addon in the production dependency tree has a linux
 * arm64 build that the arm64 Node can load.
 *
 * The tree is `npm ls --omit=dev --all --parseable`; in each package folder
 * (not descending into nested node_modules, which npm lists on their own)
 * any *.node file or binding.gyp marks a native package. Each *.node file is
 * classified by its header (ELF machine, Mach-O, PE). A native package with
 * no linux arm64 ELF build fails: on a board it would need a compiler, or
 * would not work at all. Every arm64 build, and every native package through
 * its own entry point, is then loaded under emulation; onnxruntime-node also
 * runs a session. Optional dependencies that are not installed here (so that
 * this check cannot see them) and install scripts in the production tree are
 * listed, since those are what differs on a board with internet.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runNode } from './emulator.js';
import type { CheckResult, Context } from './context.js';

interface NativePackage {
  name: string;
  dir: string;
  gyp: boolean;
  /** file -> kind, e.g. 'linux arm64', 'linux x64', 'darwin (Mach-O)'. */
  files: Map<string, string>;
}

export function binaryKind(file: string): string {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(20);
  try {
    fs.readSync(fd, head, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head.readUInt16LE(18);
    return { 183: 'linux arm64', 62: 'linux x64', 40: 'linux arm (32-bit)' }[machine] ?? `linux ELF machine ${machine}`;
  }
  const magic = head.readUInt32LE(0);
  if (magic === 0xfeedfacf || magic === 0xcafebabe || magic === 0xbebafeca) return 'darwin (Mach-O)';
  if (head.readUInt16LE(0) === 0x5a4d) return 'windows (PE)';
  return 'unknown format';
}

function scan(dir: string, pkg: NativePackage, depth = 0): void {
  if (depth > 8) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') scan(p, pkg, depth + 1);
    } else if (entry.isFile()) {
      if (entry.name.endsWith('.node')) pkg.files.set(p, binaryKind(p));
      else if (entry.name === 'binding.gyp') pkg.gyp = true;
    }
  }
}

function packageName(dir: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string }).name;
  } catch {
    return path.basename(dir);
  }
}

export function findNativePackages(root: string): { packages: NativePackage[]; scanned: number } {
  let out: string;
  try {
    out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  } catch (error) {
    // npm ls exits 1 on an invalid tree but still prints it; a tree problem is npm test's business.
    out = String((error as { stdout?: string }).stdout ?? '');
    if (!out) throw error;
  }
  const dirs = [...new Set(out.split('\n').map((l) => l.trim()).filter((l) => l && l !== root))];
  const packages: NativePackage[] = [];
  for (const dir of dirs) {
    const pkg: NativePackage = { name: packageName(dir), dir, gyp: false, files: new Map() };
    scan(dir, pkg);
    if (pkg.gyp || pkg.files.size > 0) packages.push(pkg);
  }
  return { packages, scanned: dirs.length };
}

/** Production packages with install scripts (from the lockfile), and optional dependencies not installed here. */
function boardDifferences(root: string): string[] {
  const notes: string[] = [];
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.optionalDependencies ?? {})) {
    if (!fs.existsSync(path.join(root, 'node_modules', name, 'package.json'))) notes.push(`${name} (optional) is not installed here, so it is not checked`);
  }
  const lockFile = path.join(root, 'package-lock.json');
  if (fs.existsSync(lockFile)) {
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean; optional?: boolean }> };
    const scripts = Object.entries(lock.packages)
      .filter(([key, v]) => key && v.hasInstallScript && !v.dev)
      .map(([key, v]) => `${key.replace(/^.*node_modules\//, '')}${v.optional ? ' (optional)' : ''}`);
    if (scripts.length) notes.push(`production packages with install scripts: ${scripts.join(', ')}`);
  }
  return notes;
}

function installsOnArm64(dir: string): boolean {
  try {
    const { cpu } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { cpu?: string[] };
    if (!Array.isArray(cpu)) return true;
    // npm's rule: a list of CPUs, or of exclusions (!x64).
    return cpu.includes('arm64') || (cpu.every((c) => c.startsWith('!')) && !cpu.includes('!arm64'));
  } catch {
    return true;
  }
}

function addArmOptionals(pkg: NativePackage, modules: string | null): void {
  if (modules === null) return;
  let manifest: { optionalDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(pkg.dir, 'package.json'), 'utf8'));
  } catch {
    return;
  }
  for (const name of Object.keys(manifest.optionalDependencies ?? {})) {
    const dir = path.join(modules, name);
    if (fs.existsSync(dir)) scan(fs.realpathSync(dir), pkg);
  }
}

export async function checkAddons(ctx: Context, onnxModel: string | null): Promise<CheckResult> {
  const name = 'native addons load on arm64';
  const problems: string[] = [];
  const found = findNativePackages(ctx.root);
  const scanned = found.scanned;
  // A package whose package.json `cpu` leaves out arm64 (sharp's @img/sharp-linux-x64) is the host's
  // platform build: npm installs it only here; on a board it installs the arm64 one instead.
  const hostOnly = found.packages.filter((pkg) => !installsOnArm64(pkg.dir));
  const packages = found.packages.filter((pkg) => installsOnArm64(pkg.dir));
  // Builds a board gets as optional dependencies (fetched for arm64 by setup) count as the package's own.
  for (const pkg of packages) addArmOptionals(pkg, ctx.emu.armOptionals);
  const armFiles: string[] = [];
  const lines: string[] = [];
  for (const pkg of packages) {
    const kinds = [...pkg.files.values()];
    const arm = [...pkg.files].filter(([, kind]) => kind === 'linux arm64').map(([file]) => file);
    armFiles.push(...arm);
    lines.push(`${pkg.name} (${kinds.length} prebuilt: ${[...new Set(kinds)].join(', ')}${pkg.gyp ? '; binding.gyp' : ''})`);
    if (arm.length === 0) problems.push(`${pkg.name} has no linux arm64 build${pkg.gyp ? ' (binding.gyp: it would compile on the board, which needs python3, make and g++)' : ''}`);
  }
  const request = { root: ctx.root, files: armFiles, packages: packages.map((p) => p.name), onnxModel };
  const r = await runNode('arm64', ctx.emu, [path.join(ctx.root, 'test/arm64/load-addons.mjs'), JSON.stringify(request)], 180_000);
  let loaded = 0;
  try {
    const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { arch: string; results: Array<{ item: string; ok: boolean; note?: string; error?: string }> };
    if (report.arch !== 'arm64') problems.push(`the loader ran as ${report.arch}, not arm64`);
    for (const res of report.results) {
      if (res.ok) loaded++;
      else problems.push(`${path.relative(ctx.root, res.item) || res.item}: ${res.error}`);
      if (res.note && res.item.startsWith('package onnxruntime-node')) lines.push(`onnxruntime-node: ${res.note}`);
    }
  } catch {
    problems.push(`the arm64 loader failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${r.stderr.slice(-800)}`);
  }
  const detail = [
    `${scanned} production packages scanned; native: ${lines.length ? lines.join('; ') : 'none'}`,
    `${loaded} load(s) ok under emulation`,
    ...(hostOnly.length ? [`host-only platform builds, not installed on arm64: ${hostOnly.map((p) => p.name).join(', ')}`] : []),
    ...boardDifferences(ctx.root),
  ].join('; ');
  return { name, ok: problems.length === 0, detail, problems };
}
