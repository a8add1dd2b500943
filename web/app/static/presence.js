// presence.js keeps the live board (在席状況) current: every 30 s, and when
// 更新 is pressed, it reads /api/v1/presence and updates each row's state,
// last punch and 未打刻 mark, and the counts. When the set of staff has
// changed it reloads the page instead. Without JavaScript the page
// refreshes itself every minute.
"use strict";

(function () {
  const board = document.getElementById("presence");
  if (!board) {
    return;
  }
  const button = document.getElementById("presence-refresh");
  const updated = document.getElementById("presence-updated");
  const unit = board.dataset.unit;
  const url = "/api/v1/presence" + (unit ? "?org_unit_id=" + encodeURIComponent(unit) : "");
  const hhmm = new Intl.DateTimeFormat("ja-JP", { timeZone: board.dataset.tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const local = new Intl.DateTimeFormat("ja-JP", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

  async function refresh() {
    let res;
    try {
      res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (e) {
      updated.textContent = "更新できませんでした（通信エラー）";
      return;
    }
    if (res.status === 401 || res.status === 403) {
      location.reload(); // signed out: the page sends the user to sign in
      return;
    }
    if (!res.ok) {
      updated.textContent = "更新できませんでした（" + res.status + "）";
      return;
    }
    const data = await res.json();
    const rows = board.querySelectorAll("tbody tr[data-staff-id]");
    const byID = new Map(data.items.map(function (r) { return [String(r.staff_id), r]; }));
    if (rows.length !== byID.size || Array.from(rows).some(function (tr) { return !byID.has(tr.dataset.staffId); })) {
      location.reload();
      return;
    }
    const counts = { missing: 0 };
    for (const tr of rows) {
      const r = byID.get(tr.dataset.staffId);
      tr.dataset.state = r.state;
      tr.classList.toggle("missing", r.missing);
      tr.querySelector(".state").textContent = r.label;
      tr.querySelector(".last").textContent = r.last_at ? hhmm.format(new Date(r.last_at)) : "—";
      tr.querySelector(".flag").textContent = r.missing ? "未打刻" : "";
      counts[r.state] = (counts[r.state] || 0) + 1;
      if (r.missing) {
        counts.missing++;
      }
    }
    for (const el of document.querySelectorAll("[data-count]")) {
      el.textContent = counts[el.dataset.count] || 0;
    }
    updated.textContent = local.format(new Date()) + " 更新";
  }

  button.hidden = false;
  button.addEventListener("click", refresh);
  setInterval(refresh, 30000);
})();
