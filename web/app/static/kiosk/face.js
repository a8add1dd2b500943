// face.js: the face pipeline shared by the kiosk and the enrolment pages.
//
// Everything runs in the browser from files served by kintai itself:
// @vladmandic/face-api (with TensorFlow.js and its WASM backend) and four
// models. A camera frame goes through detection, landmarks, quality checks
// and an active liveness check; only then is a 128-number descriptor
// computed. No photo ever leaves the page.
import * as faceapi from '/static/vendor/face-api-1.7.15/face-api.esm.js';

/** MODEL tags every descriptor, so the server never compares vectors of two models. */
export const MODEL = 'faceapi-128';

const MODELS = '/static/vendor/face-api-1.7.15/model/';
const WASM = '/static/vendor/tfjs-backend-wasm-4.22.0/';

/**
 * LIMITS are the quality and liveness thresholds. They were chosen on the
 * labelled photos and fake-camera clips of the tests (see README, 顔認証).
 */
export const LIMITS = {
  minFacePx: 80,       // face box width in camera pixels
  minFaceShare: 0.18,  // face box width as a share of the frame width
  maxYaw: 0.16,        // |nose position − 0.5| in the eye–mouth frame: facing the camera
  maxRollDeg: 20,      // tilt of the eye line
  minSharpness: 40,    // variance of the Laplacian of the face at 64×64, grey levels² (sharp photos 170–4700, blurred 14–45)
  turn: 0.07,          // liveness: spread of the yaw measure over the window
  blink: 0.35,         // liveness: eyes close to at most (1 − blink) of their open height
  windowMs: 4000,      // liveness: how far back frames count
  minFrames: 4,        // liveness: frames needed before a decision
};

let loaded = null;
let expressionsLoaded = null;

/**
 * load starts TensorFlow.js on its WASM backend and loads the detector,
 * landmark and recognition models. It is safe to call more than once.
 */
export function load() {
  loaded ??= (async () => {
    const tf = faceapi.tf;
    // The threaded build needs cross-origin isolation, which these pages
    // do not have; say so rather than let the backend probe for it.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.setWasmPaths(WASM);
    if (!(await tf.setBackend('wasm'))) throw new Error('WASM backend unavailable');
    await tf.ready();
    await Promise.all([
      faceapi.nets.tinyFaceDetector.loadFromUri(MODELS),
      faceapi.nets.faceLandmark68Net.loadFromUri(MODELS),
      faceapi.nets.faceRecognitionNet.loadFromUri(MODELS),
    ]);
  })();
  return loaded;
}

/** loadExpressions loads the expression model, used only for the optional condition check. */
export function loadExpressions() {
  expressionsLoaded ??= load().then(() => faceapi.nets.faceExpressionNet.loadFromUri(MODELS));
  return expressionsLoaded;
}

/** DETECTOR holds the face detector's settings (input size in pixels, a multiple of 32, and minimum score). */
export const DETECTOR = { inputSize: 320, scoreThreshold: 0.4 };

const detector = () => new faceapi.TinyFaceDetectorOptions(DETECTOR);

const dist = (p, q) => Math.hypot(p.x - q.x, p.y - q.y);
const mid = (...ps) => ({ x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length });

/**
 * affine returns a function that expresses a point in the affine frame of
 * the face: origin between the outer eye corners e1 and e2, u from e1 to
 * e2, v from there to the middle of the mouth m. Coordinates in this frame
 * do not change when a flat picture is moved, turned, tilted or zoomed in
 * front of the camera (any affine map), so a photo cannot fake the
 * measures below by being moved; a living head turning or blinking can.
 */
function affine(e1, e2, m) {
  const o = mid(e1, e2);
  const ux = e2.x - e1.x, uy = e2.y - e1.y, vx = m.x - o.x, vy = m.y - o.y;
  const det = ux * vy - uy * vx;
  return (p) => {
    const px = p.x - o.x, py = p.y - o.y;
    return { a: (px * vy - py * vx) / det, b: (ux * py - uy * px) / det };
  };
}

/**
 * measures turns 68 landmarks into the numbers the checks use: yaw (how
 * far the nose tip sits from the face's middle line, in eye widths: 0 when
 * facing the camera), eye openness (eyelid gap in eye-to-mouth heights),
 * and roll (eye line angle in degrees).
 */
export function measures(pts) {
  const e1 = pts[36], e2 = pts[45], m = mid(pts[51], pts[57]);
  const f = affine(e1, e2, m);
  const gap = (up1, up2, lo1, lo2) => (f(pts[lo1]).b + f(pts[lo2]).b - f(pts[up1]).b - f(pts[up2]).b) / 2;
  const openness = (gap(37, 38, 41, 40) + gap(43, 44, 47, 46)) / 2;
  const roll = Math.atan2(e2.y - e1.y, e2.x - e1.x) * 180 / Math.PI;
  return { yaw: f(pts[30]).a, openness, roll, eyes: dist(e1, e2) };
}

