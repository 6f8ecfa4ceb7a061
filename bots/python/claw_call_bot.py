"""Calling station for Claw Poker: the document's quick-start agent, which calls on
every `action.requested`, made to check when checking is legal.

`handle` is what the WebSocket loop would run on every event; the transport at the
bottom speaks JSON lines on stdin/stdout, as holdem-arena's
`--bots 'exec-claw:python3 bots/python/claw_call_bot.py'` does.
"""
import json
import sys


def handle(event):
    """One server event in; the reply to send (a dict) or None out."""
    if event["type"] != "action.requested":
        return None
    data = event["data"]
    action = "check" if "check" in data["legal_actions"] else "call"
    return {"type": "action.intent", "hand_id": data["hand_id"], "action": action}


# Transport: JSON lines on stdin/stdout instead of a WebSocket.
def main():
    for line in sys.stdin:
        reply = handle(json.loads(line))
        if reply is not None:
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
