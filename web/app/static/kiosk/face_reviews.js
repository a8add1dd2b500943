// face_reviews.js: HR's list of offline face punches the server could not
// attribute (/face/reviews). Each is resolved by naming the person (a
// candidate, or any staff number), which records the punch at the kiosk's
// time, or rejected with a reason.
import { call, say, sayError, when } from './portal.js';

const REASONS = {
  uncertain: '本人と確定できない', none: '該当者なし', mismatch: '指定の職員と顔が不一致', no_gallery: '顔の登録者なし',
};
const KINDS = { clock_in: '出勤', clock_out: '退勤', break_start: '休憩開始', break_end: '休憩終了', go_out: '外出', return: '戻り' };
const $ = (id) => document.getElementById(id);

function cell(tr, text) {
  const td = document.createElement('td');
  if (text instanceof Node) td.append(text); else td.textContent = text ?? '';
  tr.append(td);
  return td;
}

function button(label, en, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  const s = document.createElement('small');
  s.textContent = en;
  b.append(' ', s);
  b.addEventListener('click', onClick);
  return b;
}

async function staffIDByNo(no) {
  const r = await call('GET', `/api/v1/staff?q=${encodeURIComponent(no)}&limit=10`);
  const s = (r.items || []).find((x) => x.staff_no === no);
  if (!s) throw new Error(`職員番号 ${no} が見つかりません。`);
  return s.id;
}

async function resolve(item, body, tr) {
  const out = tr.querySelector('.review-result');
  try {
    await call('POST', `/api/v1/face/reviews/${item.id}`, body);
    tr.dataset.resolved = body.reject ? 'rejected' : 'assigned';
    for (const b of tr.querySelectorAll('button, input')) b.disabled = true;
    say(out, body.reject ? '却下しました。' : '打刻を記録しました。', body.reject ? 'Rejected.' : 'Punch recorded.', 'ok');
  } catch (e) {
    sayError(out, e);
  }
}

function row(item) {
  const tr = document.createElement('tr');
  tr.dataset.reviewId = item.id;
  cell(tr, when(item.device_at));
  cell(tr, KINDS[item.kind] || item.kind);
  cell(tr, REASONS[item.reason] || item.reason);
  cell(tr, [item.site_name, item.terminal_name].filter(Boolean).join(' ') || (item.terminal_id ? `端末 ${item.terminal_id}` : ''));
  const cands = document.createElement('div');
  for (const c of item.candidates || []) {
    const b = button(`${c.name}（${c.staff_no}）`, `distance ${Number(c.distance).toFixed(2)}`, () => resolve(item, { staff_id: c.staff_id }, tr));
    b.className = 'candidate';
    cands.append(b);
  }
  if (!(item.candidates || []).length) cands.textContent = '候補なし';
  cell(tr, cands);
  const act = document.createElement('div');
  act.className = 'review-actions';
  const no = document.createElement('input');
  no.placeholder = '職員番号';
  no.className = 'review-staff-no';
  no.setAttribute('aria-label', '職員番号 Staff number');
  act.append(no, button('この職員で記録', 'Record for', async () => {
    try {
      await resolve(item, { staff_id: await staffIDByNo(no.value.trim()) }, tr);
    } catch (e) {
      sayError(tr.querySelector('.review-result'), e);
    }
  }));
  const reason = document.createElement('input');
  reason.placeholder = '却下の理由';
  reason.className = 'review-reason';
  reason.setAttribute('aria-label', '却下の理由 Reason');
  act.append(reason, button('却下', 'Reject', () => resolve(item, { reject: true, reason: reason.value.trim() }, tr)));
  const res = document.createElement('p');
  res.className = 'review-result';
  res.setAttribute('role', 'status');
  act.append(res);
  cell(tr, act);
  return tr;
}

async function load() {
  const st = $('reviews-state');
  try {
    const r = await call('GET', '/api/v1/face/reviews');
    const items = Array.isArray(r) ? r : (r.items || []);
    const body = $('reviews').querySelector('tbody');
    body.replaceChildren(...items.map(row));
    $('reviews').hidden = items.length === 0;
    if (items.length === 0) say(st, '確認待ちはありません。', 'Nothing to review.');
    else say(st, `確認待ち ${items.length}件`, `${items.length} to review`);
  } catch (e) {
    sayError(st, e);
  }
}

load();
