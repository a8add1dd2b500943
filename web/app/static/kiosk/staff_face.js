// staff_face.js: HR's page for one staff member's face enrolment
// (/staff/{id}/face): status, a printable one-time enrolment code, the IC
// card, and deleting the enrolment.
import { call, say, sayError, when } from './portal.js';

const $ = (id) => document.getElementById(id);
const root = $('staff-face');
const id = root.dataset.staffId;
const out = $('staff-face-result');

async function refresh() {
  const st = $('face-state');
  try {
    const f = await call('GET', `/api/v1/staff/${id}/face`);
    if (f.enrolled) {
      say(st, `登録済み（${f.samples}枚、${when(f.created_at)}、自動削除日 ${f.delete_on || '—'}）`,
        `Enrolled: ${f.samples} samples`, 'ok');
    } else {
      say(st, '顔は登録されていません。', 'Not enrolled.');
    }
    $('face-delete').hidden = !f.enrolled;
    root.dataset.enrolled = String(!!f.enrolled);
    if (typeof f.card === 'boolean') root.dataset.card = String(f.card);
  } catch (e) {
    if (e.status === 404 || e.status === 405) {
      say(st, '登録状況を表示できません。', 'The status is not available.');
      $('face-delete').hidden = false;
    } else {
      sayError(st, e);
    }
  }
}

async function issue() {
  try {
    const r = await call('POST', '/api/v1/face/enrolment-codes', { staff_id: Number(id) });
    $('code-value').textContent = r.code;
    $('code-expires').textContent = when(r.expires_at);
    $('code-slip').hidden = false;
    say(out, '登録コードを発行しました。印刷して本人に渡してください。', 'Code issued: print it and hand it over.', 'ok');
  } catch (e) {
    sayError(out, e);
  }
}

async function saveCard(ev, cardID) {
  ev.preventDefault();
  const res = $('card-result');
  try {
    await call('PUT', `/api/v1/staff/${id}/card`, { card_id: cardID });
    say(res, cardID ? 'カードを登録しました。' : 'カードの登録を解除しました。', cardID ? 'Card registered.' : 'Card removed.', 'ok');
    $('card-form').reset();
  } catch (e) {
    sayError(res, e);
  }
  await refresh();
}

async function remove() {
  if (!window.confirm(`${root.dataset.name} さんの顔の登録を削除しますか？\nDelete this enrolment?`)) return;
  try {
    await call('DELETE', `/api/v1/staff/${id}/face`);
    say(out, '顔の登録を削除しました。', 'The enrolment was deleted.', 'ok');
  } catch (e) {
    sayError(out, e);
  }
  await refresh();
}

$('code-issue').addEventListener('click', issue);
$('code-print').addEventListener('click', () => window.print());
$('card-form').addEventListener('submit', (ev) => saveCard(ev, $('card-id').value.trim()));
$('card-remove').addEventListener('click', (ev) => saveCard(ev, ''));
// A card reader types the number and Enter: Enter submits the form.
$('face-delete').addEventListener('click', remove);
refresh();
