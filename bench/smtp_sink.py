"""A counting SMTP sink for `python -m bench.subscriptions`, run as its own process.

`python -m bench.smtp_sink PORT` accepts every message on 127.0.0.1:PORT, prints
"ready", and on SIGTERM prints a JSON line: messages accepted, distinct recipients, doubles.

It stands in for a real MTA (Postfix takes thousands of messages a second), so the benchmark
measures our workers rather than the sink: a bare asyncio protocol speaking the SMTP a sender
needs (EHLO/HELO, MAIL, RCPT, DATA ended by a lone dot, RSET, NOOP, QUIT), about ten times
cheaper per message than aiosmtpd, which the tests keep as their full SMTP server.
"""

import asyncio
import json
import signal
import sys

NAME = "minimal asyncio SMTP, not aiosmtpd"
_END_OF_DATA = b"\r\n.\r\n"
_EHLO = b"250-sink\r\n250-8BITMIME\r\n250 SIZE 33554432\r\n"


class Counts:
    def __init__(self):
        self.messages = 0
        self.recipients: set[bytes] = set()
        self.doubles = 0

    def accept(self, recipients: list[bytes]) -> None:
        self.messages += 1
        for recipient in recipients:
            if recipient in self.recipients:
                self.doubles += 1
            self.recipients.add(recipient)

    def as_dict(self) -> dict:
        return {
            "messages": self.messages,
            "recipients": len(self.recipients),
            "doubles": self.doubles,
        }


class SinkProtocol(asyncio.Protocol):
    """One SMTP session: commands line by line, then a message's data up to CRLF . CRLF."""

    def __init__(self, counts: Counts):
        self.counts = counts
        self.buffer = bytearray()
        self.in_data = False
        self.sender: bytes | None = None
        self.recipients: list[bytes] = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.buffer:
            if self.in_data:
                if not self._data_end():
                    return
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 2]
            self._command(line)

    def _data_end(self) -> bool:
        # The data began right after a CRLF (the DATA line's), so a lone dot may come first.
        if self.buffer.startswith(b".\r\n"):
            end, skip = 0, 3
        else:
            end, skip = self.buffer.find(_END_OF_DATA), len(_END_OF_DATA)
            if end < 0:
                return False
        del self.buffer[: end + skip]
        self.in_data = False
        self.counts.accept(self.recipients)
        self.sender, self.recipients = None, []
        self.transport.write(b"250 OK: queued\r\n")
        return True

    def _command(self, line: bytes) -> None:
        verb = line[:4].upper()
        write = self.transport.write
        if verb == b"EHLO":
            write(_EHLO)
        elif verb == b"HELO":
            write(b"250 sink\r\n")
        elif verb == b"MAIL":
            self.sender, self.recipients = _address(line), []
            write(b"250 OK\r\n")
        elif verb == b"RCPT":
            if self.sender is None:
                write(b"503 MAIL first\r\n")
                return
            self.recipients.append(_address(line))
            write(b"250 OK\r\n")
        elif verb == b"DATA":
            if not self.recipients:
                write(b"503 RCPT first\r\n")
                return
            self.in_data = True
            write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"RSET":
            self.sender, self.recipients = None, []
            write(b"250 OK\r\n")
        elif verb == b"NOOP":
            write(b"250 OK\r\n")
        elif verb == b"QUIT":
            write(b"221 Bye\r\n")
            self.transport.close()
        else:
            write(b"502 Command not implemented\r\n")


def _address(line: bytes) -> bytes:
    """The address between <> of a MAIL FROM or RCPT TO line, lower-cased."""
    start, end = line.find(b"<"), line.find(b">")
    return line[start + 1 : end].lower() if 0 <= start < end else line[8:].strip().lower()


def main(port: int) -> None:
    loop = asyncio.new_event_loop()
    counts = Counts()
    server = loop.run_until_complete(
        loop.create_server(lambda: SinkProtocol(counts), "127.0.0.1", port)
    )
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    loop.run_forever()
    server.close()
    sys.stdout.write(json.dumps(counts.as_dict()) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(int(sys.argv[1]))