/**
 * sharpness is the variance of the Laplacian of the face box, scaled to
 * 64×64 grey pixels: low for a blurred or smeared picture.
 */
function sharpness(source, box) {
  const n = 64;
  const c = document.createElement('canvas');
  c.width = n; c.height = n;
  const g = c.getContext('2d', { willReadFrequently: true });
  g.drawImage(source, box.x, box.y, box.width, box.height, 0, 0, n, n);
  const d = g.getImageData(0, 0, n, n).data;
  const grey = new Float32Array(n * n);
  for (let i = 0; i < n * n; i++) grey[i] = 0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2];
  let sum = 0, sum2 = 0, k = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - n] + grey[i + n] - 4 * grey[i];
      sum += lap; sum2 += lap * lap; k++;
    }
  }
  const mean = sum / k;
  return sum2 / k - mean * mean;
}

/** sizeOf returns the width and height of an image, canvas or video. */
function sizeOf(src) {
  return { w: src.videoWidth || src.naturalWidth || src.width, h: src.videoHeight || src.naturalHeight || src.height };
}

/**
 * look finds the faces in source (a canvas, image or video) and measures
 * the largest. It returns {faces, box, yaw, openness, roll, sharpness,
 * problem}; problem is null when the frame is good enough for a descriptor,
 * else {code, ja, en}.
 */
export async function look(source) {
  const found = await faceapi.detectAllFaces(source, detector()).withFaceLandmarks();
  const out = { faces: found.length, problem: null };
  if (found.length === 0) {
    out.problem = { code: 'no_face', ja: 'カメラに顔を向けてください', en: 'Look at the camera' };
    return out;
  }
  const best = found.reduce((a, b) => (b.detection.box.area > a.detection.box.area ? b : a));
  const box = best.detection.box;
  Object.assign(out, { box: { x: box.x, y: box.y, width: box.width, height: box.height }, score: best.detection.score },
    measures(best.landmarks.positions));
  const { w } = sizeOf(source);
  out.sharpness = sharpness(source, box);
  if (found.length > 1) {
    out.problem = { code: 'many_faces', ja: '1人ずつカメラの前に立ってください', en: 'One person at a time, please' };
  } else if (box.width < LIMITS.minFacePx || box.width < LIMITS.minFaceShare * w) {
    out.problem = { code: 'too_small', ja: 'もう少しカメラに近づいてください', en: 'Come a little closer' };
  } else if (Math.abs(out.roll) > LIMITS.maxRollDeg) {
    out.problem = { code: 'tilted', ja: '顔をまっすぐにしてください', en: 'Hold your head straight' };
  } else if (Math.abs(out.yaw) > LIMITS.maxYaw) {
    out.problem = { code: 'not_frontal', ja: 'カメラの正面を向いてください', en: 'Face the camera' };
  } else if (out.sharpness < LIMITS.minSharpness) {
    out.problem = { code: 'blurred', ja: '画像がぼやけています。少し止まってください', en: 'The picture is blurred; hold still' };
  }
  return out;
}

/**
 * describe computes the descriptor of the single face in source, and the
 * smile score (0..1) when withSmile. It returns null when there is not
 * exactly one face.
 */
export async function describe(source, withSmile = false) {
  let task = faceapi.detectAllFaces(source, detector()).withFaceLandmarks();
  if (withSmile) {
    await loadExpressions();
    task = task.withFaceExpressions();
  }
  const found = await task.withFaceDescriptors();
  if (found.length !== 1) return null;
  const f = found[0];
  return { descriptor: Array.from(f.descriptor, (x) => Math.round(x * 1e6) / 1e6), smile: withSmile ? f.expressions.happy : undefined };
}

/**
 * Liveness decides from the measures of consecutive frames whether a
 * living face is in front of the camera: the eyes close and open again (a
 * blink), or the head turns a little. A still photo, however it is moved,
 * keeps both measures constant apart from landmark noise and fails.
 */
export class Liveness {
  constructor(limits = LIMITS) { this.limits = limits; this.frames = []; }

  reset() { this.frames = []; }

  /** push adds the measures of a frame taken at time t (ms). */
  push(t, m) {
    this.frames.push({ t, yaw: m.yaw, openness: m.openness });
    this.frames = this.frames.filter((f) => t - f.t <= this.limits.windowMs);
  }

