// ScaiDial softphone: the call's audio, through the LiveKit browser SDK (window.LivekitClient).
"use strict";

(function (Phone) {
  /// One LiveKit room connection: joins with the token ScaiDial minted, publishes the
  /// microphone, plays what the others publish, and reports when the room goes away.
  class Media {
    constructor(onGone) {
      this.onGone = onGone;
      this.room = null;
      this.muted = false;
    }

    static available() {
      return typeof window.LivekitClient !== "undefined" && typeof window.LivekitClient.Room === "function";
    }

    /// Throws with words for the user when the SDK is missing or the room cannot be joined.
    async join(url, token) {
      if (!Media.available()) throw new Error("The phone library could not be loaded, so there is no audio.");
      const LK = window.LivekitClient;
      // The microphone and speaker chosen under Audio (LiveKit's RoomOptions).
      const devices = Phone.Devices;
      const room = new LK.Room({
        audioCaptureDefaults: devices && devices.input ? { deviceId: devices.input } : undefined,
        audioOutput: devices && devices.output ? { deviceId: devices.output } : undefined,
      });
      this.room = room;
      room.on(LK.RoomEvent.TrackSubscribed, (track) => {
        if (track.kind !== LK.Track.Kind.Audio) return;
        const element = track.attach();
        element.dataset.remoteAudio = "";
        if (Phone.Devices) Phone.Devices.route(element);
        document.body.appendChild(element);
      });
      room.on(LK.RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((el) => el.remove()));
      room.on(LK.RoomEvent.Disconnected, () => {
        if (this.room === room) this.onGone();
      });
      try {
        await room.connect(url, token);
      } catch (e) {
        throw new Error("Couldn't connect the audio of this call.");
      }
      try {
        await room.localParticipant.setMicrophoneEnabled(true);
      } catch (e) {
        throw new Error("Allow microphone access so the other side can hear you.");
      }
    }

    async setMuted(muted) {
      this.muted = muted;
      if (this.room) await this.room.localParticipant.setMicrophoneEnabled(!muted);
    }

    /// Another microphone or speaker during the call (kind: "audioinput" | "audiooutput").
    async switchDevice(kind, deviceId) {
      if (this.room && typeof this.room.switchActiveDevice === "function") {
        try {
          await this.room.switchActiveDevice(kind, deviceId);
        } catch (e) {
          /* the device went away meanwhile: the call keeps the one it has */
        }
      }
    }

    /// Touch-tone digits to the far end (menus: "press 1 for …").
    sendDigit(digit) {
      const codes = { "*": 10, "#": 11 };
      const code = digit in codes ? codes[digit] : Number(digit);
      const local = this.room && this.room.localParticipant;
      if (local && typeof local.publishDtmf === "function") local.publishDtmf(code, digit);
    }

    leave() {
      const room = this.room;
      this.room = null;
      if (room) room.disconnect();
      document.querySelectorAll("[data-remote-audio]").forEach((el) => el.remove());
    }
  }

  Phone.Media = Media;
})(window.ScaiDialPhone);
