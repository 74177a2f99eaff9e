import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../logger.js';
import { systemClock, type Clock, type Timer } from '../clock.js';
import { maskUrl } from '../config/mask.js';
import type {
  CameraSourceDeps, CameraSourceEvents, CameraSourceOptions, CameraSourceStats, CameraState, ProcessRunner, StateChange,
} from './camera-source-types.js';
import { Backoff } from './backoff.js';
import { buildFfmpegArgs, graphInputSize, PICTURE_FD } from './ffmpeg-args.js';
import type { Frame, SourceInfo } from './frame.js';
import { FpsMeter } from './fps-meter.js';
import { FrameSplitter } from './frame-splitter.js';
import { JpegSplitter } from './jpeg-splitter.js';
import { computeLetterbox, type Letterbox } from './letterbox.js';
import { probeSource } from './probe.js';
import { killGroup, spawnGroup } from './process-group.js';
import { StderrTail } from './stderr-tail.js';

export type {
  CameraSourceOptions, CameraSourceDeps, ProcessRunner, CameraState, StateChange, CameraSourceStats, CameraSourceEvents,
} from './camera-source-types.js';

const realProcesses: ProcessRunner = { spawn: spawnGroup, kill: killGroup };

/** One ffmpeg run; callbacks from an old run are recognised by identity. */
interface Run {
  child: ChildProcess;
  splitter: FrameSplitter;
  letterbox: Letterbox;
  /** The source size the letterbox was computed for. */
  size: { width: number; height: number };
  stallTimer: Timer | null;
  streamingSince: number | null;
  endedBy: 'stall' | 'stop' | 'resize' | null;
  done: boolean;
  /** seq before this run's first frame: the n-th picture of the run belongs to frame seqBase + n. */
  seqBase: number;
  pictures: number;
}

/**
 * Supervises one camera's ffmpeg: probe, spawn, cut frames, and on any exit
 * or stall go offline, back off and start again, until stop().
 */
export class CameraSource extends EventEmitter<CameraSourceEvents> {
  readonly name: string;
  private readonly opts: CameraSourceOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly killGraceMs: number;
  private readonly probeTimeoutS: number;
  private readonly probe: NonNullable<CameraSourceDeps['probe']>;
  private readonly processes: ProcessRunner;
  private readonly stderr = new StderrTail(20);

  private running = false;
  private run: Run | null = null;
  private connecting: Promise<void> | null = null;
  private probeAbort: AbortController | null = null;
  private restartTimer: Timer | null = null;
  private stopping: Promise<void> | null = null;

  private state: StateChange = { state: 'offline', reason: null };
  private source: SourceInfo | null = null;
  private seq = 0;
  private framesIn = 0;
  private reconnects = 0;
  private stalls = 0;
  private sizeChanges = 0;
  private lastFrameAt: number | null = null;
  private readonly fpsIn = new FpsMeter(5000);

  constructor(opts: CameraSourceOptions & CameraSourceDeps) {
    super();
    this.name = opts.name;
    this.opts = opts;
    this.log = opts.logger.child({ camera: opts.name });
    this.clock = opts.clock ?? systemClock;
    this.backoff = new Backoff(opts.backoff);
    this.killGraceMs = opts.killGraceMs ?? 3000;
    this.probeTimeoutS = opts.probeTimeoutS ?? Math.max(10, 2 * opts.rtspTimeoutS);
    this.probe = opts.probe ?? probeSource;
    this.processes = opts.processes ?? realProcesses;
  }

  get stats(): CameraSourceStats {
    return {
      ...this.state,
      source: this.source,
      framesIn: this.framesIn,
      fpsIn: this.fpsIn.rate(this.clock.now()),
      reconnects: this.reconnects,
      stalls: this.stalls,
      sizeChanges: this.sizeChanges,
      lastFrameAt: this.lastFrameAt,
    };
  }

  /** pid of the running ffmpeg, or null. */
  get ffmpegPid(): number | null {
    return this.run?.child.pid ?? null;
  }

