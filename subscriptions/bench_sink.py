"""A counting SMTP sink for `manage.py bench_subscriptions`, run as its own process.

`python -m subscriptions.bench_sink PORT` accepts every message on 127.0.0.1:PORT, prints
"ready", and on SIGTERM prints a JSON line: messages accepted, distinct recipients, doubles.
"""

import asyncio
import json
import signal
import sys

from aiosmtpd.smtp import SMTP


class CountingHandler:
    def __init__(self):
        self.messages = 0
        self.recipients: set[str] = set()
        self.doubles = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        for recipient in envelope.rcpt_tos:
            if recipient in self.recipients:
                self.doubles += 1
            self.recipients.add(recipient)
        return "250 OK"


def main(port: int) -> None:
    loop = asyncio.new_event_loop()
    handler = CountingHandler()
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, hostname="sink"), "127.0.0.1", port)
    )
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    loop.run_forever()
    server.close()
    counts = {
        "messages": handler.messages,
        "recipients": len(handler.recipients),
        "doubles": handler.doubles,
    }
    sys.stdout.write(json.dumps(counts) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(int(sys.argv[1]))
