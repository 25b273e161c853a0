"""SIPVoiceBackend passes the VoiceBackend contract: each session is a call the SIP phone fake
placed (INVITE, answered on join), its audio G.711 over RTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit_contracts import BackendScenario, VoiceBackendContract
from roomkit_fakes.rtp import RTPPeer
from roomkit_fakes.sip import SIPPhone
from roomkit_fakes.twilio_media import from_mulaw, to_mulaw
from roomkit_rtp.resample import resample
from roomkit_sip import SIPCall, SIPVoiceBackend


def wire(frame: AudioFrame) -> bytes:
    return from_mulaw(to_mulaw(resample(bytes(frame.data), frame.sample_rate, 8000)))


class TestSIPContract(VoiceBackendContract):
    @pytest.fixture
    async def backend_scenario(self) -> AsyncIterator[BackendScenario]:
        backend = await SIPVoiceBackend(port=0).start()
        offered: asyncio.Queue[SIPCall] = asyncio.Queue()
        backend.on_incoming_call(offered.put_nowait)
        media: dict[str, RTPPeer] = {}
        phones: list[SIPPhone] = []
        original = backend.connect

        async def connect(*args: object, **kwargs: object) -> VoiceSession:
            peer = await RTPPeer().start()
            phone = await SIPPhone(rtp_port=peer.port).start(backend.port)
            phones.append(phone)
            phone.invite()
            call = await asyncio.wait_for(offered.get(), 10)
            kwargs["metadata"] = {"sip_call_id": call.call_id}
            session = await original(*args, **kwargs)  # type: ignore[arg-type]
            await asyncio.wait_for(phone.answered.wait(), 10)
            peer.connect_to(phone.answer_sdp_port())
            media[session.id] = peer
            return session

        backend.connect = connect  # type: ignore[method-assign]

        async def speak(session: VoiceSession, frame: AudioFrame) -> None:
            media[session.id].send_audio(resample(bytes(frame.data), frame.sample_rate, 8000))

        async def heard(session: VoiceSession) -> bytes:
            return media[session.id].heard()

        yield BackendScenario(backend, speak, heard, wire=wire)
        for peer in media.values():
            peer.close()
        for phone in phones:
            phone.close()
        await backend.close()
