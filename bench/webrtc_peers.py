"""``python -m bench.webrtc_peers N``: the browsers of ``webrtc_20_sessions``, in a process of
their own so the kit's CPU time is measured alone.

Over stdin/stdout, one JSON line each way: it prints N SDP offers, reads N answers, sends a
loud 20 ms probe every 5th microphone frame (silence otherwise) in real time, and on "stop"
prints the ``time.perf_counter()`` of every probe per peer (the clock is system-wide, so the
parent can subtract its own readings).
"""

from __future__ import annotations

import asyncio
import json
import sys

from bench.transports import _Probe


async def main(count: int) -> None:
    from roomkit_fakes.webrtc import BrowserPeer

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    peers: list[BrowserPeer] = []
    probes: list[_Probe] = []
    for _ in range(count):
        peer = BrowserPeer()
        probe = _Probe(every=5)
        track = probe.track()
        for sender in peer.pc.getSenders():
            peer.microphone.stop()
            sender.replaceTrack(track)
        peer.microphone = track
        peers.append(peer)
        probes.append(probe)
    offers = [await peer.offer() for peer in peers]
    print(json.dumps({"offers": offers}), flush=True)
    answers = json.loads(await reader.readline())["answers"]
    for peer, answer in zip(peers, answers, strict=True):
        await peer.accept(answer)
    await reader.readline()  # "stop"
    print(json.dumps({"sent": [probe.sent for probe in probes]}), flush=True)
    for peer in peers:
        await peer.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