  /** The last stderr lines of the current or last ffmpeg, URLs masked. */
  get stderrTail(): string[] {
    return this.stderr.all;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.stopping) await this.stopping;
    this.running = true;
    this.stopping = null;
    this.connect();
  }

  /** Kills ffmpeg (or ffprobe) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.running = false;
    if (this.restartTimer !== null) this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.probeAbort?.abort();
    const run = this.run;
    if (run) {
      run.endedBy = 'stop';
      this.clearStall(run);
      await this.processes.kill(run.child, this.killGraceMs, this.clock);
    }
    await this.connecting;
    this.setState('offline', 'stopped');
  }

  private connect(): void {
    const done = this.connectOnce().finally(() => {
      if (this.connecting === done) this.connecting = null;
    });
    this.connecting = done;
  }

  private async connectOnce(): Promise<void> {
    this.setState('connecting', null);
    const abort = new AbortController();
    this.probeAbort = abort;
    let info: SourceInfo;
    try {
      info = await this.probe(this.opts.url, {
        timeoutS: this.probeTimeoutS,
        rtspTimeoutS: this.opts.rtspTimeoutS,
        inputArgs: this.opts.inputArgs ?? [],
        signal: abort.signal,
        clock: this.clock,
      });
    } catch (err) {
      if (!this.running) return;
      this.fail(err instanceof Error ? err.message : String(err), null);
      return;
    } finally {
      this.probeAbort = null;
    }
    if (!this.running) return;
    this.source = info;
    this.emit('source', info);
    this.spawnFfmpeg(info);
  }

  private spawnFfmpeg(info: SourceInfo): void {
    const { url, width, height } = this.opts;
    const letterbox = computeLetterbox(info.width, info.height, width, height);
    const fps = info.fps !== null && info.fps < this.opts.fps ? info.fps : this.opts.fps;
    const pictures = this.opts.pictures ?? null;
    const args = buildFfmpegArgs({ url, fps, letterbox, rtspTimeoutS: this.opts.rtspTimeoutS, inputArgs: this.opts.inputArgs, pictures });
    this.stderr.clear();
    const child = pictures ? this.processes.spawn('ffmpeg', args, 1) : this.processes.spawn('ffmpeg', args);
    const run: Run = {
      child, letterbox, splitter: new FrameSplitter(width * height * 3), size: { width: info.width, height: info.height },
      stallTimer: null, streamingSince: null, endedBy: null, done: false, seqBase: this.seq, pictures: 0,
    };
    this.run = run;
    this.log.debug({ pid: child.pid, args: args.map((a) => (a === url ? maskUrl(url) : a)) }, 'ffmpeg started');
    child.stdout!.on('data', (chunk: Buffer) => this.onData(run, chunk));
    const pictureStream = pictures ? child.stdio[PICTURE_FD] : null;
    if (pictureStream) {
      const jpegs = new JpegSplitter();
      pictureStream.on('data', (chunk: Buffer) => {
        for (const jpeg of jpegs.push(chunk)) {
          run.pictures += 1;
          if (run === this.run && !run.endedBy) this.emit('picture', { camera: this.name, seq: run.seqBase + run.pictures, jpeg });
        }
      });
    }
    child.stderr!.on('data', (chunk: Buffer) => {
      for (const line of this.stderr.push(chunk)) {
        const size = line.level === 'verbose' ? graphInputSize(line.text) : null;
        if (size) this.onGraphSize(run, size);
      }
    });
    child.once('exit', (code, signal) => this.onExit(run, `ffmpeg exited (${signal ? `signal ${signal}` : `code ${code}`})`));
    // Spawn failures (ENOENT) emit 'error' and never 'exit'.
    child.on('error', (err) => { if (child.pid === undefined) this.onExit(run, `cannot start ffmpeg: ${err.message}`); });
    this.armStall(run);
  }

  private onData(run: Run, chunk: Buffer): void {
    if (run !== this.run || run.endedBy) return;
    const frames = run.splitter.push(chunk);
    if (frames.length === 0) return;
    const now = this.clock.now();
    for (const data of frames) {
      this.seq += 1;
      this.framesIn += 1;
      this.lastFrameAt = now;
      this.fpsIn.add(now);
      if (run.streamingSince === null) {
        run.streamingSince = now;
        this.setState('streaming', null);
      }
      this.emit('frame', {
        camera: this.name, seq: this.seq, capturedAt: now,
        width: this.opts.width, height: this.opts.height, data, letterbox: run.letterbox,
      });
    }
    this.armStall(run);
  }

  /**
   * ffmpeg (re)configured its filter graph for a picture of this size. When
   * it is not the size the letterbox was computed for (the camera changed
   * resolution inside the stream, or the probe saw another size), the frames
   * would be scaled wrongly and boxes mapped back by a stale factor: restart
   * ffmpeg at once for the new size. The new size comes from ffmpeg itself,
   * not a new probe, so a probe that disagrees with the decoder cannot make
   * it restart in a loop.
   */
  private onGraphSize(run: Run, size: { width: number; height: number }): void {
    if (run !== this.run || run.endedBy) return;
    if (size.width === run.size.width && size.height === run.size.height) return;
    const from = `${run.size.width}x${run.size.height}`;
    const to = `${size.width}x${size.height}`;
    this.sizeChanges += 1;
    this.log.info({ from, to }, `picture size changed from ${from} to ${to}; restarting ffmpeg for the new size`);
    run.endedBy = 'resize';
    this.clearStall(run);
    // The state first: a status with the new size must not read 'streaming' before the new run streams.
    this.setState('connecting', `picture size changed from ${from} to ${to}`);
    this.source = { ...(this.source ?? { fps: null, codec: null }), width: size.width, height: size.height };
    this.emit('source', this.source);
    void this.processes.kill(run.child, this.killGraceMs, this.clock);
  }

  private onExit(run: Run, how: string): void {
    if (run.done) return;
    run.done = true;
    this.clearStall(run);
    if (this.run === run) this.run = null;
    if (run.endedBy === 'stop' || !this.running) return;
    if (run.endedBy === 'resize') {
      // Not a failure: no backoff, no reconnect counted; the new run starts at the size ffmpeg reported.
      if (this.source) this.spawnFfmpeg(this.source);
      return;
    }
    if (run.endedBy === 'stall') {
      this.scheduleRestart(run.streamingSince);
      return;
    }
    // Exit code 0 too: ffmpeg 5.1 exits 0 when the RTSP server goes away.
    const last = this.stderr.last;
    this.fail(last ? `${how}: ${last}` : how, run.streamingSince);
  }

  private armStall(run: Run): void {
    this.clearStall(run);
    // Until the first frame ffmpeg is still connecting and analysing the
    // stream (seconds on some cameras), so a short stall_timeout_s must not
    // kill every start; it then gets the probe's allowance instead.
    const seconds = run.streamingSince === null
      ? Math.max(this.opts.stallTimeoutS, this.probeTimeoutS)
      : this.opts.stallTimeoutS;
    run.stallTimer = this.clock.setTimeout(() => this.onStall(run, seconds), seconds * 1000);
  }

  private clearStall(run: Run): void {
    if (run.stallTimer !== null) this.clock.clearTimeout(run.stallTimer);
    run.stallTimer = null;
  }

  private onStall(run: Run, seconds: number): void {
    run.stallTimer = null;
    if (run !== this.run || run.endedBy || !this.running) return;
    run.endedBy = 'stall';
    this.stalls += 1;
    const reason = `stalled: no frame for ${seconds} s`;
    this.log.warn({ reason, stderr: this.stderr.all }, 'camera stalled; restarting ffmpeg');
    this.setState('offline', reason);
    // The restart is scheduled from onExit, once this ffmpeg is really gone.
    void this.processes.kill(run.child, this.killGraceMs, this.clock);
  }

  private fail(reason: string, streamingSince: number | null): void {
    this.log.warn({ reason, stderr: this.stderr.all }, 'camera offline');
    this.setState('offline', reason);
    this.scheduleRestart(streamingSince);
  }

  private scheduleRestart(streamingSince: number | null): void {
    if (!this.running) return;
    if (streamingSince !== null) this.backoff.markHealthy(streamingSince, this.clock.now());
    const delay = this.backoff.next();
    this.log.info({ delayMs: delay, attempt: this.backoff.attempts }, 'reconnecting after backoff');
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = null;
      if (!this.running) return;
      this.reconnects += 1;
      this.connect();
    }, delay);
  }

  private setState(state: CameraState, reason: string | null): void {
    if (this.state.state === state && this.state.reason === reason) return;
    this.state = { state, reason };
    this.log.info({ state, reason }, 'camera state');
    this.emit('state', { state, reason });
  }
}
