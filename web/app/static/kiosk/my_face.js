// my_face.js: the staff member's own face enrolment (/my/face): status,
// enrolment with the camera (five quality-checked samples after a liveness
// check), withdrawal, and the PIN for the kiosk's fallback.
import * as face from './face.js';
import { call, say, sayError, when } from './portal.js';

const $ = (id) => document.getElementById(id);
const SAMPLES = 5;
let abort = null;
let stream = null;

async function refresh() {
  const st = $('face-state');
  try {
    const f = await call('GET', '/api/v1/me/face');
    $('face-status').dataset.enrolled = String(!!f.enrolled);
    if (f.enrolled) {
      say(st, '登録済みです。', 'Enrolled.', 'ok');
      $('face-samples').textContent = `${f.samples}枚`;
      $('face-created').textContent = when(f.created_at);
      $('face-delete-on').textContent = f.delete_on || '—';
      $('face-detail').hidden = false;
      $('face-withdraw').hidden = false;
      $('face-start').innerHTML = '登録し直す <small>Enrol again</small>';
    } else {
      say(st, 'まだ登録していません。', 'Not enrolled.', '');
      $('face-detail').hidden = true;
      $('face-withdraw').hidden = true;
      $('face-start').innerHTML = '顔を登録する <small>Enrol my face</small>';
    }
    if (typeof f.card === 'boolean') {
      say($('card-state'), f.card ? 'ICカードが登録されています。' : 'ICカードは登録されていません。',
        f.card ? 'A card is registered.' : 'No card is registered.');
    }
    if (typeof f.pin === 'boolean') $('pin-section').dataset.pin = String(f.pin);
  } catch (e) {
    sayError(st, e);
  }
}

function stop() {
  abort?.abort();
  abort = null;
  face.stopCamera($('face-video'), stream);
  stream = null;
  $('face-capture').hidden = true;
}

async function enrol() {
  const status = $('face-capture-status');
  const result = $('face-result');
  result.textContent = '';
  $('face-capture').hidden = false;
  $('face-progress').value = 0;
  say(status, '準備しています…', 'Starting…');
  abort = new AbortController();
  let samples;
  try {
    if (!window.isSecureContext) throw new Error('カメラには HTTPS の接続が必要です。');
    stream = await face.camera($('face-video'));
    samples = await face.collect($('face-video'), SAMPLES, {
      signal: abort.signal,
      onStatus: (p) => p && say(status, p.ja, p.en, p.code),
      onProgress: (k) => { $('face-progress').value = k; say(status, `撮影しました（${k}/${SAMPLES}）`, `Sample ${k} of ${SAMPLES}`); },
    });
  } catch (e) {
    if (e.name !== 'AbortError') {
      stop();
      if (e.name === 'TimeoutError') say(result, '顔を確認できませんでした。もう一度お試しください。', 'No face was confirmed; try again.', 'error');
      else if (e.name === 'NotAllowedError' || e.name === 'NotFoundError') say(result, 'カメラを使用できません。', 'The camera is not available.', 'error');
      else say(result, e.message, '', 'error');
    }
    return;
  }
  stop();
  try {
    const r = await call('POST', '/api/v1/face/enrol', { model: face.MODEL, samples });
    say(result, `顔を登録しました（${r.samples}枚）。`, 'Your face is enrolled.', 'ok');
  } catch (e) {
    sayError(result, e);
  }
  await refresh();
}

async function withdraw() {
  if (!window.confirm('顔の登録を取り消しますか？ 取り消すと顔認証で打刻できなくなります。\nWithdraw your face enrolment?')) return;
  try {
    await call('DELETE', '/api/v1/me/face');
    say($('face-result'), '顔の登録を取り消しました。', 'Your enrolment was withdrawn.', 'ok');
  } catch (e) {
    sayError($('face-result'), e);
  }
  await refresh();
}

async function setPIN(ev) {
  ev.preventDefault();
  const out = $('pin-result');
  const pin = $('pin').value;
  if (pin !== $('pin-again').value) {
    say(out, '2回の入力が一致しません。', 'The two entries differ.', 'error');
    return;
  }
  try {
    await call('PUT', '/api/v1/me/pin', { pin });
    say(out, '暗証番号を設定しました。', 'Your PIN is set.', 'ok');
    $('pin-form').reset();
  } catch (e) {
    sayError(out, e);
  }
}

async function condition() {
  try {
    const c = await call('GET', '/api/v1/me/condition');
    if (!c.enabled && !(c.items || []).length) return;
    $('condition').hidden = false;
    const rows = (c.items || []).map((it) => {
      const tr = document.createElement('tr');
      for (const v of [it.date, String(Math.round(it.smile * 100))]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    });
    $('condition-list').querySelector('tbody').replaceChildren(...rows);
  } catch (e) {
    // The section stays hidden: the rest of the page still works.
  }
}

$('face-start').addEventListener('click', enrol);
$('face-cancel').addEventListener('click', stop);
$('face-withdraw').addEventListener('click', withdraw);
$('pin-form').addEventListener('submit', setPIN);
refresh();
condition();
face.load().catch((e) => say($('face-result'), `顔認証を準備できません: ${e.message}`, '', 'error'));