  /** verdict returns {live, how, turn, blink} for the frames so far. */
  verdict() {
    const fs = this.frames;
    const out = { live: false, how: '', turn: 0, blink: 0, frames: fs.length };
    if (fs.length < this.limits.minFrames) return out;
    const yaws = fs.map((f) => f.yaw);
    out.turn = Math.max(...yaws) - Math.min(...yaws);
    // A blink: a frame whose eyes are much less open than the open eyes
    // both before and after it.
    for (let i = 1; i < fs.length - 1; i++) {
      const before = Math.max(...fs.slice(0, i).map((f) => f.openness));
      const after = Math.max(...fs.slice(i + 1).map((f) => f.openness));
      const open = Math.min(before, after);
      if (open > 0) out.blink = Math.max(out.blink, 1 - fs[i].openness / open);
    }
    if (out.turn >= this.limits.turn) {
      out.live = true; out.how = 'turn';
    } else if (out.blink >= this.limits.blink) {
      out.live = true; out.how = 'blink';
    }
    return out;
  }
}

/**
 * nextFrame waits for the video's next frame (at most 100 ms). Waiting on
 * a task, not only on promises, also lets the page repaint and handle
 * taps between two analyses: the model runs synchronously in WASM.
 */
function nextFrame(video) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback(() => { clearTimeout(timer); setTimeout(resolve, 0); });
    }
  });
}

/** grab copies the current video frame to a canvas, so every step sees the same pixels. */
export function grab(video, canvas) {
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(video, 0, 0);
  return canvas;
}

/**
 * scan watches the video until a live face of good quality is seen, then
 * returns {descriptor, smile, seenAt, liveness}; seenAt is the time
 * (performance.now) the first face appeared. onStatus(problem|null, info)
 * is told what to show meanwhile. signal (an AbortSignal) stops it with
 * an AbortError; so does timeoutMs.
 */
export async function scan(video, { onStatus = () => {}, signal, withSmile = false, timeoutMs = 20000 } = {}) {
  await load();
  const live = new Liveness();
  const canvas = document.createElement('canvas');
  const start = performance.now();
  let seenAt = 0;
  for (;;) {
    if (signal?.aborted) throw new DOMException('scan stopped', 'AbortError');
    if (performance.now() - start > timeoutMs) throw new DOMException('scan timed out', 'TimeoutError');
    await nextFrame(video);
    if (video.readyState < 2 || !video.videoWidth) continue;
    const t = performance.now();
    grab(video, canvas);
    const m = await look(canvas);
    if (m.faces > 0 && !seenAt) seenAt = t;
    if (m.faces !== 1) {
      live.reset();
      onStatus(m.problem, null);
      continue;
    }
    live.push(t, m);
    const v = live.verdict();
    if (m.problem) {
      // A turned head is part of the turn check; other problems restart it.
      if (m.problem.code !== 'not_frontal') live.reset();
      onStatus(m.problem, v);
      continue;
    }
    if (!v.live) {
      onStatus({ code: 'liveness', ja: 'まばたきするか、少し顔を左右に動かしてください', en: 'Blink, or turn your head a little' }, v);
      continue;
    }
    const d = await describe(canvas, withSmile);
    if (!d) continue;
    return { ...d, seenAt, liveness: v, quality: m };
  }
}

/**
 * collect takes n quality-checked descriptors for enrolment, after one
 * liveness check, at least gapMs apart. onProgress(k, n) counts them.
 */
export async function collect(video, n, { onStatus = () => {}, onProgress = () => {}, signal, gapMs = 250 } = {}) {
  const first = await scan(video, { onStatus, signal, timeoutMs: 30000 });
  const samples = [first.descriptor];
  onProgress(1, n);
  const canvas = document.createElement('canvas');
  let last = performance.now();
  const start = last;
  while (samples.length < n) {
    if (signal?.aborted) throw new DOMException('stopped', 'AbortError');
    if (performance.now() - start > 30000) throw new DOMException('timed out', 'TimeoutError');
    const wait = gapMs - (performance.now() - last);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await nextFrame(video);
    grab(video, canvas);
    const m = await look(canvas);
    if (m.problem) { onStatus(m.problem, null); continue; }
    const d = await describe(canvas);
    if (!d) continue;
    samples.push(d.descriptor);
    last = performance.now();
    onProgress(samples.length, n);
  }
  return samples;
}

/** camera starts the front camera in video and returns its stream. */
export async function camera(video) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  return stream;
}

/** stopCamera ends every track of stream, so the camera light goes off. */
export function stopCamera(video, stream) {
  stream?.getTracks().forEach((t) => t.stop());
  if (video) video.srcObject = null;
}
