// pairing.js: on a site's page, HR issues a one-time code that pairs a
// tablet running /kiosk with this site.
import { call, say, sayError, when } from './portal.js';

const box = document.getElementById('kiosk-pairing');
if (box) {
  const out = document.getElementById('pairing-result');
  document.getElementById('pairing-issue').addEventListener('click', async () => {
    try {
      const r = await call('POST', '/api/v1/kiosk/pairing-codes', { site_id: Number(box.dataset.siteId) });
      say(out, `登録コード ${r.code}（${when(r.expires_at)} まで有効）`, `Pairing code ${r.code}`, 'ok');
      out.dataset.code = r.code;
    } catch (e) {
      sayError(out, e);
    }
  });
}
