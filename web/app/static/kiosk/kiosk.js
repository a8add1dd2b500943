// kiosk.js: the face-recognition kiosk (/kiosk).
//
// A tablet at a site is paired once with a one-time code from HR and then
// holds a device credential in IndexedDB. A punch: choose 出勤/退勤/休憩,
// look at the camera and blink or turn the head a little (liveness), see
// your name and confirm with a tap. 「違う」 falls back to a card or staff
// number + PIN. When the server cannot be reached the punch (with its
// descriptor and the device's time) waits in IndexedDB and is uploaded
// through the batch endpoint later; the service worker keeps the page.
import * as face from './face.js';
import * as idb from './idb.js';

const KINDS = {
  clock_in: ['出勤', 'Clock in'], clock_out: ['退勤', 'Clock out'],
  break_start: ['休憩開始', 'Break start'], break_end: ['休憩終了', 'Break end'],
};
const RETRY_MS = 5000;     // upload the queue this often while it is not empty
const RESULT_MS = 6000;    // a result stays on screen this long
const CONFIRM_MS = 20000;  // an unanswered confirmation is dropped
const BATCH = 100;

const $ = (id) => document.getElementById(id);
const state = {
  device: null,   // {credential, terminal_id, site}
  config: null,   // GET /api/v1/kiosk/config
  kind: null,
  stream: null,
  abort: null,
  pending: null,  // the face punch waiting for the confirming tap
  timer: 0,
  flushing: false,
};

/** Offline is a request that never reached the server (or its proxy said it is down). */
class Offline extends Error {}

/** ApiError is the server's refusal, with its ErrorDetail. */
class ApiError extends Error {
  constructor(status, detail) {
    super(detail?.message || `HTTP ${status}`);
    this.status = status;
    this.detail = detail || {};
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.device) headers.Authorization = `Bearer ${state.device.credential}`;
  let resp;
  try {
    resp = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(10000),
    });
  } catch (e) {
    setOnline(false);
    throw new Offline(e.message);
  }
  if (resp.status === 502 || resp.status === 503 || resp.status === 504) {
    setOnline(false);
    throw new Offline(`HTTP ${resp.status}`);
  }
  setOnline(true);
  const data = await resp.json().catch(() => ({}));
  if (resp.status === 401 && state.device) {
    // The credential was revoked (or the server forgot it): pair again.
    await forget();
    throw new ApiError(401, data.error);
  }
  if (!resp.ok) throw new ApiError(resp.status, data.error);
  return data;
}

function setOnline(on) {
  const el = $('kiosk-net');
  if (el.dataset.online === String(on)) return;
  el.dataset.online = String(on);
  el.innerHTML = on ? 'オンライン <small>Online</small>' : 'オフライン <small>Offline</small>';
}

function show(id) {
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== id;
  clearTimeout(state.timer);
}

function kindLabel(kind) {
  const [ja, en] = KINDS[kind];
  return `${ja} ${en}`;
}

function setStatus(el, ja, en, code = '') {
  el.textContent = ja;
  if (en) {
    const s = document.createElement('small');
    s.textContent = en;
    el.append(' ', s);
  }
  el.dataset.code = code;
}

function result(ja, en, detail = '', kind = 'ok') {
  stopCamera();
  show('result');
  const t = $('result-text');
  setStatus(t, ja, en);
  t.dataset.kind = kind;
  $('result-detail').textContent = detail;
  state.timer = setTimeout(home, RESULT_MS);
}

