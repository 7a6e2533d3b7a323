"""A jmmap channel peer in plain Python (mmap and struct only), written from docs/channel.md.

    channel_peer.py read PATH COUNT        receive COUNT messages, print "<length> <crc32>" for each
    channel_peer.py write PATH COUNT SIZE  send COUNT messages of body(i, n) (see below), then a deflate one and a
                                           fragmented one

Limits of plain Python, as the document allows: no atomic compare-and-set (it attaches only to a free side), no
futex (it polls, and its waiting peer notices its messages within its sleep slice). Stores and loads of the
header words go through memoryview casts: one aligned 8- or 4-byte access each, which x86-64 makes atomic and
orders as the protocol needs.
"""
import mmap
import os
import struct
import sys
import time
import zlib

MAGIC = 0x48434D4A
HEADER = dict(MAGIC=0, VERSION=4, CAPACITY=8, DATA_OFFSET=16, MAX_MESSAGE_SIZE=24, PRODUCERS=32, SLOT_COUNT=36,
              SLOTS_OFFSET=40, SLOT_LENGTH=44, FRAGMENT_LENGTH=48, TAIL=128, HEAD=256, FREE=264, DATA_SIGNAL=384,
              DATA_WAITERS=388, SPACE_SIGNAL=512, SPACE_WAITERS=516, CONSUMER_IDENTITY=768, CONSUMER_NAMESPACE=776,
              CONSUMER_GENERATION=780, CONSUMER_HEARTBEAT=784, MESSAGES_RECEIVED=792, BYTES_RECEIVED=800)
SLOT = dict(IDENTITY=0, NAMESPACE=8, GENERATION=12, CLAIM=16, HEARTBEAT=24, MESSAGES_SENT=32, BYTES_SENT=40)
MESSAGE, PADDING, ABORT = 1, 2, 3
FIRST, LAST, STREAMED = 0x10, 0x20, 0x40
CODEC_NONE, CODEC_DEFLATE, CODEC_LZ4 = 0, 1, 2


def align8(n):
    return (n + 7) & ~7


def identity():
    with open("/proc/self/stat", "rb") as f:
        stat = f.read()
    fields = stat[stat.rindex(b")") + 2:].split()
    start = int(fields[22 - 3])
    return (start << 22) | os.getpid()


def namespace():
    try:
        return os.stat("/proc/self/ns/pid").st_ino & 0xFFFFFFFF
    except OSError:
        return 0


