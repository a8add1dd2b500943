// punch.js records punches from the punch page (打刻) without leaving it.
// Without JavaScript the same form posts to /punch instead.
//
// Each button press is its own punch with its own client key: pressing
// 出勤 twice stores two punches (the second shows up as an exception to
// resolve), never one silently dropped. Only a resend of the same press,
// after a network error, reuses its key, so the server stores it once.
"use strict";

(function () {
  const form = document.getElementById("punch-form");
  if (!form) {
    return;
  }
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const result = document.getElementById("punch-result");
  const resend = document.getElementById("punch-resend");
  const state = document.getElementById("punch-state");
  const today = document.getElementById("punch-today");
  const where = document.getElementById("work_location");
  const flagLabels = JSON.parse(form.dataset.flags || "{}");
  const hhmm = new Intl.DateTimeFormat("ja-JP", { timeZone: form.dataset.tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  // The clock shows the server's time, ticking with the device's.
  const clock = document.getElementById("punch-clock");
  const offset = Number(clock.dataset.serverMs) - Date.now();
  const hhmmss = new Intl.DateTimeFormat("ja-JP", { timeZone: clock.dataset.tz, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  setInterval(function () { clock.textContent = hhmmss.format(new Date(Date.now() + offset)); }, 1000);

  // Delays before each automatic resend after a network error.
  const retryDelays = [1000, 2000, 4000];
  let pending = null; // the press that could not be sent, for the resend button

  function newKey() {
    if (crypto.randomUUID) {
      return crypto.randomUUID();
    }
    // randomUUID needs a secure context; an intranet server on plain HTTP
    // still has getRandomValues.
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function isPhone() {
    return window.matchMedia("(pointer: coarse)").matches || /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent);
  }

  // position resolves to the device's coordinates, or null when there are
  // none within 5 s (no sensor, permission denied, no answer to the prompt:
  // the geolocation timeout does not count the time a prompt stays open).
  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) {
        resolve(null);
        return;
      }
      let done = false;
      const finish = function (v) {
        if (!done) {
          done = true;
          clearTimeout(timer);
          resolve(v);
        }
      };
      const timer = setTimeout(finish, 5000, null);
      navigator.geolocation.getCurrentPosition(
        function (p) { finish(p.coords); },
        function () { finish(null); },
        { enableHighAccuracy: true, timeout: 5000, maximumAge: 30000 });
    });
  }

  function show(kind, text, en) {
    result.className = "punch-result " + kind;
    result.textContent = text;
    if (en) {
      const small = document.createElement("small");
      small.lang = "en";
      small.textContent = " " + en;
      result.appendChild(small);
    }
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function recorded(press, p) {
    const at = hhmm.format(new Date(p.at));
    const flags = (p.flags || []).map(function (f) { return flagLabels[f] || f; });
    show("ok", press.label + "を記録しました " + at + (flags.length ? "（" + flags.join("・") + "）" : ""));
    state.textContent = press.after;
    const none = today.querySelector(".none");
    if (none) {
      none.remove();
    }
    const li = document.createElement("li");
    const time = document.createElement("time");
    time.textContent = at;
    li.append(time, " " + press.label);
    today.appendChild(li);
  }

  // send posts the press, resending it with the same key after a network
  // error or a gateway failure.
  async function send(press) {
    for (let attempt = 0; ; attempt++) {
      let res = null;
      let data = null;
      try {
        res = await fetch("/api/v1/punches", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify(press.body),
        });
        data = await res.json();
      } catch (e) {
        // No answer, or one cut short: the punch may or may not be stored.
        if (res === null || res.ok) {
          res = null;
        }
      }
      const transient = res === null || res.status === 502 || res.status === 503 || res.status === 504;
      if (!transient) {
        if (res.ok && data && data.punch) {
          recorded(press, data.punch);
        } else if (data && data.error) {
          show("error", press.label + "を記録できませんでした。" + data.error.message, data.error.message_en);
        } else {
          show("error", press.label + "を記録できませんでした（" + res.status + "）。", "The punch was not recorded.");
        }
        return;
      }
      if (attempt >= retryDelays.length) {
        pending = press;
        resend.hidden = false;
        show("error", "通信できないため、" + press.label + "を送信できませんでした。通信状況を確かめて「再送する」を押してください。",
          "Could not reach the server. Check the connection and press Send again.");
        return;
      }
      show("retry", "通信できませんでした。" + press.label + "を再送しています（" + (attempt + 2) + "回目）…",
        "Network error; sending the same punch again.");
      await sleep(retryDelays[attempt]);
    }
  }

  async function punch(button) {
    const press = {
      label: button.dataset.label,
      after: button.dataset.after,
      body: {
        client_key: newKey(),
        kind: button.value,
        method: isPhone() ? "mobile" : "pc",
        work_location: where.value,
      },
    };
    // The location is for the workplace's geofence; a teleworker's home
    // is not the employer's to record.
    if (where.value === "office") {
      show("pending", "位置情報を確認しています…", "Reading the location…");
      const c = await position();
      if (c) {
        press.body.lat = c.latitude;
        press.body.lng = c.longitude;
        press.body.accuracy_m = c.accuracy;
      }
    }
    show("pending", press.label + "を送信しています…", "Sending…");
    await send(press);
  }

  for (const button of form.querySelectorAll("button[name=kind]")) {
    button.addEventListener("click", function (ev) {
      ev.preventDefault();
      punch(button);
    });
  }
  resend.addEventListener("click", function () {
    const press = pending;
    pending = null;
    resend.hidden = true;
    if (press) {
      show("pending", press.label + "を再送しています…", "Sending again…");
      send(press);
    }
  });
})();