function hhmm(d) {
  return d.toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' });
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// --- pairing -------------------------------------------------------------

async function forget() {
  state.device = null;
  await idb.unset('device');
  await idb.unset('config');
  show('pair');
}

async function pair(ev) {
  ev.preventDefault();
  const err = $('pair-error');
  err.textContent = '';
  try {
    const d = await api('POST', '/api/v1/kiosk/pair', { code: $('pair-code').value.trim(), name: $('pair-name').value.trim() });
    state.device = { credential: d.credential, terminal_id: d.terminal_id, site: d.site };
    await idb.set('device', state.device);
    $('pair-form').reset();
    await loadConfig();
    home();
  } catch (e) {
    if (e instanceof Offline) setStatus(err, 'サーバーに接続できません。', 'Cannot reach the server.');
    else setStatus(err, e.detail?.message || e.message, e.detail?.message_en || '');
  }
}

async function loadConfig() {
  try {
    state.config = await api('GET', '/api/v1/kiosk/config');
    await idb.set('config', state.config);
  } catch (e) {
    if (!(e instanceof Offline)) throw e;
    state.config ??= (await idb.get('config')) || { condition_check: false };
  }
  $('to-enrol').hidden = state.config?.face_enabled === false;
  const site = state.config?.site || state.device?.site;
  $('kiosk-site').textContent = site ? site.name : '';
  $('kiosk-terminal').textContent = state.device ? `端末 ${state.device.terminal_id}` : '';
}

// --- camera and scanning -------------------------------------------------

async function startCamera(video) {
  if (state.stream) return;
  state.stream = await face.camera(video);
}

function stopCamera() {
  state.abort?.abort();
  state.abort = null;
  face.stopCamera($('video'), state.stream);
  face.stopCamera($('enrol-video'), null);
  state.stream = null;
}

function home() {
  stopCamera();
  state.kind = null;
  state.pending = null;
  show(state.device ? 'home' : 'pair');
}

async function startScan(kind) {
  state.kind = kind;
  if (state.config?.face_enabled === false) {
    // The server has no face key: cards and PINs only.
    fallback();
    return;
  }
  show('scan');
  $('scan-kind').textContent = kindLabel(kind);
  const status = $('scan-status');
  setStatus(status, '準備しています…', 'Starting…', 'starting');
  state.abort = new AbortController();
  const signal = state.abort.signal;
  let got;
  try {
    await startCamera($('video'));
    const withSmile = kind === 'clock_in' && !!state.config?.condition_check;
    got = await face.scan($('video'), {
      signal, withSmile,
      onStatus: (p, v) => {
        if (p) setStatus(status, p.ja, p.en, p.code);
        // The liveness measures so far, for whoever maintains the kiosk.
        if (v) Object.assign(status.dataset, { turn: v.turn.toFixed(3), blink: v.blink.toFixed(3), frames: v.frames });
      },
    });
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (e.name === 'TimeoutError') {
      result('顔を確認できませんでした', 'No face was confirmed', 'もう一度お試しいただくか、カード・暗証番号をお使いください。', 'error');
    } else if (e.name === 'NotAllowedError' || e.name === 'NotFoundError' || e.name === 'NotReadableError') {
      result('カメラを使用できません', 'The camera is not available', 'カード・暗証番号をお使いください。', 'error');
    } else {
      result('エラーが発生しました', 'Something went wrong', e.message, 'error');
    }
    return;
  }
  stopCamera();
  await identify(kind, got);
}

async function identify(kind, got) {
  const item = {
    client_key: newKey(), kind, method: 'face', device_at: new Date().toISOString(),
    descriptor: got.descriptor, model: face.MODEL,
  };
  if (got.smile !== undefined) item.smile = Math.round(got.smile * 1000) / 1000;
  let who;
  try {
    who = await api('POST', '/api/v1/face/identify', { descriptor: got.descriptor, model: face.MODEL });
  } catch (e) {
    if (e instanceof Offline) return queuePunch(item);
    result('照合できませんでした', 'Matching failed', e.detail?.message || e.message, 'error');
    return;
  }
  if (who.status !== 'match') {
    result('登録された顔と一致しませんでした', 'Face not recognised',
      'もう一度お試しいただくか、カード・暗証番号をお使いください。', 'error');
    $('result-text').dataset.match = who.status;
    return;
  }
  state.pending = { ...item, staff_id: who.staff_id };
  show('confirm');
  $('confirm-name').textContent = who.name;
  const c = $('confirm');
  c.dataset.staffId = who.staff_id;
  c.dataset.ms = String(Math.round(performance.now() - got.seenAt));
  c.dataset.how = got.liveness.how;
  c.dataset.distance = who.distance;
  const [ja, en] = KINDS[kind];
  $('confirm-question').innerHTML = '';
  setStatus($('confirm-question'), `${ja}を記録しますか？`, `Record ${en.toLowerCase()}?`);
  state.timer = setTimeout(home, CONFIRM_MS);
}

async function confirmYes() {
  const p = state.pending;
  if (!p) return;
  state.pending = null;
  clearTimeout(state.timer);
  await sendPunch(p, () => {
    // The server may not see the punch now; queue it with its descriptor
    // (not the staff id: the server identifies queued punches itself).
    const { staff_id: _, ...queued } = p;
    return queuePunch(queued);
  });
}

async function sendPunch(p, onOffline) {
  try {
    const r = await api('POST', '/api/v1/punches', p);
    const at = new Date(r.punch?.at || Date.now());
    const [ja, en] = KINDS[p.kind];
    result(`${ja}を記録しました ${hhmm(at)}`, `${en} recorded`, '', 'ok');
    flush();
  } catch (e) {
    if (e instanceof Offline && onOffline) return onOffline();
    if (e instanceof Offline) {
      result('サーバーに接続できません', 'Cannot reach the server', '顔認証で打刻すると、端末に保存して後で送信します。', 'error');
      return;
    }
    result('記録できませんでした', 'Not recorded', e.detail?.message || e.message, 'error');
  }
}

// --- card and PIN --------------------------------------------------------

function fallback() {
  const kind = state.kind || state.pending?.kind;
  stopCamera();
  state.pending = null;
  if (!kind) return home();
  state.kind = kind;
  show('fallback');
  $('fallback-kind').textContent = kindLabel(kind);
  $('card-form').reset();
  $('pin-form').reset();
  $('card-id').focus();
  state.timer = setTimeout(home, CONFIRM_MS * 2);
}

async function cardPunch(ev) {
  ev.preventDefault();
  const card = $('card-id').value.trim();
  if (!card) return;
  const p = { client_key: newKey(), kind: state.kind, method: 'card', card_id: card, device_at: new Date().toISOString() };
  // A card number is no secret, so a card punch may wait offline too.
  await sendPunch(p, () => queuePunch(p));
}

async function pinPunch(ev) {
  ev.preventDefault();
  const p = {
    client_key: newKey(), kind: state.kind, method: 'pin', staff_no: $('pin-staff-no').value.trim(),
    pin: $('pin-pin').value, device_at: new Date().toISOString(),
  };
  // A PIN is never stored on the kiosk: offline, PIN punches are refused.
  await sendPunch(p, null);
}

// --- offline queue -------------------------------------------------------

async function queuePunch(item) {
  await idb.enqueue({ ...item, queued_at: new Date().toISOString() });
  await showQueue();
  const [ja, en] = KINDS[item.kind];
  result(`${ja}を端末に保存しました ${hhmm(new Date(item.device_at))}`, `${en} saved on this kiosk`,
    'サーバーに接続できないため、接続が戻りしだい送信します。 Sent when the server is back.', 'queued');
  scheduleFlush();
}

async function showQueue() {
  const [n, refused] = await Promise.all([idb.queueCount(), idb.refusedCount()]);
  const el = $('kiosk-queue');
  el.dataset.count = String(n);
  el.dataset.refused = String(refused);
  el.hidden = n === 0 && refused === 0;
  el.textContent = `未送信 ${n}件` + (refused ? ` ・要確認 ${refused}件` : '');
  return n;
}

let flushTimer = 0;
function scheduleFlush(ms = RETRY_MS) {
  clearTimeout(flushTimer);
  flushTimer = setTimeout(flush, ms);
}

/** flush uploads the queued punches in batches; each is removed once the server has it. */
async function flush() {
  if (state.flushing || !state.device) return;
  state.flushing = true;
  try {
    for (;;) {
      const items = (await idb.queued()).slice(0, BATCH);
      if (items.length === 0) break;
      const punches = items.map(({ queued_at: _, ...p }) => p);
      const r = await api('POST', '/api/v1/punches/batch', { punches });
      for (const res of r.results || []) {
        const it = items[res.index];
        if (!it) continue;
        if (res.status === 'refused') await idb.setAside(it, res.error || null);
        else await idb.dequeue(it.client_key);
      }
      await showQueue();
    }
  } catch (e) {
    if (!(e instanceof Offline)) console.warn('kiosk: upload failed', e);
  } finally {
    state.flushing = false;
    if ((await showQueue()) > 0) scheduleFlush();
  }
}

// --- enrolment at the kiosk ---------------------------------------------

async function enrol(ev) {
  ev.preventDefault();
  const code = $('enrol-code').value.trim().toUpperCase();
  const status = $('enrol-status');
  const progress = $('enrol-progress');
  const n = Number(progress.max);
  $('enrol-form').hidden = true;
  $('enrol-camera').hidden = false;
  progress.hidden = false;
  progress.value = 0;
  state.abort = new AbortController();
  let samples;
  try {
    state.stream = await face.camera($('enrol-video'));
    samples = await face.collect($('enrol-video'), n, {
      signal: state.abort.signal,
      onStatus: (p) => p && setStatus(status, p.ja, p.en, p.code),
      onProgress: (k) => {
        progress.value = k;
        setStatus(status, `撮影しました（${k}/${n}）`, `Sample ${k} of ${n}`, 'sample');
      },
    });
  } catch (e) {
    if (e.name === 'AbortError') return;
    result('登録できませんでした', 'Enrolment failed', e.name === 'TimeoutError' ? '顔を確認できませんでした。' : e.message, 'error');
    return;
  } finally {
    face.stopCamera($('enrol-video'), state.stream);
    state.stream = null;
  }
  try {
    const r = await api('POST', '/api/v1/face/enrol', { code, model: face.MODEL, samples });
    result(`${r.name}さんの顔を登録しました`, 'Your face is enrolled', `${r.samples}枚 ${r.samples} samples`, 'ok');
  } catch (e) {
    if (e instanceof Offline) result('サーバーに接続できません', 'Cannot reach the server', '登録は接続中にのみ行えます。', 'error');
    else result('登録できませんでした', 'Enrolment failed', e.detail?.message || e.message, 'error');
  }
}

function openEnrol() {
  show('enrol');
  $('enrol-form').reset();
  $('enrol-form').hidden = false;
  $('enrol-camera').hidden = true;
  $('enrol-progress').hidden = true;
  $('enrol-status').textContent = '';
  $('enrol-code').focus();
}

// --- start ---------------------------------------------------------------

function tick() {
  $('kiosk-clock').textContent = new Date().toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Asia/Tokyo' });
}

async function start() {
  tick();
  setInterval(tick, 1000);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/kiosk/sw.js', { scope: '/kiosk' }).catch((e) => console.warn('kiosk: service worker', e));
  }
  $('pair-form').addEventListener('submit', pair);
  for (const b of document.querySelectorAll('button.kind')) b.addEventListener('click', () => startScan(b.dataset.kind));
  $('scan-cancel').addEventListener('click', home);
  $('scan-fallback').addEventListener('click', fallback);
  $('confirm-yes').addEventListener('click', confirmYes);
  $('confirm-no').addEventListener('click', fallback);
  $('card-form').addEventListener('submit', cardPunch);
  $('pin-form').addEventListener('submit', pinPunch);
  $('fallback-cancel').addEventListener('click', home);
  $('to-enrol').addEventListener('click', openEnrol);
  $('enrol-form').addEventListener('submit', enrol);
  $('enrol-cancel').addEventListener('click', home);
  $('result-ok').addEventListener('click', home);
  window.addEventListener('online', () => flush());

  state.device = (await idb.get('device')) || null;
  await showQueue();
  if (!state.device) {
    show('pair');
  } else {
    try {
      await loadConfig();
    } catch (e) {
      console.warn('kiosk: config', e);
    }
    home();
    flush();
  }
  if (!window.isSecureContext) {
    // Browsers give the camera and service workers only to HTTPS pages.
    setStatus($('home-note'), 'カメラとオフライン動作には HTTPS での接続が必要です。カード・暗証番号は使えます。',
      'The camera and offline mode need HTTPS; cards and PINs work.', 'insecure');
  }
  // Models load in the background so the first punch does not wait.
  face.load().then(() => { document.body.dataset.ready = 'true'; })
    .catch((e) => { document.body.dataset.ready = 'error'; $('home-note').textContent = `顔認証を準備できません: ${e.message}`; });
}

start();
