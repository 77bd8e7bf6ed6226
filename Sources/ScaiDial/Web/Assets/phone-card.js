// ScaiDial softphone: the floating call card (state, timer, hang-up, mute, errors).
"use strict";

(function (Phone) {
  const $ = (id) => document.getElementById(id);
  const labels = { dialing: "Dialing…", ringing: "Ringing…", connected: "Connected", ended: "Call ended", failed: "Call failed" };
  const rank = { dialing: 0, ringing: 1, connected: 2, ended: 3, failed: 3 };

  /// The one call on screen. States only move forward: dialing → ringing → connected → ended,
  /// or → failed. Updates for a call the card does not show yet wait until it does.
  class CallCard {
    constructor(actions) {
      this.actions = actions;
      this.pending = new Map();
      this.reset();
      $("hang-up").addEventListener("click", () => this.hangUp());
      $("mute").addEventListener("click", () => this.toggleMute());
      $("card-close").addEventListener("click", () => this.close());
    }

    reset() {
      this.callId = null;
      this.state = null;
      this.direction = null;
      this.connectedAt = null;
      this.hangupWanted = false;
      clearInterval(this.ticker);
      if (this.media) this.media.leave();
      this.media = null;
    }

    /// True while a call is on the card and not over.
    get live() {
      return this.state !== null && rank[this.state] < 3;
    }

    open(direction, peer, label) {
      this.reset();
      this.direction = direction;
      $("card-peer").textContent = peer;
      $("card-error").textContent = "";
      $("card-timer").textContent = "";
      $("mute").textContent = "Mute";
      $("mute").setAttribute("aria-pressed", "false");
      $("call-card").hidden = false;
      $("rejoin").hidden = true;
      this.setState("dialing", label);
    }

    setState(state, label) {
      if (this.state && rank[state] < rank[this.state]) return;
      this.state = state;
      const card = $("call-card");
      card.dataset.state = state;
      $("card-state").textContent = label || labels[state];
      const over = rank[state] === 3;
      $("mute").hidden = over;
      $("hang-up").hidden = over;
      if (over) $("rejoin").hidden = true;
      $("card-close").hidden = !over;
      if (state === "connected" && !this.connectedAt) {
        this.connectedAt = Date.now();
        this.tick();
        this.ticker = setInterval(() => this.tick(), 1000);
      }
      if (over) {
        clearInterval(this.ticker);
        if (this.media) this.media.leave();
        this.media = null;
      }
      this.actions.changed();
    }

    tick() {
      const s = Math.floor((Date.now() - this.connectedAt) / 1000);
      const two = (n) => String(n).padStart(2, "0");
      const h = Math.floor(s / 3600);
      $("card-timer").textContent = (h ? `${h}:` : "") + `${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
    }

    /// The call now has an id (ScaiDial answered): apply what already arrived for it.
    attach(callId) {
      this.callId = callId;
      const update = this.pending.get(callId);
      this.pending.clear();
      if (update) this.update(update);
      if (this.hangupWanted) this.hangUp();
    }

    /// A `call_updated` event.
    update(u) {
      if (u.call_id !== this.callId) {
        this.pending.set(u.call_id, u);
        return;
      }
      if (u.state === "ringing" && this.direction === "outbound") this.setState("ringing");
      else if (u.state === "active") this.setState("connected");
      else if (u.state === "ended") this.setState("ended", this.endedWords(u));
      else if (u.state === "failed") this.fail(Phone.failureWords(u));
    }

    endedWords(u) {
      if (u.end_reason === "no_answer") return "No answer";
      if (u.end_reason === "caller_hangup" && this.direction === "inbound") return "The caller hung up";
      if (u.end_reason === "voicemail") return "Sent to voicemail";
      return labels.ended;
    }

    fail(words) {
      this.setState("failed");
      $("card-error").textContent = words;
    }

    /// Audio trouble that does not end the call (no microphone, no SDK): said on the card.
    warn(words) {
      $("card-error").textContent = words;
    }

    async hangUp() {
      if (!this.callId) {
        this.hangupWanted = true; // the call is still being placed: end it once it has an id
        this.setState("ended");
        return;
      }
      const id = this.callId;
      this.setState("ended");
      try {
        await Phone.api("POST", `/me/calls/${id}/hangup`);
      } catch (e) {
        this.warn("The call may still be going on: hanging up failed.");
      }
    }

    async toggleMute() {
      if (!this.media) return;
      const muted = !this.media.muted;
      try {
        await this.media.setMuted(muted);
        $("mute").textContent = muted ? "Unmute" : "Mute";
        $("mute").setAttribute("aria-pressed", String(muted));
      } catch (e) {
        this.warn("The microphone could not be switched.");
      }
    }

    close() {
      this.reset();
      $("call-card").hidden = true;
      this.actions.changed();
    }
  }

  Phone.CallCard = CallCard;
})(window.ScaiDialPhone);
