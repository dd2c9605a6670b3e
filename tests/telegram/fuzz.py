"""Seeded junk for the Telegram adapter: what members (and broken clients or servers) may send.

``fuzz(t, rng, count)`` sends ``count`` updates through the emulator: texts of odd Unicode and every
length, commands with junk arguments in private and in the group, forged and junk button data on real
messages, and raw updates the library can't read. Used by the suite (a few hundred) and by
``benchmarks/fuzz_bench.py`` (ten thousand).
"""

from __future__ import annotations

import random
import string

from tests.emulators.telegram import ChatMessage
from tests.telegram.harness import GROUP, USERS, Telegram, uid

NAMES = [name for name in USERS if name != "mod"]
ODD = [
    "²",
    "٣",
    "１２",
    "\u200b",
    "\u202e",
    "\u0301",
    "🏳️‍🌈",
    "\ufeff",
    "𝕏",
    "ß",
    "İ",
    "\x00",
    "<b>",
    "&amp;",
    "`",
    "*_~",
    "%s",
    "{number}",
    "99999999999",
    "-1",
    "0",
    "#1",
    "@everyone",
    "https://t.me/x",
]
PRIVATE = [
    "start",
    "mine",
    "latest",
    "top",
    "topics",
    "digest",
    "language",
    "privacy",
    "cancel",
    "help",
    "words",
    "nope",
]
GROUP_COMMANDS = ["ban", "remove", "unban", "bans", "audit", "linkmods", "settings", "start", "help", "nope"]
PAYLOADS = ["reply_", "report_", "post_", "rr_", "x_", ""]


def junk(rng: random.Random, longest: int = 60) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        pick = rng.random()
        if pick < 0.4:
            parts.append(rng.choice(ODD))
        elif pick < 0.7:
            parts.append(
                "".join(rng.choices(string.ascii_letters + string.digits + " :_-/", k=rng.randint(1, 12)))
            )
        else:
            code = rng.randint(0x20, 0x2FFFF)
            if 0xD800 <= code <= 0xDFFF:
                code = 0x2603  # surrogates can't be sent alone
            parts.append(chr(code) * rng.randint(1, 3))
    text = "".join(parts)[:longest]
    return text if text.strip() else "x"


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.1:
        return (junk(rng) + " ") * 400  # long, cut to Telegram's 4096 below
    if kind < 0.2:
        return "I need to tell someone: " + junk(rng)
    return junk(rng)


def _clip(text: str) -> str:
    # a Telegram client sends 1 to 4096 UTF-16 units
    clipped = text[:2000]
    return clipped if clipped.strip() else "x"


def _button_data(rng: random.Random, real: list[str]) -> str:
    pick = rng.random()
    if real and pick < 0.4:
        data = rng.choice(real)
        cut = rng.randint(0, len(data))
        return (data[:cut] + junk(rng, 10))[:64] or "x"
    if pick < 0.7:
        return f"{rng.randint(0, 40)}:{rng.choice(ODD)}:{rng.randint(-5, 2**40)}"[:64]
    return junk(rng, 64).encode("utf-8")[:64].decode("utf-8", "ignore") or "x"


def _raw_update(rng: random.Random, user_id: int) -> tuple[str, dict[str, object]]:
    user = {"id": user_id, "is_bot": False, "first_name": "Fuzz"}
    chat = {"id": user_id, "type": "private", "first_name": "Fuzz"}
    broken = rng.choice(
        [
            {"poll": {"id": "1"}},
            {"sticker": {"file_id": "x"}},
            {"photo": [{"file_id": "x"}]},
            {"location": {"latitude": "north"}},
        ]
    )
    return "message", {"message_id": rng.randint(1, 10**6), "date": 0, "chat": chat, "from": user, **broken}


async def fuzz(t: Telegram, rng: random.Random, count: int) -> None:
    """Sends ``count`` updates; each member's messages with buttons are kept for forged presses."""
    for _ in range(count):
        name = rng.choice(NAMES)
        who = uid(name)
        pick = rng.random()
        if pick < 0.3:
            await t.tg.user_sends(who, who, _clip(_text(rng)))
        elif pick < 0.5:
            command = rng.choice(PRIVATE)
            argument = rng.choice(PAYLOADS) + junk(rng, 20) if command == "start" else junk(rng, 30)
            await t.tg.user_sends(who, who, _clip(f"/{command} {argument}"))
        elif pick < 0.65:
            await t.tg.user_sends(who, GROUP, _clip(f"/{rng.choice(GROUP_COMMANDS)} {junk(rng, 30)}"))
        elif pick < 0.95:
            pressed = _pressable(t, who, rng)
            if pressed is None:
                await t.tg.user_sends(who, who, _clip(_text(rng)))
                continue
            real = [str(b["callback_data"]) for b in pressed.buttons if "callback_data" in b]
            data = rng.choice(real) if real and rng.random() < 0.3 else _button_data(rng, real)
            await t.tg.user_clicks(who, pressed, data, forged=True)
        else:
            kind, body = _raw_update(rng, who)
            await t.tg.send_raw_update(kind, body)
        if rng.random() < 0.2:
            await t.tg.wait_updates_consumed(within=20)


def _pressable(t: Telegram, user_id: int, rng: random.Random) -> ChatMessage | None:
    mine = [m for m in t.tg.bot_messages(user_id) if m.buttons]
    group = [m for m in t.tg.bot_messages(GROUP) if m.buttons]
    choices = mine[-5:] + group[-5:]
    return rng.choice(choices) if choices else None
