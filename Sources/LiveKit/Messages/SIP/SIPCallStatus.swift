/// The `sip.callStatus` attribute livekit-sip keeps on a SIP participant (livekit/sip
/// `pkg/sip/participant.go`, `CallStatus.Attribute`): an outbound call is `dialing` before its
/// INVITE, `ringing` on 180, `automation` while sending DTMF, `active` once answered; an inbound
/// one joins `ringing` and turns `active` when livekit-sip answers it; `hangup` at the end.
public enum SIPCallStatus: String, Sendable, Equatable {
    case dialing, ringing, automation, active, hangup

    /// The attribute's key on a participant.
    public static let attribute = "sip.callStatus"
}
