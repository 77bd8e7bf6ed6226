// ScaiDial softphone: a ringing call is impossible to miss — a ringtone made in the page with Web
// Audio (no file), the tab's title flashing, a desktop notification when the user allowed them.
"use strict";

(function (Phone) {
  /// Rings while at least one call rings on the page (`update(calls)` with the ringing calls).
  class Ringer {
    constructor() {
      this.calls = [];
      this.notes = new Map();
      this.title = document.title;
      this.timer = null;
      this.context = null;
    }

    update(calls) {
      const was = this.calls.length > 0;
      this.calls = calls;
      for (const [id, note] of this.notes) {
        if (!calls.some((c) => c.call_id === id)) {
          note.close();
          this.notes.delete(id);
        }
      }
      for (const call of calls) this.notify(call);
      if (calls.length > 0 && !was) this.start();
      if (calls.length === 0 && was) this.stop();
    }

    start() {
      document.body.dataset.ringing = "true";
      this.title = document.title;
      let tick = 0;
      const beat = () => {
        // A ring burst every 3 s; the title flashes every second.
        if (tick % 3 === 0) this.burst();
        const caller = this.calls[0] ? Phone.number(this.calls[0].from) || "Unknown caller" : "";
        document.title = tick % 2 === 0 ? `📞 Incoming call: ${caller}` : this.title;
        tick += 1;
      };
      beat();
      this.timer = setInterval(beat, 1000);
    }

    stop() {
      delete document.body.dataset.ringing;
      clearInterval(this.timer);
      this.timer = null;
      document.title = this.title;
    }

    /// Two short double-tone rings (the page's own tone: two sine waves, faded in and out).
    burst() {
      const AudioContext = window.AudioContext || window.webkitAudioContext;
      if (!AudioContext) return;
      try {
        this.context = this.context || new AudioContext();
        const ctx = this.context;
        if (ctx.state === "suspended") ctx.resume().catch(() => {});
        for (const offset of [0, 0.5]) {
          const gain = ctx.createGain();
          gain.connect(ctx.destination);
          const at = ctx.currentTime + offset;
          gain.gain.setValueAtTime(0, at);
          gain.gain.linearRampToValueAtTime(0.18, at + 0.03);
          gain.gain.setValueAtTime(0.18, at + 0.37);
          gain.gain.linearRampToValueAtTime(0, at + 0.4);
          for (const hz of [440, 480]) {
            const tone = ctx.createOscillator();
            tone.frequency.value = hz;
            tone.connect(gain);
            tone.start(at);
            tone.stop(at + 0.42);
          }
        }
      } catch (e) {
        /* no audio output: the banner and the title still ring */
      }
    }

    /// A desktop notification per ringing call, when the user allowed them; clicking it brings the
    /// page forward (answering stays a deliberate click or Enter on the page).
    notify(call) {
      if (this.notes.has(call.call_id) || !("Notification" in window) || Notification.permission !== "granted") return;
      try {
        const note = new Notification("Incoming call", {
          body: `${Phone.number(call.from) || "Unknown caller"} → ${call.extension_number} · ${call.extension_name}`, tag: call.call_id,
          requireInteraction: true,
        });
        note.onclick = () => window.focus();
        this.notes.set(call.call_id, note);
      } catch (e) {
        /* notifications from a page need a service worker on some browsers: the banner rings */
      }
    }
  }

  Phone.Ringer = Ringer;
})(window.ScaiDialPhone);
