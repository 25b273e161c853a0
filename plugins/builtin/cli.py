"""CLIChannel: a terminal as a channel; lines typed become messages, deliveries are printed."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.content import TextContent, text_of
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import ChannelOutput
from roomkit.domain.enums import ChannelType
from roomkit.domain.event import RoomEvent
from roomkit.domain.inbound import InboundMessage
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.channel import Channel


class CLIChannel(Channel):
    channel_type = ChannelType.CLI

    def __init__(
        self, channel_id: str = "cli", *, output: TextIO | None = None, sender_id: str = "user"
    ) -> None:
        super().__init__(channel_id)
        self.output = output or sys.stdout
        self.sender_id = sender_id

    def capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities()

    def message(self, text: str) -> InboundMessage:
        """The InboundMessage for one typed line."""
        return InboundMessage(
            channel_id=self.channel_id, sender_id=self.sender_id, content=TextContent(body=text)
        )

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        if event.source.channel_id != self.channel_id:
            self.output.write(f"[{event.source.channel_id}] {text_of(event.content)}\n")
            self.output.flush()
        return ChannelOutput.empty()

    async def interact(
        self,
        process: Callable[[InboundMessage], Awaitable[object]],
        lines: TextIO | None = None,
        prompt: str = "> ",
    ) -> None:
        """Read lines until EOF (or ``/quit``) and hand each to ``process``."""
        source = lines or sys.stdin
        while True:
            self.output.write(prompt)
            self.output.flush()
            line = await asyncio.to_thread(source.readline)
            if not line or line.strip() == "/quit":
                return
            if line.strip():
                await process(self.message(line.rstrip("\n")))


@hookimpl
def roomkit_register_channels(register: Register) -> None:
    register(
        name="cli",
        factory=lambda settings, channel_id: CLIChannel(channel_id),
        description="Terminal input and output",
    )
