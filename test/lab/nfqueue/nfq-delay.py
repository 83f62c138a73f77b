#!/usr/bin/env python3
"""Delay, jitter and loss for the namespace lab, without sch_netem.

The lab kernel has no netem qdisc and no nftables `queue` expression, but iptables-nft's NFQUEUE
target hands packets to userspace. This program binds one queue over a raw nfnetlink socket
(the nfnetlink_queue protocol: include/uapi/linux/netfilter/nfnetlink_queue.h) and gives each
packet its verdict late (delay plus uniform jitter) or drops it (loss), with the standard library
only. Select the packets with the iptables rule, e.g. `--tcp-flags RST RST` for late refusals.

Prints "ready" once the queue is bound; exits on SIGTERM or SIGINT.
"""
import argparse
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
SOL_NETLINK = 270
NETLINK_NO_ENOBUFS = 5
SO_RCVBUFFORCE = 33
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN, NFQA_CFG_MASK, NFQA_CFG_FLAGS = 1, 2, 3, 4, 5
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_CFG_F_FAIL_OPEN = 1
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NF_DROP, NF_ACCEPT = 0, 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def message(msg, queue, attrs, flags=NLM_F_REQUEST, seq=0):
    body = struct.pack('=BB', socket.AF_UNSPEC, 0) + struct.pack('>H', queue) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg, flags, seq, 0) + body


def messages(data):
    offset = 0
    while offset + 16 <= len(data):
        length, kind, _flags, _seq, _pid = struct.unpack_from('=IHHII', data, offset)
        if length < 16:
            return
        yield kind, data[offset + 16 : offset + length]
        offset += (length + 3) & ~3


def attributes(payload):
    offset = 4  # nfgenmsg
    while offset + 4 <= len(payload):
        length, kind = struct.unpack_from('=HH', payload, offset)
        if length < 4:
            return
        yield kind & 0x7FFF, payload[offset + 4 : offset + length]
        offset += (length + 3) & ~3


def configure(sock, queue, maxlen):
    attrs = [
        attr(NFQA_CFG_CMD, struct.pack('>BxH', NFQNL_CFG_CMD_BIND, socket.AF_INET)),
        attr(NFQA_CFG_PARAMS, struct.pack('>IB', 0xFFFF, NFQNL_COPY_META)),
        attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('>I', maxlen)),
        # A full queue lets packets through instead of dropping them: loss comes only from --loss.
        attr(NFQA_CFG_MASK, struct.pack('>I', NFQA_CFG_F_FAIL_OPEN)),
        attr(NFQA_CFG_FLAGS, struct.pack('>I', NFQA_CFG_F_FAIL_OPEN)),
    ]
    sock.send(message(NFQNL_MSG_CONFIG, queue, attrs, NLM_F_REQUEST | NLM_F_ACK, seq=1))
    for kind, body in messages(sock.recv(65536)):
        if kind == NLMSG_ERROR:
            (error,) = struct.unpack_from('=i', body, 0)
            if error != 0:
                sys.exit(f'nfq-delay: binding queue {queue} failed: {os.strerror(-error)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--queue', type=int, default=0)
    parser.add_argument('--delay-ms', type=float, default=0)
    parser.add_argument('--jitter-ms', type=float, default=0, help='uniform in [-jitter, +jitter]')
    parser.add_argument('--loss', type=float, default=0, help='share of packets dropped, 0..1')
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--maxlen', type=int, default=65536)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 * 1024 * 1024)
    sock.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)
    sock.bind((0, 0))
    configure(sock, args.queue, args.maxlen)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    print('ready', flush=True)

    due = []  # (time, packet id, verdict)
    counts = {'accepted': 0, 'dropped': 0}
    while not stopping:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, packet, verdict = heapq.heappop(due)
            sock.send(message(NFQNL_MSG_VERDICT, args.queue, [attr(NFQA_VERDICT_HDR, struct.pack('>II', verdict, packet))]))
        wait = max(0.0, due[0][0] - now) if due else 0.5
        try:
            readable, _, _ = select.select([sock], [], [], wait)
        except InterruptedError:
            continue
        if not readable:
            continue
        data = sock.recv(1 << 20)
        for kind, body in messages(data):
            if kind != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                continue
            packet = next((struct.unpack_from('>I', v, 0)[0] for k, v in attributes(body) if k == NFQA_PACKET_HDR), None)
            if packet is None:
                continue
            if args.loss > 0 and rng.random() < args.loss:
                counts['dropped'] += 1
                heapq.heappush(due, (time.monotonic(), packet, NF_DROP))
                continue
            counts['accepted'] += 1
            delay = max(0.0, args.delay_ms + rng.uniform(-args.jitter_ms, args.jitter_ms)) / 1000
            heapq.heappush(due, (time.monotonic() + delay, packet, NF_ACCEPT))
    print(f"stopped: {counts['accepted']} delayed, {counts['dropped']} dropped", flush=True)


if __name__ == '__main__':
    main()
