"""Calling station for Open Poker over a real WebSocket, written the way the
platform's guides write bots (`openpoker-websocket-protocol.txt`,
`openpoker-common-bot-errors.txt`): the `websockets` package, the API key in an
`Authorization: Bearer` header (`additional_headers`), `join_lobby`, a receive loop,
reconnect with exponential backoff, and `resync_request` after a reconnect.

The URL and key come from the environment, so the same file plays on the platform
and offline, unchanged:
    OPENPOKER_WS_URL   (default wss://openpoker.ai/ws)
    OPENPOKER_API_KEY
holdem-arena sets both for `--bots 'ws:python3 bots/python/ws_call_bot.py'`.
Its decisions are call_bot.py's `handle`; other bots reuse
`connect_with_retry(handle)` with their own.
"""
import asyncio
import itertools
import json
import os
import sys

import websockets

from call_bot import handle  # the decisions: check, else call (as `call`)

URL = os.environ.get("OPENPOKER_WS_URL", "wss://openpoker.ai/ws")
API_KEY = os.environ.get("OPENPOKER_API_KEY", "").strip()


async def play_loop(ws, handle, state):
    if state.get("table_id") is None:
        await ws.send(json.dumps({"type": "join_lobby", "buy_in": 2000}))
    else:  # a reconnect: catch up on what was missed
        await ws.send(json.dumps({"type": "resync_request", "table_id": state["table_id"],
                                  "last_table_seq": state.get("table_seq")}))
    async for raw in ws:
        msg = json.loads(raw)
        if msg.get("type") == "table_joined":
            state["table_id"] = msg.get("table_id")
        if msg.get("table_seq") is not None:
            state["table_seq"] = msg["table_seq"]
        if msg.get("type") == "error":
            print(f"server error: {msg.get('code')}: {msg.get('message')}", file=sys.stderr)
        reply = handle(msg)
        if reply is not None:
            reply["client_action_id"] = f"a{next(state['ids'])}"
            await ws.send(json.dumps(reply))


async def connect_with_retry(handle, max_retries=10):
    headers = {"Authorization": f"Bearer {API_KEY}"}
    state = {"ids": itertools.count(1)}
    retries = 0
    while retries < max_retries:
        try:
            async with websockets.connect(URL, additional_headers=headers) as ws:
                retries = 0  # reset on a successful connection
                await play_loop(ws, handle, state)
                return  # the server closed the connection normally: done
        except websockets.ConnectionClosed as e:
            if e.rcvd is not None and e.rcvd.code == 4001:
                sys.exit("auth_failed: check OPENPOKER_API_KEY")
            reason = e
        except (ConnectionError, OSError) as e:
            reason = e
        retries += 1
        wait = min(2 ** retries, 60)  # exponential backoff, capped at 60 s
        print(f"Disconnected: {reason}. Retrying in {wait}s ({retries}/{max_retries})",
              file=sys.stderr)
        await asyncio.sleep(wait)
    sys.exit("Max retries reached. Exiting.")


if __name__ == "__main__":
    asyncio.run(connect_with_retry(handle))
