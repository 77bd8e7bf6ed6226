// A stand-in for the LiveKit browser SDK (window.LivekitClient) in the browser tests: it records
// what the softphone asks of it (connect, microphone, disconnect, DTMF) in window.__livekit.
(function () {
  const log = (window.__livekit = { connects: [], microphone: [], disconnects: 0, dtmf: [], options: [], switches: [] });
  class Room {
    constructor(options) {
      log.options.push(options || {});
      this.handlers = {};
      this.localParticipant = {
        setMicrophoneEnabled: async (on) => void log.microphone.push(on),
        publishDtmf: async (code, digit) => void log.dtmf.push(digit),
      };
    }
    on(event, handler) {
      (this.handlers[event] = this.handlers[event] || []).push(handler);
      return this;
    }
    async connect(url, token) {
      log.connects.push({ url, token });
    }
    async switchActiveDevice(kind, deviceId) {
      log.switches.push({ kind, deviceId });
      return true;
    }
    disconnect() {
      log.disconnects += 1;
      (this.handlers.disconnected || []).forEach((handler) => handler());
    }
  }
  window.LivekitClient = {
    Room,
    RoomEvent: { TrackSubscribed: "trackSubscribed", TrackUnsubscribed: "trackUnsubscribed", Disconnected: "disconnected" },
    Track: { Kind: { Audio: "audio", Video: "video" } },
  };
})();
