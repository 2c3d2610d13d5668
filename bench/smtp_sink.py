#!/usr/bin/env python3
"""A loopback SMTP sink for bench/cluster.sh: accepts every message and appends one JSON line per message
(Message-ID, recipients, subject, time) to a file, flushed at once, so the checks can count deliveries.

    python3 bench/smtp_sink.py --port 2525 --out /tmp/mail.jsonl

Needs aiosmtpd (Debian package python3-aiosmtpd); nothing else beyond the standard library.
"""
import argparse
import asyncio
import email
import email.policy
import json
import signal
import time

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self, path):
        self.out = open(path, "a", encoding="utf-8")

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.out.write(json.dumps({
            "t": time.time(),
            "message_id": (message.get("Message-ID") or "").strip("<> "),
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("Subject") or ""),
        }) + "\n")
        self.out.flush()
        return "250 OK"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    controller = Controller(CountingHandler(a.out), hostname="127.0.0.1", port=a.port)
    controller.start()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
