export { CameraSource } from './camera-source.js';
export type { CameraSourceOptions, CameraSourceDeps, ProcessRunner, CameraSourceStats, CameraSourceEvents, CameraState, StateChange } from './camera-source-types.js';
export type { Frame, SourceInfo } from './frame.js';
export { computeLetterbox, toSourcePoint, PAD_COLOR, type Letterbox } from './letterbox.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { FrameSplitter } from './frame-splitter.js';
export { buildFfmpegArgs, isRtspUrl, type FfmpegArgsOptions } from './ffmpeg-args.js';
export { probeSource, type ProbeOptions } from './probe.js';
export { spawnGroup, killGroup } from './process-group.js';
