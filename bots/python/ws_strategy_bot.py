"""strategy_bot.py's decisions over a real WebSocket: its `handle` inside
ws_call_bot.py's connection loop (Bearer key, join_lobby, reconnect with backoff,
resync_request), URL and key from OPENPOKER_WS_URL / OPENPOKER_API_KEY.
`--bots 'ws:python3 bots/python/ws_strategy_bot.py'`.
"""
import asyncio

from strategy_bot import handle
from ws_call_bot import connect_with_retry

if __name__ == "__main__":
    asyncio.run(connect_with_retry(handle))
