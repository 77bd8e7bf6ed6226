// ScaiDial softphone: the microphone and speaker — which ones (remembered on this device), a
// check that the microphone may be used before a call is placed or answered, and a level meter.
"use strict";

(function (Phone) {
  const $ = (id) => document.getElementById(id);
  const saved = (kind) => window.localStorage.getItem(`scaidial.${kind}`) || "";
  let allowed = false;

  /// Words for a microphone that cannot be used, by the browser's error name.
  function refusalWords(error) {
    switch (error && error.name) {
      case "NotAllowedError":
      case "SecurityError":
        return "Your browser blocked the microphone. Allow it for this site (the icon in the address bar), then try again.";
      case "NotFoundError":
      case "OverconstrainedError":
        return "No microphone was found. Plug one in, or choose another one under Audio.";
      case "NotReadableError":
        return "The microphone is in use by another program or can't be started.";
      default:
        return "The microphone can't be used in this browser.";
    }
  }

  const Devices = {
    /// The chosen microphone and speaker ids ("" = the system's default).
    get input() { return saved("microphone"); },
    get output() { return saved("speaker"); },

    /// Before a call: nil when the microphone may be used (asked once; the browser remembers the
    /// answer), else words saying why not — the caller of this then does not place or answer.
    async ready() {
      if (allowed) return null;
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return refusalWords(null);
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: Devices.input ? { deviceId: Devices.input } : true });
        stream.getTracks().forEach((t) => t.stop());
        allowed = true;
        Devices.fill();
        return null;
      } catch (e) {
        // A remembered device that is gone: fall back to the default once.
        if (e.name === "OverconstrainedError" && Devices.input) {
          window.localStorage.removeItem("scaidial.microphone");
          return Devices.ready();
        }
        return refusalWords(e);
      }
    },

    /// Fills the two pickers with this computer's devices (names appear once the microphone is allowed).
    async fill() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
      const devices = await navigator.mediaDevices.enumerateDevices();
      const pick = (select, kind, chosen, noun) => {
        const list = devices.filter((d) => d.kind === kind && d.deviceId !== "default" && d.deviceId !== "communications");
        const options = [["", `System default ${noun}`], ...list.map((d, i) => [d.deviceId, d.label || `${noun[0].toUpperCase()}${noun.slice(1)} ${i + 1}`])];
        select.replaceChildren(...options.map(([id, label]) => {
          const o = document.createElement("option");
          o.value = id;
          o.textContent = label;
          o.selected = id === chosen;
          return o;
        }));
      };
      pick($("microphone"), "audioinput", Devices.input, "microphone");
      pick($("speaker"), "audiooutput", Devices.output, "speaker");
      // Browsers that cannot choose where sound plays (no setSinkId) get no speaker picker.
      $("speaker-field").hidden = !("setSinkId" in HTMLMediaElement.prototype);
    },

    /// Plays the call's sound on the chosen speaker.
    route(element) {
      if (Devices.output && typeof element.setSinkId === "function") element.setSinkId(Devices.output).catch(() => {});
    },

    /// "Test microphone": asks for it and shows its level for a few seconds.
    async test() {
      const status = $("mic-status");
      const meter = $("mic-level");
      const problem = await Devices.ready();
      if (problem) {
        status.textContent = problem;
        status.dataset.ok = "false";
        return;
      }
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: Devices.input ? { deviceId: Devices.input } : true });
      } catch (e) {
        status.textContent = refusalWords(e);
        status.dataset.ok = "false";
        return;
      }
      status.dataset.ok = "true";
      status.textContent = "Your microphone works. Speak: the bar moves with your voice.";
      meter.hidden = false;
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(stream).connect(analyser);
      const samples = new Uint8Array(analyser.fftSize);
      const until = performance.now() + 5000;
      const tick = () => {
        analyser.getByteTimeDomainData(samples);
        let peak = 0;
        for (const v of samples) peak = Math.max(peak, Math.abs(v - 128) / 128);
        meter.value = peak;
        if (performance.now() < until) requestAnimationFrame(tick);
        else {
          stream.getTracks().forEach((t) => t.stop());
          context.close();
          meter.hidden = true;
        }
      };
      tick();
    },

    /// Wires the pickers: a choice is remembered on this device and, during a call, switched to at once.
    start(currentMedia) {
      Devices.fill();
      const choose = (kind, storeKey) => async (event) => {
        const id = event.target.value;
        if (id) window.localStorage.setItem(`scaidial.${storeKey}`, id);
        else window.localStorage.removeItem(`scaidial.${storeKey}`);
        const media = currentMedia();
        if (media) await media.switchDevice(kind, id || "default");
        if (kind === "audiooutput") document.querySelectorAll("[data-remote-audio]").forEach(Devices.route);
      };
      $("microphone").addEventListener("change", choose("audioinput", "microphone"));
      $("speaker").addEventListener("change", choose("audiooutput", "speaker"));
      $("mic-test").addEventListener("click", Devices.test);
      if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
        navigator.mediaDevices.addEventListener("devicechange", () => Devices.fill());
      }
    },
  };

  Phone.Devices = Devices;
})(window.ScaiDialPhone);