def body(i, n):
    """The bytes of message i of length n: a rotating byte pattern."""
    pattern = bytes((i * 7 + j) & 0xFF for j in range(256))
    return (pattern * (n // 256 + 1))[:n]


class Channel:
    def __init__(self, path):
        self.file = open(path, "r+b")
        self.mm = mmap.mmap(self.file.fileno(), 0)
        self.q = memoryview(self.mm).cast("q")   # aligned 8-byte words
        self.i = memoryview(self.mm).cast("i")   # aligned 4-byte words
        if self.i[0] != MAGIC or self.i[1] != 1:
            raise SystemExit("not a version 1 jmmap channel")
        self.capacity = self.q[HEADER["CAPACITY"] // 8]
        self.data = self.q[HEADER["DATA_OFFSET"] // 8]
        self.multi = self.i[HEADER["PRODUCERS"] // 4] == 2
        self.fragment = self.i[HEADER["FRAGMENT_LENGTH"] // 4]
        self.mask = self.capacity - 1

    def long(self, offset):
        return self.q[offset // 8]

    def set_long(self, offset, value):
        self.q[offset // 8] = value

    def int(self, offset):
        return self.i[offset // 4]

    def set_int(self, offset, value):
        value &= 0xFFFFFFFF
        self.i[offset // 4] = value - (1 << 32) if value >= 1 << 31 else value

    def word(self, position):
        """The record header at a ring position: (LENGTH, TYPE), one 8-byte load."""
        w = self.q[(self.data + (position & self.mask)) // 8]
        length = w & 0xFFFFFFFF
        if length >= 1 << 31:
            length -= 1 << 32
        return length, (w >> 32) & 0xFFFFFFFF

    def set_word(self, position, length, kind):
        w = (kind << 32) | (length & 0xFFFFFFFF)
        if w >= 1 << 63:
            w -= 1 << 64
        self.q[(self.data + (position & self.mask)) // 8] = w

    def bytes_at(self, position, n):
        start = self.data + (position & self.mask)
        return self.mm[start:start + n]

    def put_bytes(self, position, payload):
        start = self.data + (position & self.mask)
        self.mm[start:start + len(payload)] = payload


def read(path, count):
    ch = Channel(path)
    if ch.long(HEADER["CONSUMER_IDENTITY"]) != 0:
        raise SystemExit("a receiver is attached")
    ch.set_long(HEADER["CONSUMER_IDENTITY"], identity())
    ch.set_int(HEADER["CONSUMER_NAMESPACE"], namespace())
    ch.set_int(HEADER["CONSUMER_GENERATION"], ch.int(HEADER["CONSUMER_GENERATION"]) + 1)
    head = ch.long(HEADER["HEAD"])
    published = head
    parts = None
    received = 0
    deadline = time.time() + 120
    while received < count:
        if head - published >= ch.capacity // 4:  # required in MULTI: see docs/channel.md, section 4
            published = publish(ch, published, head)
        length, kind = ch.word(head)
        if length <= 0:
            if head != published:
                published = publish(ch, published, head)
            if time.time() > deadline:
                raise SystemExit("timed out after %d messages" % received)
            time.sleep(0.0002)
            continue
        head_of_record = head
        head += align8(length)
        if kind & 0xF != MESSAGE:
            if kind & 0xF == ABORT:
                parts = None
            continue
        payload = ch.bytes_at(head_of_record + 8, length - 8)
        codec = (kind >> 8) & 0xF
        if codec == CODEC_DEFLATE:
            raw_length, = struct.unpack_from("<i", payload, 0)
            payload = zlib.decompress(payload[4:])
            assert len(payload) == raw_length
        elif codec != CODEC_NONE:
            raise SystemExit("codec %d not supported by this peer" % codec)
        if kind & FIRST:
            parts = [payload]
        elif parts is None:
            continue  # the rest of a message whose start was consumed before
        else:
            parts.append(payload)
        if kind & LAST:
            message = b"".join(parts)
            parts = None
            received += 1
            print(len(message), zlib.crc32(message) & 0xFFFFFFFF, flush=True)
    publish(ch, published, head)
    ch.set_long(HEADER["CONSUMER_IDENTITY"], 0)


def publish(ch, published, head):
    ch.set_long(HEADER["HEAD"], head)
    if ch.multi:  # free space must be zero for producers in MULTI
        position = published
        while position < head:
            n = min(head - position, ch.capacity - (position & ch.mask))
            ch.put_bytes(position, bytes(n))
            position += n
    ch.set_long(HEADER["FREE"], head)
    if ch.int(HEADER["SPACE_WAITERS"]) != 0:  # no futex here: bump the word, sleepers re-check within their slice
        ch.set_int(HEADER["SPACE_WAITERS"], 0)
        ch.set_int(HEADER["SPACE_SIGNAL"], (ch.int(HEADER["SPACE_SIGNAL"]) + 1) & 0x7FFFFFFF)
    return head


class Writer:
    """A SINGLE producer (docs/channel.md, section 2)."""

    def __init__(self, ch):
        if ch.multi:
            raise SystemExit("this peer writes SINGLE channels only (MULTI needs an atomic add)")
        self.ch = ch
        self.slot = 4096  # slot 0
        if ch.long(self.slot) != 0:
            raise SystemExit("a producer is attached")
        ch.set_long(self.slot, identity())
        ch.set_int(self.slot + SLOT["NAMESPACE"], namespace())
        generation = ch.int(self.slot + SLOT["GENERATION"]) + 1
        ch.set_int(self.slot + SLOT["GENERATION"], generation)
        self.type_base = (generation & 0xFF) << 24  # slot 0
        tail, free = ch.long(HEADER["TAIL"]), ch.long(HEADER["FREE"])
        p = tail if tail > free else free  # records follow one another from there (docs/channel.md, section 2)
        while True:
            length, kind = ch.word(p)
            if length == 0:
                break
            if length < 0:
                length = -length
                ch.set_word(p, length, PADDING | self.type_base)
            p += align8(length)
        self.tail = p
        ch.set_long(HEADER["TAIL"], p)

    def record(self, payload, flags):
        ch = self.ch
        length = 8 + len(payload)
        a = align8(length)
        t = self.tail
        i = t & ch.mask
        pad = ch.capacity - i if a > ch.capacity - i else 0
        while t + pad + a + 8 - ch.long(HEADER["FREE"]) > ch.capacity:
            time.sleep(0.0002)
        at = t + pad
        ch.set_word(at + a, 0, 0)  # the header after the record is zero before the record is visible
        ch.set_word(at, -length, MESSAGE | flags | self.type_base)
        if pad:
            ch.set_word(t, pad, PADDING | self.type_base)
        ch.put_bytes(at + 8, payload)
        ch.set_int(ch.data + (at & ch.mask), length)  # commit
        self.tail = at + a
        ch.set_long(HEADER["TAIL"], self.tail)
        if ch.int(HEADER["DATA_WAITERS"]) != 0:
            ch.set_int(HEADER["DATA_WAITERS"], 0)
            ch.set_int(HEADER["DATA_SIGNAL"], (ch.int(HEADER["DATA_SIGNAL"]) + 1) & 0x7FFFFFFF)

    def send(self, message):
        limit = self.ch.fragment
        if len(message) <= limit:
            self.record(message, FIRST | LAST)
            return
        for offset in range(0, len(message), limit):
            chunk = message[offset:offset + limit]
            flags = (FIRST if offset == 0 else 0) | (LAST if offset + limit >= len(message) else 0)
            self.record(chunk, flags)

    def send_deflate(self, message):
        payload = struct.pack("<i", len(message)) + zlib.compress(message, 1)
        self.record(payload, FIRST | LAST | (CODEC_DEFLATE << 8))

    def close(self):
        self.ch.set_long(self.slot, 0)


def write(path, count, size):
    writer = Writer(Channel(path))
    for i in range(count):
        writer.send(body(i, (i * 37) % size))
    writer.send_deflate(body(count, 50_000))
    writer.send(body(count + 1, 5 * writer.ch.fragment + 123))
    writer.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "read":
        read(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit("usage: channel_peer.py read PATH COUNT | write PATH COUNT SIZE")
