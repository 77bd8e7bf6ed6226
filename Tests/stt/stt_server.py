#!/usr/bin/env python3
"""A real, local speech-to-text engine behind the OpenAI transcription API, for ScaiDial's tests.

    python3 Tests/stt/stt_server.py [--model NAME] [--api-key KEY]

Serves `POST /v1/audio/transcriptions` (multipart/form-data: `file`, `model`, optional
`response_format` = json | text) on an ephemeral port of 127.0.0.1 and answers `{"text": "..."}`,
like OpenAI's endpoint. Whatever audio arrives (OGG/Opus as LiveKit Egress writes it, WAV, MP3, ...)
is decoded by ffmpeg to 16 kHz mono 16-bit PCM and transcribed offline by PocketSphinx (PyPI
`pocketsphinx`, which carries an US-English model). Errors are OpenAI-shaped:
`{"error": {"message": ..., "type": "invalid_request_error"}}` with 400 (bad form, undecodable
audio, unknown model), 401 (wrong bearer key when --api-key is given) or 404 (other paths).

Prints one JSON line, {"url": "http://127.0.0.1:PORT"}, then serves until the test process ends
(see Tests/support/lifetime.py).
"""
import argparse
import email.parser
import email.policy
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pocketsphinx import Decoder

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lifetime import unblock_signals, wait_for_parent  # noqa: E402

SAMPLE_RATE = 16000


def to_pcm(audio):
    """Any audio ffmpeg reads → raw signed 16-bit little-endian mono PCM at 16 kHz."""
    result = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", "pipe:0", "-f", "s16le", "-acodec", "pcm_s16le",
         "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1"],
        input=audio, capture_output=True)
    if result.returncode != 0 or not result.stdout:
        raise ValueError("could not decode the audio: " + result.stderr.decode(errors="replace").strip()[-300:])
    return result.stdout


def transcribe(pcm):
    decoder = Decoder(samprate=SAMPLE_RATE)  # one per request: decoders are not thread-safe
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr if hypothesis else ""


def parse_form(content_type, body):
    """multipart/form-data → {name: (filename or None, bytes)}."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ValueError("expected multipart/form-data")
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return fields


class Handler(BaseHTTPRequestHandler):
    model = None
    api_key = None

    def do_POST(self):
        if self.path.split("?")[0] != "/v1/audio/transcriptions":
            return self.fail(404, "no such endpoint: " + self.path)
        if self.api_key and self.headers.get("Authorization") != "Bearer " + self.api_key:
            return self.fail(401, "Incorrect API key provided")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            fields = parse_form(self.headers.get("Content-Type", ""), body)
        except ValueError as error:
            return self.fail(400, str(error))
        if "file" not in fields or not fields["file"][0]:
            return self.fail(400, "the form needs a file part with a filename")
        model = fields.get("model", (None, b""))[1].decode()
        if not model or (self.model and model != self.model):
            return self.fail(400, "unknown model: " + repr(model))
        response_format = fields.get("response_format", (None, b"json"))[1].decode()
        try:
            text = transcribe(to_pcm(fields["file"][1]))
        except ValueError as error:
            return self.fail(400, str(error))
        if response_format == "text":
            return self.answer(200, "text/plain", text.encode())
        self.answer(200, "application/json", json.dumps({"text": text}).encode())

    def fail(self, status, message):
        error = {"error": {"message": message, "type": "invalid_request_error"}}
        self.answer(status, "application/json", json.dumps(error).encode())

    def answer(self, status, content_type, payload):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # quiet: the test log is for failures
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="the only model name accepted (default: any)")
    parser.add_argument("--api-key", help="require Authorization: Bearer KEY")
    args = parser.parse_args()
    unblock_signals()
    Handler.model, Handler.api_key = args.model, args.api_key
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"url": "http://127.0.0.1:%d" % server.server_address[1]}), flush=True)
    wait_for_parent()
    server.shutdown()


if __name__ == "__main__":
    main()
