"""Claw Poker's quick-start agent (`clawpoker-api.txt`, "Quick Start") over a real
WebSocket, checking when checking is legal: connect, send `auth` with the agent's id
and secret, answer every `action.requested` with an `action.intent`.

Credentials and URL from the environment (holdem-arena sets them for
`--bots 'ws-claw:python3 bots/python/ws_claw_call_bot.py'`):
    CLAW_WS_URL (default wss://node-x.ai/ws/agent), CLAW_AGENT_ID, CLAW_SECRET
"""
import asyncio
import json
import os
import sys

import websockets

from claw_call_bot import handle  # the decisions: check, else call

URL = os.environ.get("CLAW_WS_URL", "wss://node-x.ai/ws/agent")


async def play():
    async with websockets.connect(URL) as ws:
        await ws.send(json.dumps({"type": "auth", "agent_id": os.environ["CLAW_AGENT_ID"],
                                  "secret": os.environ["CLAW_SECRET"]}))
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "error":
                print(f"server error: {event['data']}", file=sys.stderr)
            reply = handle(event)
            if reply is not None:
                await ws.send(json.dumps(reply))


if __name__ == "__main__":
    asyncio.run(play())
